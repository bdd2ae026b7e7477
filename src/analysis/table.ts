// A plain text table: columns left-aligned, two spaces apart, numbers as given. Terminals
// and diffs both read it; the JSON and CSV outputs carry the full precision.

export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  // A loop, not Math.max(...column): a sweep's table has a row per point, and as many
  // arguments overflowed the stack past some hundred thousand.
  const widths = header.map((h) => h.length);
  for (const r of rows) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], (r[i] ?? '').length);
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

// docs/scenario-reference.md, written from the scenario's JSON Schema (what `sim schema`
// prints): every field with its type, its bounds and the schema's own description, so the
// reference cannot drift from what the simulator accepts. test/docs.test.ts checks the
// page against this function.
type JsonSchema = Record<string, any>;

interface Row {
  path: string;
  type: string;
  bounds: string;
  /** What the simulator takes when the file leaves the field out (empty: no default). */
  default: string;
  description: string;
}

export function scenarioReference(schema: JsonSchema): string {
  const rows: Row[] = [];
  walk(schema, '', rows);
  const cell = (t: string) => t.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
  return [
    '# Scenario reference',
    '',
    'Every field of a scenario file, generated from its JSON Schema (`sim schema`,',
    '`scenarios/schema.json`) by `src/report/scenarioReference.ts`; a test fails when this',
    'page is not what the schema says. A duration is seconds as a number, a string with a',
    'unit (`"250ms"`), or a distribution (`{"dist": "exponential", "mean": "5ms"}`). A step',
    "of `app.steps` (or of an endpoint's `steps`) has the fields of its `kind`.",
    '',
    '| field | type | bounds | default | description |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| \`${r.path}\` | ${cell(r.type)} | ${cell(r.bounds)} | ${cell(r.default)} | ${cell(r.description)} |`),
    '',
  ].join('\n');
}

function walk(node: JsonSchema, path: string, rows: Row[]): void {
  if (node.type === 'object' && node.properties !== undefined) {
    for (const [key, child] of Object.entries<JsonSchema>(node.properties)) {
      if (key === '$schema') continue;
      const p = path === '' ? key : `${path}.${key}`;
      const kind = typeOf(child);
      rows.push({ path: p, type: kind, bounds: boundsOf(child), default: defaultOf(child), description: String(child.description ?? '') });
      if (kind === 'object') walk(child, p, rows);
      else if (child.type === 'array' && child.items !== undefined) items(child.items, `${p}[]`, rows);
    }
  }
}

function items(node: JsonSchema, path: string, rows: Row[]): void {
  if (node.oneOf?.every((v: JsonSchema) => v.properties?.kind?.const !== undefined)) {
    for (const variant of node.oneOf as JsonSchema[]) {
      const kind = variant.properties.kind.const as string;
      for (const [key, child] of Object.entries<JsonSchema>(variant.properties)) {
        if (key === 'kind') continue;
        rows.push({
          path: `${path} (${kind}).${key}`,
          type: typeOf(child),
          bounds: boundsOf(child),
          default: defaultOf(child),
          description: String(child.description ?? ''),
        });
      }
    }
    return;
  }
  if (node.type === 'object') walk(node, path, rows);
}

/** A field's default as a file would write it (an object's defaults are its fields'). */
function defaultOf(s: JsonSchema): string {
  const d = s.default;
  if (d === undefined || (d !== null && typeof d === 'object')) return '';
  return `\`${JSON.stringify(d)}\``;
}

function typeOf(s: JsonSchema): string {
  if (s.anyOf !== undefined || s.oneOf !== undefined) {
    const variants: JsonSchema[] = s.anyOf ?? s.oneOf;
    const flat = variants.flatMap((v) => v.anyOf ?? v.oneOf ?? [v]);
    if (flat.some((v) => v.properties?.dist !== undefined)) return 'duration';
    if (flat.some((v) => v.type === 'string' && typeof v.pattern === 'string' && v.pattern.includes('ms'))) return 'seconds';
    return [...new Set(flat.map(typeOf))].join(' or ');
  }
  if (s.enum !== undefined) return s.enum.map((v: unknown) => `\`${String(v)}\``).join(', ');
  if (s.const !== undefined) return `\`${String(s.const)}\``;
  if (s.type === 'object' && s.properties === undefined) return 'map';
  return String(s.type ?? 'any');
}

function boundsOf(s: JsonSchema): string {
  const numeric =
    s.type === 'integer' || s.type === 'number' ? s : (s.anyOf ?? []).find((v: JsonSchema) => v.type === 'number' || v.type === 'integer');
  const parts: string[] = [];
  if (numeric !== undefined) {
    const safe = (x: number) => Math.abs(x) < Number.MAX_SAFE_INTEGER;
    if (numeric.exclusiveMinimum !== undefined) parts.push(`> ${numeric.exclusiveMinimum}`);
    else if (numeric.minimum !== undefined && safe(numeric.minimum)) parts.push(`>= ${numeric.minimum}`);
    if (numeric.maximum !== undefined && safe(numeric.maximum)) parts.push(`<= ${numeric.maximum}`);
  }
  if (s.type === 'array') {
    if (s.minItems !== undefined) parts.push(`${s.minItems} to ${s.maxItems ?? 'any'} items`);
    else if (s.maxItems !== undefined) parts.push(`at most ${s.maxItems} items`);
  }
  return parts.join(', ');
}

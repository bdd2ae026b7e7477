// A progress bar on stderr, drawn only when stderr is a terminal: redirected output and
// CI logs stay free of carriage returns. stdout never sees it.
export function progressBar(
  write: (text: string) => void,
  label: string,
): { update: (done: number, total: number) => void; end: () => void } {
  const width = 30;
  let last = '';
  let drawn = false;
  return {
    update(done, total) {
      const filled = total > 0 ? Math.round((width * done) / total) : width;
      const line = `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
      if (line === last) return;
      last = line;
      drawn = true;
      write(line);
    },
    end() {
      // Clear the line so the next message starts clean.
      if (drawn) write(`\r${' '.repeat(last.length)}\r`);
    },
  };
}

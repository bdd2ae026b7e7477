// Errors a user can cause, and the helpers that locate and explain them; the words
// themselves are in ../messages.ts. The CLI prints a UserError without a stack trace and
// exits with its code: 2 for bad input, 130 for an interrupted command.
export class UserError extends Error {
  readonly exitCode: number = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** The user stopped a command (Ctrl-C) after it saved what it had: exit 130, as shells expect. */
export class Interrupted extends UserError {
  override readonly exitCode = 130;
  constructor(message: string) {
    super(message);
    this.name = 'Interrupted';
  }
}

/**
 * a.b[2].c, the way a user finds a field in the file. A key that holds a dot or a bracket
 * (a cost path in `measured`) is quoted: measured["app.steps.0.time"].
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/[.[\]]/.test(String(key))) out += `[${JSON.stringify(String(key))}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** The closest of `candidates` to `word`, if close enough to be a likely typo. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  // An abbreviation ("expo", "conc") is as likely a slip as a typo.
  const lower = word.toLowerCase();
  if (lower.length >= 3) {
    const extending = candidates.filter((c) => c.toLowerCase().startsWith(lower));
    if (extending.length === 1) return extending[0];
  }
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

// Text from a user's input as a terminal or a script may hold it (the CLI's messages, the
// text report, the comments of an emitted Slurm script).
/**
 * A line of a message as a terminal may show it: control characters (a key holding an
 * escape sequence would recolour or retitle the terminal) written as \u escapes, and a
 * line that quotes a huge input (a 200 KB --set) cut in the middle.
 */
export function printable(line: string, max = 1000): string {
  // eslint-disable-next-line no-control-regex
  const safe = escaped(line, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g);
  return safe.length <= max
    ? safe
    : `${safe.slice(0, max - 200)} ...(${safe.length - max + 100} characters left out)... ${safe.slice(-100)}`;
}

/** `text` with the characters `pattern` (global) matches written as \u escapes. */
export function escaped(text: string, pattern: RegExp): string {
  return text.replace(pattern, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// Text from a user's input as a terminal may show it (the CLI's messages, the text report).
/**
 * A line of a message as a terminal may show it: control characters (a key holding an
 * escape sequence would recolour or retitle the terminal) written as \u escapes, and a
 * line that quotes a huge input (a 200 KB --set) cut in the middle.
 */
export function printable(line: string, max = 1000): string {
  // eslint-disable-next-line no-control-regex
  const safe = line.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return safe.length <= max
    ? safe
    : `${safe.slice(0, max - 200)} ...(${safe.length - max + 100} characters left out)... ${safe.slice(-100)}`;
}

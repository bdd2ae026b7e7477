// --json means one thing in every command: the command's result as JSON, on stdout when
// given alone (instead of the text), or written to FILE (atomically) with the text on
// stdout as usual.
import { atomicWrite, checkWritable } from './atomicWrite.js';
import { singleValue } from './flags.js';

export const jsonOption = {
  type: 'string',
  describe: "The command's result as JSON: on stdout instead of the text, or into FILE (atomically) beside it",
} as const;

/**
 * undefined: no JSON; '': JSON on stdout; else the file, checked writable before any
 * work, and not one of the command's `inputs`.
 */
export function jsonTarget(value: unknown, inputs: readonly string[] = []): string | undefined {
  if (value === undefined) return undefined;
  if (value === '' || (Array.isArray(value) && value.every((v) => v === ''))) return '';
  const file = singleValue('--json', value, 'result.json')!;
  checkWritable(file, '--json', inputs);
  return file;
}

/** What goes to stdout (or --out): the JSON when --json is alone, else the text; the JSON file written when one was named. */
export function withJson(target: string | undefined, json: () => string, text: () => string): string {
  if (target === '') return json();
  if (target !== undefined) atomicWrite(target, json(), '--json');
  return text();
}

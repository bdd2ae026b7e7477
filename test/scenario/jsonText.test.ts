import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonText, parseJsonValue } from '../../src/scenario/jsonText.js';

/** What a reader makes of a text: its value, or its error's message and place. */
function outcome(read: (text: string) => unknown, text: string): unknown {
  try {
    return { value: read(text) };
  } catch (e) {
    const { message, line, column } = e as { message: string; line: number; column: number };
    return { message, line, column };
  }
}

const strict = (text: string) => parseJsonText(text).value;

describe('parseJsonValue (JSON.parse, with the strict reader behind it)', () => {
  it.each([
    ['a sweep-shaped document', '{"sweep": {"points": 2}, "points": [{"index": 0, "series": "a: b", "x": -0.5e-3}]}'],
    ['colons in keys and strings', '{"a:b": "c:d:e", "list": [":", "::"], "n": null, "t": true}'],
    ['a key named __proto__', '{"__proto__": {"x": 1}, "y": [1, 2]}'],
    ['a byte-order mark (JSON.parse refuses it, the reader skips it)', '\ufeff{"a": 1}'],
    ['an escaped colon, no key twice', '{"a": "\\u003a", "b": 1}'],
  ])('reads %s as the strict reader does', (_what, text) => {
    expect(outcome(parseJsonValue, text)).toEqual(outcome(strict, text));
    expect(outcome(parseJsonValue, text)).toHaveProperty('value');
  });

  // JSON.parse accepts each of these and makes something of it; the strict reader refuses
  // them, and parseJsonValue must too, with the reader's own message and place.
  it.each([
    ['a key twice', '{"a": 1,\n "a": 2}', 'the key "a" appears twice'],
    ['a key twice, deep in a list', '{"points": [{"index": 0}, {"index": 1, "x": {"m": 1, "m": 1}}]}', 'the key "m" appears twice'],
    ['a key twice, its lost colons made up by escaped ones', '{"a": "x", "a": "y", "b": "\\u003A"}', 'the key "a" appears twice'],
    ['nesting past the limit', `${'['.repeat(300)}${']'.repeat(300)}`, 'nested deeper than 256 levels'],
    ['a number past a double', '{"points": 1e400}', 'the number 1e400 is too large'],
    ['a negative number past a double', '[-1e400]', 'the number -1e400 is too large'],
  ])('refuses %s as the strict reader does', (_what, text, message) => {
    const got = outcome(parseJsonValue, text);
    expect(got).toEqual(outcome(strict, text));
    expect((got as { message: string }).message).toContain(message);
  });

  it.each([
    ['a cut file', '{"points": [1, 2'],
    ['a trailing comma', '{"a": [1, 2,]}'],
    ['a comment', '{"a": 1 // why\n}'],
  ])('says where %s breaks, as the strict reader does', (_what, text) => {
    const got = outcome(parseJsonValue, text);
    expect(got).toEqual(outcome(strict, text));
    expect(got).toHaveProperty('line');
  });

  it('agrees with the strict reader on any JSON value', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(outcome(parseJsonValue, text)).toEqual(outcome(strict, text));
      }),
    );
  });
});

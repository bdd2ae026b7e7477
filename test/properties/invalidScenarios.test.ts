// Random invalid input: every case exits with code 2, prints nothing on stdout, no stack
// trace, and a message that points at the right place: file:line:column and the JSON
// path of the field, the flag the user typed, or the exact spot of a JSON syntax error.
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sim } from '../sim.js';
import { INVALID_RUNS, PROPERTY_SEED, PROPERTY_TIMEOUT } from './properties.js';
import { invalidCase, type InvalidCase } from './invalidScenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-invalid-'));
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function expectedLine(c: InvalidCase, file: string): RegExp {
  if (c.path === undefined) {
    const at = c.location === undefined ? '\\d+:\\d+' : `${c.location.line}:${c.location.column}`;
    return new RegExp(`^sim: ${escapeRegExp(file)}:${at}: not valid JSON: (expected .+, got .+|the key .+ appears twice.*)$`, 'm');
  }
  const where = c.source === 'file' ? `${escapeRegExp(file)}:\\d+:\\d+` : escapeRegExp(c.source);
  const hint = c.suggestion === undefined ? '' : `.*; did you mean "${escapeRegExp(c.suggestion)}"\\?`;
  // The problem may be inside the field (a distribution's mean): a deeper path is right too.
  return new RegExp(`^sim: ${where}: at ${escapeRegExp(c.path)}[^:]*: .*(expected|needs|unknown key)${hint}`, 'm');
}

describe('random invalid input', () => {
  it(
    `gets exit code 2 and a message naming the right place (${INVALID_RUNS} cases)`,
    async () => {
      const kinds = new Map<string, number>();
      let n = 0;
      await fc.assert(
        fc.asyncProperty(invalidCase, async (c) => {
          fc.pre(c !== undefined);
          const file = join(dir, `case-${n++}.json`);
          writeFileSync(file, c.text);
          const { code, out, err } = await sim('run', file, ...c.argv);
          expect(err).toMatch(expectedLine(c, file));
          expect(code).toBe(2);
          expect(out).toBe('');
          for (const line of err.trimEnd().split('\n')) expect(line).toMatch(/^sim: /);
          expect(err).not.toMatch(/internal error|\n\s+at /);
          const kind = c.kind.replace(/ \(.*\)$/, '').replace(/^bad (?!duration|--).*/, 'bad field value');
          kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        }),
        { seed: PROPERTY_SEED, numRuns: INVALID_RUNS },
      );
      // Every kind of mistake was tried, and more than a few times.
      for (const kind of [
        'bad field value',
        'bad duration',
        'unknown key',
        'bad --set',
        'bad --seed',
        'trailing comma',
        'truncated',
        'missing colon',
        'single quotes',
        'comment',
        'duplicate key',
        'bare word',
      ]) {
        expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(4);
      }
    },
    PROPERTY_TIMEOUT,
  );
});

// What the error-case files share: a scratch scenario to point commands at, `sim` as a
// process where the environment or a special file is the input, and what a refusal must
// look like.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

/** A fresh folder holding a small valid scenario (a gevent worker pair sleeping 20 ms a request). */
export function scratchScenario(tag: string) {
  const dir = mkdtempSync(join(tmpdir(), `sim-${tag}-`));
  const scenario = join(dir, 'scenario.json');
  const base = {
    description: tag,
    client: { requests: 20, concurrency: 5 },
    server: { workerClass: 'gevent', workers: 2 },
    app: { steps: [{ kind: 'sleep', time: '20ms' }] },
  };
  writeFileSync(scenario, JSON.stringify(base, null, 2));
  return { dir, scenario, base };
}

/** `sim` as a process (the built CLI), with a 256 MB heap and 60 s at most: a crash or a runaway shows as a failure. */
export function simProcess(argv: string[], options: { env?: Record<string, string>; stdout?: number | 'pipe' } = {}) {
  const r = spawnSync(process.execPath, ['--max-old-space-size=256', 'bin/sim.js', ...argv], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
  });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr };
}

/** One line naming the problem, no stack trace, nothing on stdout, exit 2. */
export function refusedOnOneLine(r: { code: number | null; out: string; err: string }, names: string): void {
  expect(r.err).toContain(names);
  expect(r.err).not.toMatch(/internal error|\n\s+at |FATAL/);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.out).toBe('');
  expect(r.code).toBe(2);
}

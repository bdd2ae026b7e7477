// The `sim` command starts from V8's code cache (src/cli/codeCache.ts). These run in
// child processes: V8 accepts a cache only under the flags it was made with, and a
// test runner's thread has its own. (What a run must not load or build at start-up, being
// about time, not behaviour, is checked by npm run bench: bench/startup.mjs.)
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const codeCache = resolve('dist/cli/codeCache.js');

/** Loads `bundle` with `cache` in a fresh node and runs `sim schema`: which cache state, and the exit code. */
function start(bundle: string, cache: string): { cache: string; code: number; out: string } {
  const script = `
    const { loadCli } = await import(${JSON.stringify(codeCache)});
    const cli = loadCli(${JSON.stringify(bundle)}, ${JSON.stringify(cache)});
    let out = '';
    const code = await cli.main(['schema'], { out: (t) => (out += t), err: (t) => process.stderr.write(t) });
    console.log(JSON.stringify({ cache: cli.cache, code, out }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { cache: string; code: number; out: string };
}

describe('starting the bundled CLI', () => {
  it('uses the code cache that the build saved for this bundle', () => {
    const r = start(resolve('dist/sim.cjs'), resolve('dist/sim.cache'));
    expect(r.cache).toBe('accepted');
    expect(r.code).toBe(0);
  });

  it('offers V8 no cache made from another bundle, even one of the same length (V8 would take it), and still runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cache-'));
    const bundle = join(dir, 'sim.cjs');
    const source = readFileSync('dist/sim.cjs', 'utf8');
    // Same length, other code: a string in the schema command's output changes.
    writeFileSync(bundle, source.replace('gunicorn-sim scenario', 'gunicorn-sim scenari0'));
    copyFileSync('dist/sim.cache', join(dir, 'sim.cache'));
    const r = start(bundle, join(dir, 'sim.cache'));
    expect(r.cache).toBe('stale');
    expect(r.code).toBe(0);
    expect(r.out).toContain('gunicorn-sim scenari0');
  });

  it('compiles as usual without a cache file', () => {
    const r = start(resolve('dist/sim.cjs'), join(tmpdir(), 'no-such-sim.cache'));
    expect(r.cache).toBe('none');
    expect(r.out).toBe(start(resolve('dist/sim.cjs'), resolve('dist/sim.cache')).out);
  });
});

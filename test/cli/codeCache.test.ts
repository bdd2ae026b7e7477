// The `sim` command starts from V8's code cache (src/cli/codeCache.ts). These run in
// child processes: V8 accepts a cache only under the flags it was made with, and a
// test runner's thread has its own.
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

describe('what the bundled CLI leaves out of a run', () => {
  it('builds no Intl segmenter (string-width, for the help text) unless help is printed, and loads no node:crypto', () => {
    const script = `
      let built = 0;
      const Segmenter = Intl.Segmenter;
      Intl.Segmenter = class extends Segmenter { constructor(...a) { super(...a); built++; } };
      const { loadCli } = await import(${JSON.stringify(codeCache)});
      const cli = loadCli();
      const quiet = { out: () => {}, err: (t) => process.stderr.write(t) };
      const loaded = built;
      const code = await cli.main(['run', 'scenarios/gevent-10.json'], quiet);
      const ran = built;
      const crypto = process.moduleLoadList.includes('NativeModule crypto');
      await cli.main(['--help'], quiet);
      console.log(JSON.stringify({ loaded, code, ran, help: built, crypto }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    // (yargs prints the help itself, on stdout, before the counts.)
    const counts = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      loaded: number;
      code: number;
      ran: number;
      help: number;
      crypto: boolean;
    };
    expect(counts).toMatchObject({ loaded: 0, code: 0, ran: 0 });
    expect(counts.help).toBeGreaterThan(0);
    // Nor node:crypto (a sweep's digest needs it; 47 of Node's modules, 2 ms).
    expect(counts.crypto).toBe(false);
  });
});

// Issue 17, item 25: a sweep's thread terminated while it loads its worker file (pool.destroy()
// after Ctrl-C or after a short sweep) aborted the whole process when that file was an ES
// module ("FATAL ERROR: v8::Module::IsGraphAsync must be used on an instantiated module":
// Node's require(esm) instantiation, see scripts/bundle.mjs). The threads now load a
// CommonJS bundle, which a termination at any point of its load only stops.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workerFile } from '../../../src/analysis/sweep/runner.js';

describe("a sweep's worker threads", () => {
  it('load a CommonJS script, never an ES module (Node cannot terminate its instantiation safely)', () => {
    const file = fileURLToPath(workerFile());
    expect(file).toMatch(/\.cjs$/); // Node never reads a .cjs file as an ES module
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/^\s*(import\s|export\s)/m);
    expect(text).toContain('module.exports');
  });

  it('survive being destroyed at any point of their load, 100 times', () => {
    // The reproduction script's child mode: a 2-thread pool over the runner's worker file,
    // destroyed after delays that walk across the load time. With the ES module, about
    // one round in a hundred aborted the process (exit 134, SIGABRT).
    const r = spawnSync(process.execPath, ['scripts/workerTerminateRepro.mjs', '--child', fileURLToPath(workerFile()), '100'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.stderr).not.toContain('FATAL ERROR');
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
    expect(r.stdout).toMatch(/survived 100 rounds/);
  }, 150_000);
});

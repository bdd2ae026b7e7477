// Output files are written atomically: a reader, or a run interrupted at any moment,
// finds the old file or the new one, never part of one, and no temporary file is left
// behind by a write that failed.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atomicWrite, batched, checkWritable } from '../../src/cli/atomicWrite.js';
import { sim } from '../sim.js';

const dir = () => mkdtempSync(join(tmpdir(), 'sim-atomic-'));

describe('atomicWrite', () => {
  it('replaces a file and leaves nothing else in its folder', () => {
    const d = dir();
    const path = join(d, 'report.json');
    writeFileSync(path, 'old');
    atomicWrite(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(d)).toEqual(['report.json']);
  });

  it('writes pieces one batch at a time', () => {
    const d = dir();
    const path = join(d, 'pieces.txt');
    const pieces = Array.from({ length: 5000 }, (_, i) => `${i}\n`);
    atomicWrite(path, pieces);
    expect(readFileSync(path, 'utf8')).toBe(pieces.join(''));
    const batches = [...batched(pieces, 1000)];
    expect(batches.join('')).toBe(pieces.join(''));
    expect(batches).toHaveLength(24);
    for (const b of batches.slice(0, -1)) expect(b.length >= 1000 && b.length < 1005).toBe(true);
  });

  it('leaves the old file and no temporary one when the rename fails', () => {
    const d = dir();
    const path = join(d, 'taken');
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'old');
    expect(() => atomicWrite(path, 'new')).toThrow(/taken: cannot write: /);
    expect(readdirSync(d)).toEqual(['taken']);
    expect(readFileSync(join(path, 'inside'), 'utf8')).toBe('old');
  });

  // Hardening: "." was "EBUSY: resource busy or locked, rename '...1234.0.tmp' -> '.'" (sim
  // schema --out ., which wrote without checkWritable), and "out/" said "a file is in the way".
  it('refuses a folder, however it is spelt, as one, and leaves no temporary file', () => {
    const d = dir();
    mkdirSync(join(d, 'out'));
    for (const path of [d, `${d}/`, `${join(d, 'out')}/`, `${join(d, 'out')}/.`]) {
      expect(() => atomicWrite(path, 'new', '--out')).toThrow(`--out ${path}: cannot write: is a directory, expected a file name`);
    }
    expect(readdirSync(d)).toEqual(['out']);
    expect(readdirSync(join(d, 'out'))).toEqual([]);
  });

  // Hardening: "new.txt/" passed checkWritable and failed after the work as "a file is in
  // the way where a folder should be", with no file in the way.
  it('refuses a name ending in "/" that is no folder, before the work', () => {
    const d = dir();
    for (const path of [join(d, 'new.txt/'), join(d, 'new', 'x/')]) {
      expect(() => checkWritable(path, '--out')).toThrow(
        `--out ${path}: cannot write: a name ending in "/" is a folder's, expected a file name`,
      );
      expect(() => atomicWrite(path, 'new', '--out')).toThrow(`--out ${path}: cannot write: a name ending in "/"`);
    }
    expect(readdirSync(d)).toEqual([]);
  });

  it('leaves the old content or the new, whole, when the writer is killed', async () => {
    // A child process writes 64 MB over a small file and is killed at once. Wherever the
    // kill lands, the target holds one of the two contents entirely.
    const d = dir();
    const path = join(d, 'big.txt');
    writeFileSync(path, 'old');
    // The compiled module (npm test builds first): the child is plain Node.
    const script = `import { atomicWrite } from ${JSON.stringify(new URL('../../dist/cli/atomicWrite.js', import.meta.url).href)};
      const data = 'n'.repeat(64 * 1024 * 1024); process.stdout.write('writing\\n'); atomicWrite(${JSON.stringify(path)}, data);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
    const started = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await started;
    child.kill('SIGKILL');
    expect(await exited).not.toBe(1); // killed (null) or done (0), not failed
    const text = readFileSync(path, 'utf8');
    expect(text === 'old' || text === 'n'.repeat(64 * 1024 * 1024)).toBe(true);
  });
});

describe('checkWritable', () => {
  it('makes and removes a file where the output goes, and leaves the folder as it was', () => {
    const d = dir();
    writeFileSync(join(d, 'report.json'), 'old');
    checkWritable(join(d, 'report.json'), '--out');
    checkWritable(join(d, 'new.json'), '--out');
    expect(readdirSync(d)).toEqual(['report.json']);
    expect(readFileSync(join(d, 'report.json'), 'utf8')).toBe('old');
  });

  it('refuses a folder that takes no new file though it may be written, before the work, saying so', async () => {
    // /proc to root: its folder passed the check, a sweep ran every point, then "cannot write: no such folder".
    const why =
      process.getuid?.() === 0
        ? 'its folder takes no new files (a file system such as /proc or /sys), expected a folder of ordinary files'
        : 'permission denied';
    expect(() => checkWritable('/proc/sweep.json', '--json')).toThrow(`--json /proc/sweep.json: cannot write: ${why}`);
    const d = dir();
    writeFileSync(
      join(d, 's.json'),
      JSON.stringify({ client: { requests: 5, concurrency: 1 }, app: { steps: [{ kind: 'sleep', time: 0 }] } }),
    );
    const run = await sim('sweep', join(d, 's.json'), '--vary', 'server.workers=1,2', '--json', '/proc/sweep.json');
    expect(run).toEqual({ code: 2, out: '', err: `sim: --json /proc/sweep.json: cannot write: ${why}\n` });
  });
});

describe('commands that write files write them atomically', () => {
  it('sim run --out writes the report there, nothing on stdout', async () => {
    const path = join(dir(), 'report.json');
    const { code, out } = await sim('run', 'scenarios/sync-4.json', '--json', '--out', path);
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(JSON.parse(readFileSync(path, 'utf8')).summary.requests).toBe(10);
  });

  it('sim schema --out of a folder is refused as one, exit 2', async () => {
    const d = dir();
    const { code, err } = await sim('schema', '--out', `${d}/.`);
    expect(code).toBe(2);
    expect(err).toBe(`sim: --out ${d}/.: cannot write: is a directory, expected a file name\n`);
    expect(readdirSync(d)).toEqual([]);
  });

  it('sim schema --out writes what sim schema prints', async () => {
    const path = join(dir(), 'schema.json');
    const printed = await sim('schema');
    await sim('schema', '--out', path);
    expect(readFileSync(path, 'utf8')).toBe(printed.out);
  });
});

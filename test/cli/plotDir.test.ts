// --plot DIR is made before the run (src/cli/plotDir.ts): a folder that cannot be made is
// one line and exit 2, at once, with no report printed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sim } from '../sim.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-plotdir-'));
const scenario = join(dir, 'scenario.json');
writeFileSync(
  scenario,
  JSON.stringify({
    client: { requests: 4, concurrency: 2 },
    server: { workerClass: 'gevent' },
    app: { steps: [{ kind: 'sleep', time: '10ms' }] },
  }),
);

describe('sim run --plot DIR', () => {
  it.skipIf(!existsSync('/proc/self'))(
    'under /proc, where mkdir answers ENOENT to a folder whose parent is there: refused in a second (Node spun for ever)',
    () => {
      // A process of its own, with a timeout: Node's recursive mkdir spins in C++, and would
      // hang this test process with it.
      const r = spawnSync(process.execPath, ['bin/sim.js', 'run', scenario, '--plot', '/proc/x/y'], { encoding: 'utf8', timeout: 20_000 });
      expect(r.stderr).toBe(
        'sim: --plot /proc/x/y: cannot write the charts: no folder can be made at /proc/x: its parent takes none (a file system such as /proc, or a symbolic link to nothing)\n',
      );
      expect(r.stdout).toBe('');
      expect(r.status).toBe(2);
    },
  );

  it('under a symbolic link to nothing: names the folder that cannot be made', async () => {
    const link = join(dir, 'dangling');
    symlinkSync(join(dir, 'no-such-target'), link);
    const r = await sim('run', scenario, '--plot', join(link, 'charts'));
    expect(r.err).toBe(
      `sim: --plot ${link}/charts: cannot write the charts: no folder can be made at ${link}/charts: its parent takes none (a file system such as /proc, or a symbolic link to nothing)\n`,
    );
    expect(r.out).toBe('');
    expect(r.code).toBe(2);
  });

  // Input hunt: failed only when latency.svg was written: after the report was printed and
  // timeline's three files were, with the path twice in the message.
  it('with a folder where a chart file goes: refused before the run, nothing written', async () => {
    const plots = join(dir, 'in-the-way');
    mkdirSync(join(plots, 'latency.svg'), { recursive: true });
    const r = await sim('run', scenario, '--plot', plots);
    expect(r.err).toBe(
      `sim: --plot ${plots}/latency.svg: cannot write the charts: a folder is in the way where a chart file goes: move it, or give --plot another folder\n`,
    );
    expect(r.out).toBe('');
    expect(r.code).toBe(2);
    expect(readdirSync(plots)).toEqual(['latency.svg']);
  });

  it('makes the folders that are missing, several levels deep', async () => {
    const deep = join(dir, 'a', 'b', 'c');
    const r = await sim('run', scenario, '--plot', deep);
    expect(r.code).toBe(0);
    expect(existsSync(join(deep, 'report.html'))).toBe(true);
  });
});

// sim sweep --emit slurm on a real Slurm: scripts/slurm-cluster.sh starts munged,
// slurmctld and slurmd (one node, this machine's cores), the emitted script submits a
// 4-task job array and the merge, and the merged sweep must be the bytes of the same
// sweep run here. Then shard 2 alone is rerun (sbatch --array=2) and merged again. The
// cluster is stopped at the end.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sim } from '../sim.js';
import { slurmAvailable, slurmStatus } from '../support/slurm.js';
import { gthreadSweep } from '../helpers.js';

const CLUSTER = resolve('scripts/slurm-cluster.sh');

describe('the Slurm tests skip or fail as they should', () => {
  it('under CI a missing part fails; elsewhere the skip says how to install it', () => {
    const none = () => false;
    expect(() => slurmStatus({ CI: 'true' }, true, none)).toThrow(
      /cannot run under CI=true: \/usr\/sbin\/slurmctld, .* missing \(.ci\/run installs/,
    );
    expect(() => slurmStatus({ CI: 'true' }, false, () => true)).toThrow(/needs root/);
    expect(slurmStatus({}, true, none).skipped).toMatch(
      /^skipping the Slurm tests: .* missing; as root, install them with: apt-get install slurm-wlm munge/,
    );
    expect(slurmStatus({ CI: 'false' }, true, () => true)).toEqual({ available: true });
  });
});

describe.skipIf(!slurmAvailable)('sim sweep --emit slurm on slurmctld and slurmd', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-slurm-'));
  const scenario = join(dir, 'tiny.json');
  // Its space, # and % are what sbatch's and slurmd's own parsing of --output would take apart.
  const out = join(dir, 'out #1 %x');
  const merged = join(out, 'tiny-sweep.json');
  const script = join(dir, 'tiny.sbatch');
  const grid = ['--vary', 'server.workers=1..3', '--vary', 'client.concurrency=4,8', '--replications', '2'];
  let env: NodeJS.ProcessEnv;

  const run = (command: string, args: string[]) => {
    const r = spawnSync(command, args, { cwd: dir, env, encoding: 'utf8', timeout: 300_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  beforeAll(() => {
    writeFileSync(
      scenario,
      JSON.stringify(
        gthreadSweep({ description: 'a tiny sweep for the Slurm test', seed: 3, requests: 40, concurrency: 8, sleep: '10ms' }),
      ),
    );
    const up = spawnSync(CLUSTER, ['up'], { encoding: 'utf8', timeout: 600_000 });
    if (up.status !== 0) throw new Error(`scripts/slurm-cluster.sh up failed (${up.status}):\n${up.stderr}`);
    const conf = /^SLURM_CONF=(.+)$/m.exec(up.stdout)![1];
    // Idempotent: up again finds it up and starts nothing.
    const again = spawnSync(CLUSTER, ['up'], { encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/already up/);
    expect(again.stdout).toBe(up.stdout);
    // The jobs run sim from this checkout (built by npm test), with this environment (sbatch's --export=ALL).
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLURM_')));
    env = { ...clean, SLURM_CONF: conf, SIM: `${process.execPath} ${resolve('bin/sim.js')}` };
  });

  afterAll(() => {
    const down = spawnSync(CLUSTER, ['down'], { encoding: 'utf8' });
    expect(down.status).toBe(0);
    // Nothing left running: the node no longer answers.
    expect(spawnSync(CLUSTER, ['status']).status).not.toBe(0);
    // Idempotent: down again has nothing to do.
    expect(spawnSync(CLUSTER, ['down']).status).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the 4 shards as a job array and merges them: the bytes of the sweep run here', async () => {
    const emitted = await sim('sweep', scenario, ...grid, '--emit', 'slurm', '--shards', '4', '--json', merged);
    expect(emitted.code).toBe(0);
    expect(emitted.out).toContain('#SBATCH --array=0-3');
    writeFileSync(script, emitted.out);
    const local = await sim('sweep', scenario, ...grid, '--json', '--jobs', '1');
    expect(local.code).toBe(0);

    const submitted = run('bash', [script, '--wait']);
    expect(submitted.err).toBe('');
    expect(submitted.code).toBe(0);
    expect(submitted.out).toMatch(/^shards: job array \d+ /);
    expect(readFileSync(merged, 'utf8')).toBe(local.out);
    for (let i = 0; i < 4; i++) {
      const shard = JSON.parse(readFileSync(join(out, 'tiny-sweep.shards', `shard-${i}.json`), 'utf8'));
      expect(shard.shard).toEqual({ index: i + 1, count: 4 });
    }

    // A shard rerun alone (sbatch --array=2 --wait), then the merge alone.
    rmSync(join(out, 'tiny-sweep.shards', 'shard-2.json'));
    const rerun = run('sbatch', ['--array=2', '--wait', script]);
    expect(rerun.code).toBe(0);
    expect(existsSync(join(out, 'tiny-sweep.shards', 'shard-2.json'))).toBe(true);
    const again = run('bash', [script, '--merge-only', '--wait']);
    expect(again.code).toBe(0);
    expect(readFileSync(merged, 'utf8')).toBe(local.out);
  });

  it('a failing shard cancels the merge, and --wait says so (exit 1)', () => {
    // SIM=false: every task fails at once.
    const r = spawnSync('bash', [script, '--wait'], { cwd: dir, env: { ...env, SIM: 'false' }, encoding: 'utf8', timeout: 300_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/: no .*tiny-sweep\.json: a shard or the merge failed; see the logs in /);
    expect(existsSync(merged)).toBe(false);
  });
});

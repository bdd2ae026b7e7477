// sim sweep --emit: the Slurm script and the Kubernetes manifests for the sweep the
// command line describes. The manifests are checked against Kubernetes' own schemas
// (kubernetes-models: validators generated from the Kubernetes OpenAPI spec), and the
// commands their pods would run are run here, with sim on the PATH and the volumes as
// folders: the merge Job prints the same bytes as the sweep run whole.
// (The Slurm script on a real slurmctld and slurmd: slurm.test.ts.)
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigMap, PersistentVolumeClaim } from 'kubernetes-models/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { describe, expect, it } from 'vitest';
import { sim } from '../sim.js';
import { kubernetesName, sweepFolder } from '../../src/cluster/emitKubernetes.js';
import { sweepId } from '../../src/analysis/sweep/sweep.js';
import { SECONDS_PER_EVENT, SECONDS_PER_RUN, SHARD_MEMORY_MB } from '../../src/cluster/jobPlan.js';
import { gthreadSweep } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-emit-'));
const scenario = join(dir, 'tiny sweep.json');
writeFileSync(
  scenario,
  JSON.stringify(gthreadSweep({ description: 'a tiny sweep for the emit tests', seed: 11, requests: 30, concurrency: 6, sleep: '5ms' })),
);
const grid = ['--vary', 'server.workers=1..3', '--vary', 'client.concurrency=3,6', '--replications', '2', '--set', 'server.threads=3'];

describe('sim sweep --emit slurm', () => {
  it('writes a job array of --shards tasks, each a shard by --shard auto, and the merge', async () => {
    const json = join(dir, 'out', 'result.json');
    const r = await sim('sweep', scenario, ...grid, '--emit', 'slurm', '--shards', '4', '--json', json);
    expect(r.code).toBe(0);
    const s = r.out;
    expect(s.startsWith('#!/bin/bash\n')).toBe(true);
    expect(s).toContain('\n#SBATCH --array=0-3\n');
    expect(s).toMatch(/\n#SBATCH --mem=\d+M\n/);
    expect(s).toMatch(/\n#SBATCH --time=\d+:\d\d:\d\d\n/);
    expect(s).toContain(`\n#SBATCH --output="${join(dir, 'out', 'result.shards')}/shard-%a.log"\n`);
    // The same sweep (the scenario quoted: its name has a space), cut by the array's index.
    expect(s).toContain(
      `exec $SIM sweep '${scenario}' --vary server.workers=1..3 --vary client.concurrency=3,6 --set server.threads=3 --replications 2 --shard auto --shards 4 --jobs 1 --json "$OUT/shard-$SLURM_ARRAY_TASK_ID.json"`,
    );
    expect(s).toContain('--dependency=afterok:$array --kill-on-invalid-dep=yes');
    // The merge reads the folder of the shard outputs (a list of them was too long for 1,001
    // long paths), and takes the shards of this sweep alone: its identity, the hash of the
    // header each of its shards writes, as sim sweep --shard writes it here.
    const shard = await sim('sweep', scenario, ...grid, '--shard', '1/4', '--json');
    const id = sweepId(JSON.parse(shard.out).sweep);
    expect(s).toContain(`--wrap "$SIM "'merge ${join(dir, 'out', 'result.shards')} --sweep-id ${id} --shards 4 --json ${json}'`);
    // bash can read it.
    const file = join(dir, 'job.sbatch');
    writeFileSync(file, s);
    expect(spawnSync('bash', ['-n', file]).status).toBe(0);
  });

  it("sizes a shard from the heaviest point's events (the most requests) and states them in the header", async () => {
    const r = await sim('sweep', scenario, '--vary', 'client.requests=300,30,60', '--emit', 'slurm', '--shards', '2');
    expect(r.code).toBe(0);
    const probe = /from the heaviest point \(point 0, 300 requests: (\d+) events,\n# simulated here\)/.exec(r.out);
    expect(probe).not.toBeNull();
    // 300 requests, each at least a send and a response.
    expect(Number(probe![1])).toBeGreaterThan(600);
    expect(r.out).toContain(`\n#SBATCH --mem=${SHARD_MEMORY_MB}M\n`);
    // Two runs (points 0 and 1) of far less than 5 minutes: the floor.
    expect(r.out).toContain('\n#SBATCH --time=0:05:00\n');
  });

  it('takes time from the events: a heavier point asks for more', async () => {
    const r = await sim(
      'sweep',
      scenario,
      '--vary',
      'client.requests=300000,30',
      '--replications',
      '100',
      '--emit',
      'slurm',
      '--shards',
      '1',
    );
    expect(r.code).toBe(0);
    const events = Number(/: (\d+) events,\n/.exec(r.out)![1]);
    // The shard runs both points 100 times each.
    const seconds = 200 * (SECONDS_PER_RUN + events * SECONDS_PER_EVENT) + 60;
    const [h, m, sec] = /#SBATCH --time=(\d+):(\d\d):(\d\d)\n/.exec(r.out)!.slice(1).map(Number);
    expect(h * 3600 + m * 60 + sec).toBe(Math.max(300, Math.ceil(seconds / 60) * 60));
    expect(h * 3600 + m * 60 + sec).toBeGreaterThan(300);
  });

  it.each(['slurm', 'kubernetes'])('--emit %s writes the same bytes every time (no clock, no memory reading)', async (engine) => {
    const argv = ['sweep', scenario, ...grid, '--emit', engine, '--shards', '2', '--json', join(dir, 'same.json')];
    const first = await sim(...argv);
    // Something else in between that would move a clock-based or memory-based figure.
    await sim('sweep', scenario, '--vary', 'client.requests=3000', '--json', join(dir, 'between.json'));
    const second = await sim(...argv);
    expect(first.code).toBe(0);
    expect(second.out).toBe(first.out);
  });

  it.each<[string[], RegExp]>([
    [['--emit', 'pbs', '--shards', '2'], /^sim: --emit pbs: expected one of slurm, kubernetes\n$/],
    [['--emit', 'slurm'], /^sim: --emit slurm: say into how many shards to cut the 6 points: --shards 4\n$/],
    [['--emit', 'slurm', '--shards', '7'], /^sim: --shards 7: expected at most 6, the grid's points/],
    [
      ['--emit', 'slurm', '--shards', '2', '--shard', 'auto'],
      /^sim: --emit slurm: writes a job that runs every shard; --shard is for a sweep run here/,
    ],
    [['--emit', 'slurm', '--shards', '2', '--image', 'x'], /^sim: --image: goes with --emit kubernetes/],
    [['--image', 'x'], /^sim: --image: goes with --emit kubernetes/],
    // Hardening: emitted as given, each pod then failing to start (InvalidImageName) once applied.
    [
      ['--emit', 'kubernetes', '--shards', '2', '--image', 'Registry Example/sim'],
      /^sim: --image Registry Example\/sim: expected an image reference such as registry\.example\/gunicorn-sim:0\.1\.0 \(a lowercase path, then :tag or @sha256:digest\), which the kubelet refuses otherwise \(InvalidImageName\) once the job is applied, got "Registry Example\/sim"\n$/,
    ],
    [
      ['--emit', 'kubernetes', '--shards', '2', '--image', 'sim\n  evil: 1'],
      /^sim: --image sim\\n {2}evil: 1: expected an image reference/,
    ],
    [
      ['--emit', 'kubernetes', '--shards', '2', '--image', 'ghcr.io/Team/sim:1'],
      /^sim: --image ghcr\.io\/Team\/sim:1: expected an image reference/,
    ],
    // The merge would have written the sweep over the scenario its shards had read.
    [
      ['--emit', 'slurm', '--shards', '2', '--json', scenario],
      /^sim: --json .*tiny sweep\.json: cannot write: that is ".*tiny sweep\.json", which this command reads, and the output would replace it/,
    ],
    [
      ['--emit', 'slurm', '--shards', '2', '--json', join(dir, 'both'), '--csv', join(dir, 'both')],
      /^sim: --csv .*both: cannot write: --json writes there too/,
    ],
  ])('refuses %j with a message (exit 2)', async (flags, message) => {
    const r = await sim('sweep', scenario, ...grid, ...flags);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
  });

  // Fresh-eyes audit: a line break in the scenario's name ended the header's comment, and
  // bash ran the next line of the name as a command; the --json path went unquoted into
  // an echo in double quotes.
  it("keeps a line break of the scenario's name or a --set inside its comment, and a path's $( ) a word", async () => {
    const marker = join(dir, 'ran');
    const json = join(dir, `out $(touch ${marker})".json`);
    const r = await sim(
      'sweep',
      scenario,
      ...grid,
      '--set',
      `name=tiny\ntouch ${marker} #`,
      '--set',
      `description=x\ntouch ${marker}`,
      '--emit',
      'slurm',
      '--shards',
      '2',
      '--json',
      json,
    );
    expect(r.code).toBe(0);
    const header = r.out.slice(0, r.out.indexOf('\nset -euo pipefail\n')).split('\n');
    for (const line of header) expect(line).toMatch(/^#/);
    expect(header[1]).toBe(
      `# sim sweep on Slurm. tiny\\u000atouch ${marker} #: 6 points x 2 replications in 2 shards (at most 6 runs each)`,
    );
    // Run by bash as the docs say, with an sbatch that only answers a job number.
    const bin = join(dir, 'fake-sbatch');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'sbatch'), '#!/bin/sh\necho 42\n');
    chmodSync(join(bin, 'sbatch'), 0o755);
    const file = join(dir, 'names.sbatch');
    writeFileSync(file, r.out);
    const run = spawnSync('bash', [file], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('writes a --json path\'s space, #, " and % so that sbatch and slurmd read the path itself', async () => {
    const out = join(dir, 'a b #1 "q" 100%', 'out.json');
    const r = await sim('sweep', scenario, ...grid, '--emit', 'slurm', '--shards', '2', '--json', out);
    expect(r.code).toBe(0);
    // sbatch: quoted, its # (a comment otherwise) and " escaped; slurmd: % doubled (%a is the task).
    expect(r.out).toContain(`\n#SBATCH --output="${join(dir, 'a b \\#1 \\"q\\" 100%%', 'out.shards')}/shard-%a.log"\n`);
    expect(r.out).toContain(`--output='${join(dir, 'a b #1 "q" 100%%', 'out.shards')}/merge.log'`);
  });

  it('refuses a --json path with a backslash, which slurmd would not write its logs to', async () => {
    const r = await sim('sweep', scenario, ...grid, '--emit', 'slurm', '--shards', '2', '--json', join(dir, 'a\\b', 'out.json'));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^sim: --json .*a\\b\/out\.json: a backslash in the path cannot go into #SBATCH --output /);
  });

  it('refuses a --json path with a line break, which #SBATCH --output cannot hold', async () => {
    const r = await sim('sweep', scenario, ...grid, '--emit', 'slurm', '--shards', '2', '--json', join(dir, 'a\nb', 'out.json'));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      /^sim: --json .*a\\u000ab\/out\.json: a control character \(a line break\) in the path cannot go into #SBATCH --output\n$/,
    );
  });
});

describe('sim sweep --emit kubernetes', async () => {
  const emitted = await sim(
    'sweep',
    scenario,
    ...grid,
    '--emit',
    'kubernetes',
    '--shards',
    '4',
    '--image',
    'registry.example/sim:1',
    '--json',
    'result.json',
  );
  const list = JSON.parse(emitted.out);
  const kinds = (kind: string) => list.items.filter((i: { kind: string }) => i.kind === kind);

  it('is a List of a ConfigMap, a PersistentVolumeClaim, an Indexed Job and a merge Job, valid by the Kubernetes schemas', () => {
    expect(emitted.code).toBe(0);
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    expect(list.items.map((i: { kind: string }) => i.kind)).toEqual(['ConfigMap', 'PersistentVolumeClaim', 'Job', 'Job']);
    const [configMap, claim, shards, merge] = list.items;
    // validate() throws on the first object that breaks its schema.
    new ConfigMap(configMap).validate();
    new PersistentVolumeClaim(claim).validate();
    new Job(shards).validate();
    new Job(merge).validate();
    expect(shards.spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 4 });
    const pod = shards.spec.template.spec;
    expect(pod.containers[0].image).toBe('registry.example/sim:1');
    expect(pod.volumes).toEqual([
      { name: 'scenario', configMap: { name: configMap.metadata.name, items: [{ key: 'scenario.json', path: 'tiny sweep.json' }] } },
      { name: 'results', persistentVolumeClaim: { claimName: claim.metadata.name } },
    ]);
    expect(claim.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(merge.spec.template.spec.volumes).toEqual(pod.volumes);
    // The API server takes a key of letters, digits, '-', '_' and '.' (IsConfigMapKey): it refused
    // "tiny sweep.json", which the pods find under that name through the volume's items.
    expect(Object.keys(configMap.data)).toEqual(['scenario.json']);
    for (const key of Object.keys(configMap.data)) expect(key).toMatch(/^[-._a-zA-Z0-9]+$/);
    expect(configMap.data['scenario.json']).toBe(readFileSync(scenario, 'utf8'));
    for (const job of [shards, merge]) expect(job.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('refuses --jobs and the flags of the charts, which it took and left out of the job', async () => {
    const emit = (...flags: string[]) => sim('sweep', scenario, ...grid, '--emit', 'kubernetes', '--shards', '2', ...flags);
    expect((await emit('--jobs', '4')).err).toBe(
      'sim: --emit kubernetes: writes a job whose shards run one thread each (--jobs 1, one CPU); --jobs is for a sweep run here\n',
    );
    for (const flag of [['--target-rps', '10'], ['--p99', '1'], ['--log-y']]) {
      const r = await emit(...flag);
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        `sim: --emit kubernetes: writes a job, which draws no charts; ${flag[0]} is for the charts of --plot, in a sweep run here\n`,
      );
    }
  });

  it('refuses a scenario larger than a ConfigMap holds (1 MiB), which the API server would refuse', async () => {
    const big = join(dir, 'big.json');
    const text = JSON.stringify({ ...JSON.parse(readFileSync(scenario, 'utf8')), description: 'x'.repeat(1024 * 1024) });
    writeFileSync(big, text);
    const r = await sim('sweep', big, ...grid, '--emit', 'kubernetes', '--shards', '2');
    expect(r).toEqual({
      code: 2,
      out: '',
      err: `sim: --emit kubernetes: ${big} is ${text.length} bytes; a ConfigMap, which carries it to the pods, holds at most 1048576 (1 MiB): shorten the scenario (its notes, its lists), or use --emit slurm on a shared file system\n`,
    });
  });

  it('the schema check has teeth: a wrong completionMode, a container without a name, a count as text fail', () => {
    const shards = kinds('Job')[0];
    const broken = [
      { ...shards, spec: { ...shards.spec, completionMode: 'Indexd' } },
      { ...shards, spec: { ...shards.spec, completions: '4' } },
      { ...shards, spec: { ...shards.spec, template: { spec: { ...shards.spec.template.spec, containers: [{ image: 'x' }] } } } },
    ];
    for (const b of broken) expect(() => new Job(b).validate()).toThrow();
  });

  /** A volume as folders, and the pods' commands of a List run on it, with sim on the PATH. */
  function volume() {
    const root = mkdtempSync(join(tmpdir(), 'sim-k8s-'));
    const bin = join(root, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'sim'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(resolve('bin/sim.js'))} "$@"\n`);
    chmodSync(join(bin, 'sim'), 0o755);
    mkdirSync(join(root, 'scenario'));
    mkdirSync(join(root, 'results'));
    // The merge's wait for a shard not there yet ends it (exit 3) rather than sleeping.
    const local = (command: string) =>
      command
        .replaceAll('/sweep/scenario', join(root, 'scenario'))
        .replaceAll('/sweep/results', join(root, 'results'))
        .replaceAll('do sleep 10; done', 'do exit 3; done');
    const run = (command: string[], env: Record<string, string>) =>
      spawnSync(command[0], [command[1], local(command[2])], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...env },
        encoding: 'utf8',
      });
    return {
      root,
      shards(manifest: typeof list) {
        const [configMap, , shards] = manifest.items;
        // Mounted as the kubelet mounts it: each item's key at its path.
        for (const { key, path } of shards.spec.template.spec.volumes[0].configMap.items as { key: string; path: string }[])
          writeFileSync(join(root, 'scenario', path), configMap.data[key]);
        for (let i = 0; i < shards.spec.completions; i++) {
          const r = run(shards.spec.template.spec.containers[0].command, { JOB_COMPLETION_INDEX: String(i) });
          expect(r.stderr).toBe('');
          expect(r.status).toBe(0);
        }
      },
      merge: (manifest: typeof list) => run(manifest.items[3].spec.template.spec.containers[0].command, {}),
    };
  }

  it("the pods' commands, run here (sim on the PATH, the volumes as folders), give the whole sweep's bytes", async () => {
    const v = volume();
    // The merge waits for the shards: started last here, it finds them all.
    v.shards(list);
    const merged = v.merge(list);
    expect(merged.status).toBe(0);
    // kubectl logs mixes stdout and stderr: only the JSON may be printed.
    expect(merged.stderr).toBe('');
    const whole = await sim('sweep', scenario, ...grid, '--json', '--jobs', '1');
    expect(merged.stdout).toBe(whole.out);
    // In the folder of this sweep, named by the identity its shards' header hashes to.
    const folder = join(
      v.root,
      'results',
      kubernetesName('tiny sweep'),
      sweepFolder({ sweepId: sweepId(JSON.parse(whole.out).sweep), shards: 4 }),
    );
    expect(readFileSync(join(folder, 'result.json'), 'utf8')).toBe(whole.out);
  });

  it("an earlier sweep's shards on the volume are not merged for this one (they were, at once and in silence)", async () => {
    const v = volume();
    const emit = async (...flags: string[]) =>
      JSON.parse((await sim('sweep', scenario, ...grid, ...flags, '--emit', 'kubernetes', '--shards', '4', '--json', 'result.json')).out);
    // The same scenario's name, so the same Jobs, volume and folder of the name; another --set.
    const earlier = await emit('--set', 'client.requests=12');
    v.shards(earlier);
    expect(v.merge(earlier).status).toBe(0);
    // This sweep's merge, started before its shards have run, finds none of its own: it waits.
    expect(v.merge(list)).toMatchObject({ status: 3, stdout: '' });
    v.shards(list);
    const merged = v.merge(list);
    expect(merged.stderr).toBe('');
    expect(merged.stdout).toBe((await sim('sweep', scenario, ...grid, '--json', '--jobs', '1')).out);
    // A shard of the earlier sweep put in this sweep's folder is refused, named, in one line.
    const [earlierFolder, folder] = [earlier, list].map((m) =>
      /sim merge (\S+) /
        .exec(m.items[3].spec.template.spec.containers[0].command[2])![1]
        .replace('/sweep/results', join(v.root, 'results')),
    );
    writeFileSync(join(folder, 'shard-2.json'), readFileSync(join(earlierFolder, 'shard-2.json')));
    const refused = v.merge(list);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      new RegExp(`^sim: ${folder}/shard-2\\.json: a shard of sweep [0-9a-f]{16}, not of sweep [0-9a-f]{16} \\(--sweep-id\\): [^\n]*\n$`),
    );
  });
});

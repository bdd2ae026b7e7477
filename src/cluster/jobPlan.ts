// What `sim sweep --emit slurm|kubernetes` needs to know, whatever the engine: the sweep's
// command line (the same sweep the user described, to be cut into shards), where the shard
// outputs and the merged result go, and the resources one shard needs, estimated from the
// events of the grid's heaviest point: simulated once here, they are the same on every
// machine, so the emitted job is too.
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { heaviestPoint, type PreparedPoint, type SweepDefinition } from '../analysis/sweep/sweep.js';
import { gridSize } from '../analysis/sweep/grid.js';
import { simulate } from '../model/system.js';
import * as msg from '../messages.js';
import { UserError } from '../scenario/errors.js';
import { numberFlag, optionalValue, singleValue } from '../cli/flags.js';
import { checkDistinct, checkNotInput } from '../cli/atomicWrite.js';
import type { SweepArgs } from '../cli/loadSweep.js';

export const ENGINES = ['slurm', 'kubernetes'] as const;
export type Engine = (typeof ENGINES)[number];

/** The sweep's own flags, which the shards run again, and those of the job around them. */
export interface EmitArgs extends SweepArgs {
  emit?: unknown;
  shards?: unknown;
  shard?: unknown;
  'shard-index'?: unknown;
  json?: unknown;
  csv?: unknown;
  plot?: unknown;
  image?: unknown;
  jobs?: unknown;
  'target-rps'?: unknown;
  p99?: unknown;
  'log-y'?: unknown;
}

export interface JobPlan {
  engine: Engine;
  name: string;
  /** The scenario file, absolute, and its text (Kubernetes ships it in a ConfigMap). */
  scenarioPath: string;
  scenarioText: string;
  /** The sweep's flags after the scenario (--vary, --set, --seed, --replications), as typed. */
  sweepFlags: string[];
  shards: number;
  points: number;
  replications: number;
  /** Where the merged JSON goes (absolute), the CSV if asked, and the folder of shard outputs and logs. */
  json: string;
  csv?: string;
  shardDir: string;
  resources: Resources;
  image?: string;
}

export interface Resources {
  /** Runs (point x replication) of the largest shard. */
  runsPerShard: number;
  /** The probe: the heaviest point, simulated once; its events measure its work. */
  probe: { point: number; requests: number | null; events: number };
  memoryMb: number;
  timeSeconds: number;
}

export function checkEngine(value: unknown): Engine {
  const text = singleValue('--emit', value, 'slurm')!.trim();
  if (!(ENGINES as readonly string[]).includes(text)) throw new UserError(`--emit ${text}: expected one of ${ENGINES.join(', ')}`);
  return text as Engine;
}

/** Checks the flags that go with --emit; simulates the probe. */
export function planJob(def: SweepDefinition, args: EmitArgs): JobPlan {
  const engine = checkEngine(args.emit);
  for (const flag of ['shard', 'shard-index', 'plot'] as const) {
    if (args[flag] !== undefined) {
      throw new UserError(
        `--emit ${engine}: writes a job that runs every shard; --${flag} is for a sweep run here (the job's shards are given --shard auto)`,
      );
    }
  }
  // Taken in silence before: the job's shards run one thread each, and it draws no charts.
  if (args.jobs !== undefined)
    throw new UserError(
      `--emit ${engine}: writes a job whose shards run one thread each (--jobs 1, one CPU); --jobs is for a sweep run here`,
    );
  for (const flag of ['target-rps', 'p99', 'log-y'] as const) {
    if (args[flag] !== undefined && args[flag] !== false)
      throw new UserError(
        `--emit ${engine}: writes a job, which draws no charts; --${flag} is for the charts of --plot, in a sweep run here`,
      );
  }
  if (args.image !== undefined && engine !== 'kubernetes')
    throw new UserError(`--image: goes with --emit kubernetes (a container image holding sim), not --emit ${engine}`);
  const points = gridSize(def.axes);
  const shards = numberFlag('--shards', args.shards, { whole: true, min: 1 }, '4');
  if (shards === undefined)
    throw new UserError(`--emit ${engine}: say into how many shards to cut the ${points} points: --shards ${Math.min(points, 4)}`);
  // (The array's bound first: on a larger grid it is the one that binds.)
  if (engine === 'slurm' && shards > SLURM_MAX_ARRAY_SIZE && points > SLURM_MAX_ARRAY_SIZE)
    throw new UserError(`--shards ${shards}: ${msg.slurmArrayTooLarge(shards, SLURM_MAX_ARRAY_SIZE, points)}`);
  if (engine === 'kubernetes' && shards > KUBERNETES_MAX_INDEXED_PARALLELISM && points > KUBERNETES_MAX_INDEXED_PARALLELISM)
    throw new UserError(`--shards ${shards}: ${msg.indexedJobTooLarge(shards, KUBERNETES_MAX_INDEXED_PARALLELISM, points)}`);
  if (shards > points)
    throw new UserError(`--shards ${shards}: expected at most ${points}, the grid's points (a shard with no point would do nothing)`);
  const given = { json: optionalValue('--json', args.json, 'out/sweep.json'), csv: optionalValue('--csv', args.csv, 'out/sweep.csv') };
  // The job's merge writes --json and --csv, one replacing the other if they are one file.
  // The Slurm job writes them where they are named, on the file system its shards read the
  // scenario from: one named as the scenario would replace it once every shard has run (the
  // Kubernetes job writes them into its own volume).
  checkDistinct([
    ['--json', given.json],
    ['--csv', given.csv],
  ]);
  if (engine === 'slurm')
    for (const [flag, path] of [
      ['--json', given.json],
      ['--csv', given.csv],
    ] as const)
      if (path !== undefined && path !== '') checkNotInput(path, `${flag} ${path}`, [args.scenario]);
  // Every point validated, none kept: a job's plan needs the count and the heaviest, and a
  // grid with a bad point is refused here, before the job is submitted, rather than by the
  // shard that reaches it. (After the flags' checks: a bad flag waited for every point.)
  const heaviest = heaviestPoint(def);
  const json = resolve(given.json === undefined || given.json === '' ? `${def.name}-sweep.json` : given.json);
  const stem = basename(json).replace(/\.json$/, '');
  const flags: string[] = [];
  for (const v of args.vary) flags.push('--vary', v);
  for (const s of args.set) flags.push('--set', s);
  if (args.seed !== undefined) flags.push('--seed', String(args.seed));
  if (args.replications !== undefined) flags.push('--replications', String(args.replications));
  const scenarioPath = resolve(args.scenario);
  const image = args.image === undefined ? undefined : singleValue('--image', args.image, 'registry.example/gunicorn-sim:0.1.0')!.trim();
  return {
    engine,
    name: def.name,
    scenarioPath,
    scenarioText: readFileSync(scenarioPath, 'utf8'),
    sweepFlags: flags,
    shards,
    points,
    replications: def.replications,
    json,
    csv: given.csv === undefined || given.csv === '' ? undefined : resolve(given.csv),
    shardDir: join(dirname(json), `${stem}.shards`),
    resources: estimate(heaviest, points, shards, def.replications),
    image,
  };
}

// A shard runs its points one after the other in one thread (--jobs 1), and what a run
// keeps does not grow with its requests (latencies in a histogram, time series in at most
// 240 buckets; docs/internals.md, "Performance", has the peak at 10M requests), so memory
// is one figure with room for Node and the sweep's own.
export const SHARD_MEMORY_MB = 512;
/**
 * Slurm's MaxArraySize unless slurm.conf sets it: a job array's indices go from 0 to this
 * minus 1 (https://slurm.schedmd.com/job_array.html), and sbatch refuses --array=0-1001.
 * The emitted job is one array of the shards, so --emit slurm takes at most this many.
 */
export const SLURM_MAX_ARRAY_SIZE = 1001;
/**
 * The most shards --emit kubernetes takes: the emitted Indexed Job's parallelism and
 * maxFailedIndexes are the shard count, and the API server refuses either beyond 100000 in
 * an Indexed Job (kubernetes/kubernetes, pkg/apis/batch/validation/validation.go:
 * maxParallelismForIndexedJob and maxFailedIndexesForIndexedJob; the JobSpec reference:
 * "When value is Indexed, .spec.completions must be specified and .spec.parallelism must be
 * less than or equal to 10^5").
 */
export const KUBERNETES_MAX_INDEXED_PARALLELISM = 100_000;
// Time per run: its events at a rate well below what the simulator does (the benchmark
// models' rates on this project's machines: docs/internals.md, "Performance"), plus what a run
// costs besides its events (setting up, the summary), for slower or busier nodes.
export const SECONDS_PER_EVENT = 1e-6;
export const SECONDS_PER_RUN = 0.1;

/**
 * A shard's resources from the heaviest point (the most requests; the last point when the
 * grid does not vary them), simulated once for its events: time for each run of the
 * largest shard, plus a minute to start, at least 5 minutes; memory SHARD_MEMORY_MB.
 * Nothing here reads a clock or this process's memory: two emits of one sweep are the same
 * bytes, wherever they run.
 */
function estimate(heaviest: PreparedPoint, points: number, shards: number, replications: number): Resources {
  const events = simulate(heaviest.scenario).events;
  const runsPerShard = Math.ceil(points / shards) * replications;
  const perRun = SECONDS_PER_RUN + events * SECONDS_PER_EVENT;
  return {
    runsPerShard,
    probe: { point: heaviest.point.index, requests: heaviest.scenario.client.requests ?? null, events },
    memoryMb: SHARD_MEMORY_MB,
    timeSeconds: Math.max(300, Math.ceil((perRun * runsPerShard + 60) / 60) * 60),
  };
}

/** A word for a POSIX shell: as it is when it is safe, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Seconds as Slurm's --time (hours:minutes:seconds). */
export function clock(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** The comment lines every emitted job starts with: what it runs and where the figures come from. */
export function describeJob(p: JobPlan, command: string): string[] {
  const r = p.resources;
  return [
    `${p.name}: ${p.points} points x ${p.replications} replications in ${p.shards} shards (at most ${r.runsPerShard} runs each)`,
    `Written by: ${command}`,
    `Resources per shard, from the heaviest point (point ${r.probe.point}${r.probe.requests === null ? '' : `, ${r.probe.requests} requests`}: ${r.probe.events} events,`,
    `simulated here): memory ${SHARD_MEMORY_MB} MB; time ${SECONDS_PER_RUN} s + ${SECONDS_PER_EVENT * 1e6} us per event for each run, + 1 min (at least 5 min).`,
  ];
}

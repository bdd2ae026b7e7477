// What `sim sweep --emit slurm|kubernetes` needs to know, whatever the engine: the sweep's
// command line (the same sweep the user described, to be cut into shards), where the shard
// outputs and the merged result go, and the resources one shard needs, estimated from the
// events of the grid's heaviest point: simulated once here, they are the same on every
// machine, so the emitted job is too.
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { heaviestPoint, pointBytes, sweepHeader, sweepId, type PreparedPoint, type SweepDefinition } from '../analysis/sweep/sweep.js';
import { figuresOf } from '../analysis/sweep/runFigures.js';
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
  /** sweepId of the sweep the shards run: the merge takes their outputs alone (--sweep-id). */
  sweepId: string;
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
  /** A shard's: MB, and Node's heap (--max-old-space-size) when its points need more than Node takes by default. */
  memoryMb: number;
  heapMb?: number;
  timeSeconds: number;
  /** The merge's, which holds every point of the grid. */
  merge: { memoryMb: number; heapMb?: number; timeSeconds: number };
  /** A point in the shards' and the merged JSON, in bytes (sweep.ts, pointBytes): the basis of the memory, the merge's time and the volume. */
  pointBytes: number;
  /** The volume for the shard outputs and the merged sweep (Kubernetes), GiB. */
  storageGi: number;
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
  const image = args.image === undefined ? undefined : singleValue('--image', args.image, msg.EXAMPLE_IMAGE)!.trim();
  // The API server takes any text for a pod's image, and each pod then fails to start,
  // InvalidImageName, after the job was applied: "UPPER CASE" or a line break was emitted as given.
  if (image !== undefined && !IMAGE_REFERENCE.test(image))
    throw new UserError(`--image ${JSON.stringify(image).slice(1, -1)}: ${msg.wrongType(msg.imageReference, JSON.stringify(image))}`);
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
  // The Kubernetes job writes them beside the shard outputs, whose folder it merges: one
  // named as a shard output would be taken for one.
  if (engine === 'kubernetes')
    for (const [flag, path] of [
      ['--json', given.json],
      ['--csv', given.csv],
    ] as const)
      if (path !== undefined && /^shard-\d+\.json$/.test(basename(path))) throw new UserError(`${flag} ${path}: ${msg.namedAsShard}`);
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
  return {
    engine,
    name: def.name,
    sweepId: sweepId(sweepHeader(def)),
    scenarioPath,
    scenarioText: readFileSync(scenarioPath, 'utf8'),
    sweepFlags: flags,
    shards,
    points,
    replications: def.replications,
    json,
    csv: given.csv === undefined || given.csv === '' ? undefined : resolve(given.csv),
    shardDir: join(dirname(json), `${stem}.shards`),
    resources: estimate(def, heaviest, points, shards),
    image,
  };
}

/**
 * An image reference as the kubelet parses one (github.com/distribution/reference):
 * [registry[:port]/]path[:tag][@digest], the path in lowercase letters, digits and the
 * separators . _ __ and -.
 */
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
export const IMAGE_REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
);

// A shard runs its points one after the other in one thread (--jobs 1), and what a run
// keeps does not grow with its requests (latencies in a histogram, time series in at most
// 240 buckets; docs/internals.md, "Performance", has the peak at 10M requests): the memory
// of a run and of Node is one figure. What grows is the points a shard holds until it ends
// (its output), and the merge holds every point of the grid: see memoryFor.
export const SHARD_MEMORY_MB = 512;
/**
 * Heap per byte of a held point's JSON (pointBytes), with a margin. Measured on the merge of
 * one shard file (its points read and held, then written out): the tiny scenario's points
 * (1,560 bytes in the file) ran out of a 400 MB old space at 200,000 points and fitted in
 * 500 MB, 2.0 to 2.5 kB each; mmc-sync's (4,807 bytes, the largest of the shipped scenarios'
 * points) ran out of 500 MB at 100,000 and fitted in 650 MB, 5 to 6.5 kB each: at most 1.6
 * heap bytes a byte. A shard holds its finished points in less (docs/sweep.md: 1.5 to 2 kB a
 * point of the tiny scenario).
 */
export const HEAP_PER_POINT_BYTE = 2;
/**
 * Points held up to this many MB (at HEAP_PER_POINT_BYTE) fit in the heap Node takes in
 * SHARD_MEMORY_MB by itself: half of it, 259 MB in a container limited to 512 MB (measured
 * in a cgroup so limited: Node sizes its heap from the memory it may use).
 */
const HELD_IN_DEFAULT_MB = 128;
/** The merge's reading and writing of the JSON, well below what it does (15 to 25 MB/s here, heap held to its figure). */
export const MERGE_BYTES_PER_SECOND = 5e6;
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
 * largest shard, plus a minute to start, at least 5 minutes; memory SHARD_MEMORY_MB, more
 * for the points a shard holds when they need it (memoryFor). The merge's memory likewise
 * for every point of the grid, its time from their bytes (at least 10 minutes), and the
 * volume of the Kubernetes job from them too. Nothing here reads a clock or this process's
 * memory: two emits of one sweep are the same bytes, wherever they run.
 */
function estimate(def: SweepDefinition, heaviest: PreparedPoint, points: number, shards: number): Resources {
  const result = simulate(heaviest.scenario);
  const events = result.events;
  const bytes = pointBytes(def, heaviest, figuresOf(heaviest.scenario, result, def.name));
  const perShard = Math.ceil(points / shards);
  const runsPerShard = perShard * def.replications;
  const perRun = SECONDS_PER_RUN + events * SECONDS_PER_EVENT;
  const minutes = (seconds: number) => Math.ceil(seconds / 60) * 60;
  return {
    runsPerShard,
    probe: { point: heaviest.point.index, requests: heaviest.scenario.client.requests ?? null, events },
    ...memoryFor(perShard, bytes),
    timeSeconds: Math.max(300, minutes(perRun * runsPerShard + 60)),
    merge: { ...memoryFor(points, bytes), timeSeconds: Math.max(600, minutes(60 + (points * bytes) / MERGE_BYTES_PER_SECOND)) },
    pointBytes: bytes,
    // The shard outputs and the merged JSON, each about pointBytes a point, and the CSV and the table beside.
    storageGi: Math.max(1, Math.ceil((2.5 * points * bytes) / 2 ** 30)),
  };
}

/**
 * Memory for a process that holds `points` points of `bytes` each until it ends: SHARD_MEMORY_MB
 * while they fit in the heap Node takes there by itself; beyond, Node's heap is set
 * (--max-old-space-size, which the jobs pass in NODE_OPTIONS) to half of SHARD_MEMORY_MB
 * plus the points, and the memory to that plus the other half. Node left to itself takes
 * half the memory it may use and at most 2 GB below 16 GB (a 6 GB container: 2,096 MB of
 * heap): a larger memory alone would not have held them.
 */
export function memoryFor(points: number, bytes: number): { memoryMb: number; heapMb?: number } {
  const heldMb = Math.ceil((points * bytes * HEAP_PER_POINT_BYTE) / 2 ** 20);
  if (heldMb <= HELD_IN_DEFAULT_MB) return { memoryMb: SHARD_MEMORY_MB };
  const heapMb = Math.ceil((SHARD_MEMORY_MB / 2 + heldMb) / 64) * 64;
  return { memoryMb: heapMb + SHARD_MEMORY_MB / 2, heapMb };
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
    `Sweep ${p.sweepId} (a hash of its scenario, --set, --vary, seeds and grid): its merge takes the shards of this sweep alone, ${p.shards} of them.`,
    `Resources per shard, from the heaviest point (point ${r.probe.point}${r.probe.requests === null ? '' : `, ${r.probe.requests} requests`}: ${r.probe.events} events,`,
    `simulated here): memory ${r.memoryMb} MB; time ${SECONDS_PER_RUN} s + ${SECONDS_PER_EVENT * 1e6} us per event for each run, + 1 min (at least 5 min).`,
    // Only where the points held change a figure: a smaller job's header is as it was.
    ...(r.heapMb === undefined && r.merge.heapMb === undefined
      ? []
      : [
          `Points held until the end, ${r.pointBytes} bytes each in the JSON (the heaviest point's, with each --vary's longest value), ${HEAP_PER_POINT_BYTE} x that on the heap:`,
          `a shard's ${Math.ceil(p.points / p.shards)} ${heldBy(r.memoryMb, r.heapMb)}; the merge's ${p.points} ${heldBy(r.merge.memoryMb, r.merge.heapMb)}, time ${clock(r.merge.timeSeconds)}.`,
        ]),
  ];
}

function heldBy(memoryMb: number, heapMb: number | undefined): string {
  return heapMb === undefined
    ? `within ${memoryMb} MB`
    : `in ${memoryMb} MB, Node's heap set to ${heapMb} MB (NODE_OPTIONS=--max-old-space-size=${heapMb})`;
}

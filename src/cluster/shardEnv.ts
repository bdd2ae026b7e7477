// Which shard of a sweep this process runs: from `--shard i/n` (1-based, as before), from
// `--shard-index i --shards n` (0-based, as job arrays number their tasks), or from a job
// array's environment with `--shard auto`:
//
//   Slurm               SLURM_ARRAY_TASK_ID, the count from SLURM_ARRAY_TASK_COUNT or
//                       SLURM_ARRAY_TASK_MIN/_MAX (the index counted from _MIN)
//   Kubernetes          JOB_COMPLETION_INDEX (an Indexed Job), the count from --shards N
//                       (the Job's spec.completions: Kubernetes does not pass it)
//   AWS Batch           AWS_BATCH_JOB_ARRAY_INDEX, the count from AWS_BATCH_JOB_ARRAY_SIZE
//
// With `--shards N` the count is N and the engine's index is the 0-based shard index
// itself, whatever the array's size: `sbatch --array=2 job.sbatch` reruns shard 2 alone.
// The shard returned is 1-based, as the sweep's output records it (--shard 3/4).
import { parseShard, type Shard } from '../analysis/sweep/grid.js';
import { UserError } from '../scenario/errors.js';
import { numberFlag, singleValue } from '../cli/flags.js';

export interface ShardArgs {
  shard?: unknown;
  'shard-index'?: unknown;
  shards?: unknown;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The engines `--shard auto` knows, by the variable that holds a task's index. */
export const ENGINES = [
  { name: 'Slurm', index: 'SLURM_ARRAY_TASK_ID' },
  { name: 'Kubernetes', index: 'JOB_COMPLETION_INDEX' },
  { name: 'AWS Batch', index: 'AWS_BATCH_JOB_ARRAY_INDEX' },
] as const;

const SHARD_EXAMPLE = 'auto';

/** The shard the flags (and, for `--shard auto`, the environment) name; undefined: the whole grid. */
export function resolveShard(args: ShardArgs, env: Env): Shard | undefined {
  const shard = singleValue('--shard', args.shard, SHARD_EXAMPLE)?.trim();
  const shards = numberFlag('--shards', args.shards, { whole: true, min: 1 }, '4');
  const index = numberFlag('--shard-index', args['shard-index'], { whole: true, min: 0 }, '0');
  if (index !== undefined) {
    if (shard !== undefined)
      throw new UserError(`--shard-index ${index}: give either --shard ${shard} or --shard-index i --shards n, not both`);
    if (shards === undefined)
      throw new UserError(`--shard-index ${index}: say how many shards there are: --shard-index ${index} --shards N (N > ${index})`);
    if (index >= shards) throw new UserError(`--shard-index ${index}: expected 0 to ${shards - 1} (0-based) with --shards ${shards}`);
    return { index: index + 1, count: shards };
  }
  if (shard === undefined) {
    if (shards !== undefined)
      throw new UserError(
        `--shards ${shards}: say which shard this is: --shard-index i (0-based, 0 to ${shards - 1}) or --shard auto (from a job array's variables)`,
      );
    return undefined;
  }
  if (shard !== 'auto') {
    if (shards !== undefined)
      throw new UserError(`--shards ${shards}: goes with --shard auto or --shard-index i; --shard ${shard} states the count itself`);
    try {
      return parseShard(shard);
    } catch (e) {
      if (e instanceof UserError) throw new UserError(`${e.message}; or --shard auto in a job array (Slurm, Kubernetes, AWS Batch)`);
      throw e;
    }
  }
  return shardFromEnv(env, shards);
}

/** `--shard auto`: the shard from the job array's variables; `shards` is --shards, if given. */
export function shardFromEnv(env: Env, shards: number | undefined): Shard {
  const present = ENGINES.filter((e) => set(env, e.index));
  if (present.length === 0) {
    throw new UserError(
      `--shard auto: no job array's index in the environment: expected ${ENGINES.map((e) => `${e.index} (${e.name})`).join(', ')}; ` +
        'outside a job array give --shard i/n (1-based) or --shard-index i --shards n (0-based)',
    );
  }
  if (present.length > 1) {
    throw new UserError(
      `--shard auto: both ${present.map((e) => `${e.index}=${env[e.index]}`).join(' and ')} are set: which engine runs this is unclear; give --shard-index i --shards n`,
    );
  }
  const engine = present[0];
  const id = whole(env, engine.index);
  let count: number;
  let offset = 0;
  let from: string;
  if (shards !== undefined) {
    count = shards;
    from = `--shards ${shards}`;
  } else if (engine.name === 'Slurm') {
    ({ count, offset, from } = slurmCount(env));
  } else if (engine.name === 'Kubernetes') {
    throw new UserError(
      `--shard auto: JOB_COMPLETION_INDEX=${env.JOB_COMPLETION_INDEX} (a Kubernetes Indexed Job) gives this shard's index but not the count: add --shards N, N the Job's spec.completions`,
    );
  } else {
    if (!set(env, 'AWS_BATCH_JOB_ARRAY_SIZE')) {
      throw new UserError(
        `--shard auto: AWS_BATCH_JOB_ARRAY_INDEX=${env.AWS_BATCH_JOB_ARRAY_INDEX} is set but AWS_BATCH_JOB_ARRAY_SIZE is missing (AWS Batch sets it in an array job's children); or give the count: --shards N`,
      );
    }
    count = whole(env, 'AWS_BATCH_JOB_ARRAY_SIZE', 1);
    from = `AWS_BATCH_JOB_ARRAY_SIZE=${count}`;
  }
  const index = id - offset;
  if (index < 0 || index >= count) {
    const range = offset === 0 ? `0 to ${count - 1}` : `${offset} to ${offset + count - 1}`;
    throw new UserError(`--shard auto: ${engine.index}=${id} is outside the ${count} shards (${from}): expected ${range}`);
  }
  return { index: index + 1, count };
}

function slurmCount(env: Env): { count: number; offset: number; from: string } {
  const hasMin = set(env, 'SLURM_ARRAY_TASK_MIN');
  const hasMax = set(env, 'SLURM_ARRAY_TASK_MAX');
  const min = hasMin ? whole(env, 'SLURM_ARRAY_TASK_MIN') : undefined;
  const max = hasMax ? whole(env, 'SLURM_ARRAY_TASK_MAX') : undefined;
  if (set(env, 'SLURM_ARRAY_TASK_COUNT')) {
    const count = whole(env, 'SLURM_ARRAY_TASK_COUNT', 1);
    if (min !== undefined && max !== undefined && max - min + 1 !== count) {
      throw new UserError(
        `--shard auto: SLURM_ARRAY_TASK_COUNT=${count} but SLURM_ARRAY_TASK_MIN=${min} to SLURM_ARRAY_TASK_MAX=${max} spans ${max - min + 1}: ` +
          `the array has gaps or a step; submit a range (--array=0-${count - 1}) or give the count: --shards N (the task IDs are then the 0-based shard indexes)`,
      );
    }
    return { count, offset: min ?? 0, from: `SLURM_ARRAY_TASK_COUNT=${count}` };
  }
  if (min !== undefined && max !== undefined) {
    if (max < min) throw new UserError(`--shard auto: SLURM_ARRAY_TASK_MAX=${max} is below SLURM_ARRAY_TASK_MIN=${min}`);
    return { count: max - min + 1, offset: min, from: `SLURM_ARRAY_TASK_MIN=${min} to SLURM_ARRAY_TASK_MAX=${max}` };
  }
  const missing = ['SLURM_ARRAY_TASK_COUNT', ...(hasMin ? [] : ['SLURM_ARRAY_TASK_MIN']), ...(hasMax ? [] : ['SLURM_ARRAY_TASK_MAX'])];
  throw new UserError(
    `--shard auto: SLURM_ARRAY_TASK_ID=${env.SLURM_ARRAY_TASK_ID} is set but the array's size is not: ${missing.join(', ')} missing (sbatch --array sets them); or give the count: --shards N`,
  );
}

function set(env: Env, name: string): boolean {
  return env[name] !== undefined && env[name]!.trim() !== '';
}

function whole(env: Env, name: string, min = 0): number {
  const text = env[name]!.trim();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min)
    throw new UserError(`--shard auto: ${name}=${JSON.stringify(env[name])}: expected a whole number >= ${min}`);
  return n;
}

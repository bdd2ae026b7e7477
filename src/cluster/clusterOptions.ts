// The options of sim sweep that cut a sweep for a cluster's job array, and what it does
// with --emit: kept here so that the sweep command itself changes by a few lines.
import { example } from '../cli/command.js';
import type { Argv } from 'yargs';
import type { SweepDefinition } from '../analysis/sweep/sweep.js';
import type { Io } from '../cli/main.js';
import { slurmScript } from './emitSlurm.js';
import { kubernetesText } from './emitKubernetes.js';
import { planJob, type EmitArgs } from './jobPlan.js';
import { resolveShard, type Env, type ShardArgs } from './shardEnv.js';
import type { Shard } from '../analysis/sweep/grid.js';
import { UserError } from '../scenario/errors.js';

export function clusterOptions<T>(y: Argv<T>) {
  return y
    .option('shard-index', { type: 'string', describe: 'Run only shard i (0-based, as job arrays count) of --shards n' })
    .option('shards', { type: 'string', describe: 'How many shards: with --shard-index, --shard auto, or --emit' })
    .option('emit', {
      type: 'string',
      describe: 'Print a job for a cluster instead of running: slurm (an sbatch script) or kubernetes (manifests): docs/cluster.md',
    })
    .option('image', { type: 'string', describe: 'With --emit kubernetes: the container image holding sim' })
    .example(
      example(
        '$0 sweep s.json --vary server.workers=1..8 --emit slurm --shards 4 --json out/sweep.json > sweep.sbatch',
        'a Slurm job array (bash sweep.sbatch submits it)',
      ),
    );
}

/** sim sweep --emit ENGINE: prints the job script or manifests; runs nothing but one probe. */
export function emitJob(def: SweepDefinition, args: EmitArgs, io: Io): void {
  const plan = planJob(def, args);
  io.out(plan.engine === 'slurm' ? slurmScript(plan) : kubernetesText(plan));
}

/** A sweep run here: the shard to run (undefined: the whole grid); --image has no use without --emit. */
export function shardToRun(args: ShardArgs & { image?: unknown }, env: Env): Shard | undefined {
  if (args.image !== undefined)
    throw new UserError('--image: goes with --emit kubernetes (the image its pods run); a sweep run here needs none');
  return resolveShard(args, env);
}

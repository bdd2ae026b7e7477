// The one-node Slurm cluster of scripts/slurm-cluster.sh, for the tests that submit jobs.
// Under CI a missing part is a failure (a skipped test there would pass unseen: .ci/run
// installs slurm-wlm and munge); elsewhere the tests are skipped with a line saying why
// and how to get them.
import { existsSync } from 'node:fs';
import { isCi } from './ci.js';

export const SLURM_BINARIES = ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/munged', '/usr/bin/sbatch'];

export function slurmStatus(
  env: NodeJS.ProcessEnv,
  isRoot: boolean,
  exists: (path: string) => boolean = existsSync,
): { available: boolean; skipped?: string } {
  const missing = SLURM_BINARIES.filter((b) => !exists(b));
  const why = !isRoot ? 'they run the Slurm daemons, which needs root' : missing.length > 0 ? `${missing.join(', ')} missing` : undefined;
  if (why === undefined) return { available: true };
  if (isCi(env))
    throw new Error(
      `the Slurm tests cannot run under CI=${env.CI}: ${why} (.ci/run installs Debian's slurm-wlm and munge, and CI runs as root)`,
    );
  return {
    available: false,
    skipped: `skipping the Slurm tests: ${why}; as root, install them with: apt-get install slurm-wlm munge (as .ci/run does); scripts/slurm-cluster.sh starts and stops the cluster`,
  };
}

const status = slurmStatus(process.env, process.getuid?.() === 0);
export const slurmAvailable = status.available;
if (status.skipped !== undefined) console.warn(status.skipped);

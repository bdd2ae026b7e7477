// `sim sweep --emit slurm`: a job script that is both the shards' job array and the script
// that submits it. Run with bash (not in a job), it submits itself as the array and the
// merge as a job that starts when every shard has succeeded; run by Slurm as a task of
// the array (SLURM_ARRAY_TASK_ID set), it runs one shard with --shard auto --shards N.
// Paths are absolute: Slurm's nodes see the same files (a shared file system).
import { UserError } from '../scenario/errors.js';
import { escaped } from '../cli/printable.js';
import { clock, describeJob, shellQuote, type JobPlan } from './jobPlan.js';

export function slurmScript(p: JobPlan): string {
  const q = shellQuote;
  const r = p.resources;
  const job = `sim-${p.name}`.replace(/[^\w.-]/g, '_');
  const sweep = ['sweep', q(p.scenarioPath), ...p.sweepFlags.map(q), '--shard', 'auto', '--shards', String(p.shards), '--jobs', '1'].join(
    ' ',
  );
  // The folder, not its files: 1,001 paths of 136 characters were past the 128 kB one
  // argument (sbatch's --wrap) may be, and the merge was never submitted.
  // Told the sweep and the count: a shard left by an earlier sweep into the same folder
  // (--merge-only after another emit, or sbatch alone, which deletes nothing) is refused.
  const merge = `merge ${q(p.shardDir)} --sweep-id ${p.sweepId} --shards ${p.shards} --json ${q(p.json)}${p.csv === undefined ? '' : ` --csv ${q(p.csv)}`}`;
  const command = [
    'sim',
    'sweep',
    p.scenarioPath,
    ...p.sweepFlags,
    '--emit',
    'slurm',
    '--shards',
    String(p.shards),
    '--json',
    p.json,
    ...(p.csv ? ['--csv', p.csv] : []),
  ]
    .map(q)
    .join(' ');
  if (/[\u0000-\u001f\u007f]/.test(p.shardDir))
    throw new UserError(`--json ${commented(p.json)}: a control character (a line break) in the path cannot go into #SBATCH --output`);
  if (p.shardDir.includes('\\'))
    throw new UserError(
      `--json ${commented(p.json)}: a backslash in the path cannot go into #SBATCH --output (Slurm takes it as an escape, and its logs would not be written)`,
    );
  return `#!/bin/bash
# sim sweep on Slurm. ${describeJob(p, command).map(commented).join('\n# ')}
#
#   bash THIS_FILE          submits the shards (a job array) and the merge (a job that starts
#                           when every shard has succeeded, cancelled if one fails)
#   bash THIS_FILE --wait   the same, then waits for the merge; exits 1 if it failed
#   sbatch --array=2 THIS_FILE
#                           reruns shard 2 alone (its output replaces shard-2.json); then
#   bash THIS_FILE --merge-only [--wait]
#                           submits the merge alone
#
# Shard outputs and logs: ${commented(p.shardDir)}/ (shard-<i>.json, shard-<i>.log, merge.log).
# The merged sweep: ${commented(p.json)}${p.csv === undefined ? '' : ` and ${commented(p.csv)}`} (the same bytes as the sweep run on one machine).
# sim is run as $SIM (default: sim on the PATH), e.g. SIM="node /opt/gunicorn-sim/bin/sim.js".
#SBATCH --job-name=${job}
#SBATCH --array=0-${p.shards - 1}
#SBATCH --cpus-per-task=1
#SBATCH --mem=${r.memoryMb}M
#SBATCH --time=${clock(r.timeSeconds)}
#SBATCH --output=${sbatchQuoted(`${logPattern(p.shardDir)}/shard-%a.log`)}
set -euo pipefail
SIM=\${SIM:-sim}
OUT=${q(p.shardDir)}

if [ -n "\${SLURM_ARRAY_TASK_ID:-}" ]; then
  # A task of the array: one shard. --shards: a task rerun alone (--array=2) is still shard 2 of ${p.shards}.${
    r.heapMb === undefined
      ? ''
      : `
  # Node's heap for the points the shard holds (Node by itself takes half the memory it may use).
  export NODE_OPTIONS="--max-old-space-size=${r.heapMb}\${NODE_OPTIONS:+ $NODE_OPTIONS}"`
  }
  exec $SIM ${sweep} --json "$OUT/shard-$SLURM_ARRAY_TASK_ID.json"
fi

wait=()
merge_only=
for arg in "$@"; do
  case "$arg" in
    --wait) wait=(--wait) ;;
    --merge-only) merge_only=1 ;;
    *) echo "$0: unknown argument $arg (expected --wait, --merge-only)" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT"
dependency=()
if [ -z "$merge_only" ]; then
  # No output of an earlier submission may stand in for a shard that fails this time.
  rm -f "$OUT"/shard-*.json
  array=$(sbatch --parsable "$0")
  array=\${array%%;*}
  echo "shards: job array $array (logs in $OUT)"
  dependency=(--dependency=afterok:$array --kill-on-invalid-dep=yes)
fi
# The merged file is written anew: with --wait, its absence says the merge did not run.
rm -f ${q(p.json)}
echo "merge: $(if [ \${#wait[@]} -gt 0 ]; then echo 'waiting for it'; else echo submitted; fi)"
sbatch "\${dependency[@]}" "\${wait[@]}" --job-name=${job}-merge --cpus-per-task=1 --mem=${r.merge.memoryMb}M --time=${clock(r.merge.timeSeconds)} \\
  --output=${q(`${logPattern(p.shardDir)}/merge.log`)} --wrap "${r.merge.heapMb === undefined ? '' : `NODE_OPTIONS=--max-old-space-size=${r.merge.heapMb} `}$SIM "${q(merge)}
if [ \${#wait[@]} -gt 0 ] && [ ! -f ${q(p.json)} ]; then
  # (A merge cancelled because a shard failed leaves sbatch --wait's status at 0.)
  echo "$0: no "${q(p.json)}": a shard or the merge failed; see the logs in $OUT" >&2
  exit 1
fi
`;
}

/**
 * A path as slurmd reads an --output pattern: % begins a replacement (%a, the task), so a
 * path's own % is written %%. (A backslash would turn the replacements off: refused above.)
 */
function logPattern(path: string): string {
  return path.replace(/%/g, '%%');
}

/**
 * A value for an #SBATCH line as sbatch reads the script (not the shell): it splits the line
 * at spaces outside double quotes, takes an unescaped # as the start of a comment, and a
 * backslash as an escape; so the value is quoted, and its " and # escaped.
 */
function sbatchQuoted(value: string): string {
  return `"${value.replace(/["#]/g, '\\$&')}"`;
}

/**
 * Text for a comment line of the script, control characters as \u escapes: a line break in
 * the scenario's name or in a --set would end the comment, and bash would run the rest of
 * the line as a command (a scenario from elsewhere could run anything).
 */
function commented(text: string): string {
  return escaped(text, /[\u0000-\u001f\u007f]/g);
}

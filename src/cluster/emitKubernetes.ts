// `sim sweep --emit kubernetes`: the manifests of a sweep on Kubernetes, as one JSON List
// (`kubectl apply -f sweep.json`):
//   - a ConfigMap holding the scenario file, mounted where the shards read it;
//   - a PersistentVolumeClaim (ReadWriteMany: the shards' pods may run on several nodes)
//     for the shard outputs and the merged result;
//   - an Indexed Job (completionMode: Indexed), one completion per shard, each running
//     `sim sweep --shard auto --shards N` (JOB_COMPLETION_INDEX is its shard, 0-based);
//   - a merge Job that waits until every shard's output is on the volume, merges them
//     (sim merge of the sweep's folder: its shard-<i>.json files, each checked to be of this
//     sweep and cut so) into the volume (the table beside, merge.txt) and prints the merged JSON, alone:
//     `kubectl logs job/NAME-merge` (stdout and stderr mixed) is the file's bytes.
// The container image must hold `sim` on its PATH (--image; docs/cluster.md has one).
import { basename } from 'node:path';
import { UserError } from '../scenario/errors.js';
import { describeJob, shellQuote, type JobPlan } from './jobPlan.js';

export const DEFAULT_IMAGE = 'gunicorn-sim:0.1.0';

const SCENARIO_DIR = '/sweep/scenario';
/**
 * The ConfigMap's key for the scenario: a key is letters, digits, '-', '_' and '.' only
 * (the API server refused "tiny sweep.json"), so the file is mounted under its own name
 * through the volume's items, which the shards read (its name is the sweep's).
 */
const SCENARIO_KEY = 'scenario.json';
/** The most a ConfigMap holds (the API server refuses a larger one): 1 MiB. */
export const MAX_CONFIGMAP_BYTES = 1024 * 1024;
const RESULTS_DIR = '/sweep/results';

/** A Kubernetes name (RFC 1123 label): lower-case letters, digits and '-', at most 63 characters with the suffixes added here. */
export function kubernetesName(name: string): string {
  const base = `sim-${name}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 50)
    .replace(/-+$/, '');
  return base;
}

/** The folder of one sweep's shard outputs on the volume: its identity, and the count it is cut into. */
export function sweepFolder(p: Pick<JobPlan, 'sweepId' | 'shards'>): string {
  return `${p.sweepId}-${p.shards}-shards`;
}

export function kubernetesManifest(p: JobPlan): { apiVersion: 'v1'; kind: 'List'; items: Record<string, any>[] } {
  const q = shellQuote;
  const name = kubernetesName(p.name);
  const image = p.image ?? DEFAULT_IMAGE;
  const file = basename(p.scenarioPath);
  const bytes = Buffer.byteLength(p.scenarioText, 'utf8');
  if (bytes > MAX_CONFIGMAP_BYTES)
    throw new UserError(
      `--emit kubernetes: ${p.scenarioPath} is ${bytes} bytes; a ConfigMap, which carries it to the pods, holds at most ${MAX_CONFIGMAP_BYTES} (1 MiB): shorten the scenario (its notes, its lists), or use --emit slurm on a shared file system`,
    );
  // A volume's item path may not start with ".." (the API server refuses it).
  if (file.startsWith('..'))
    throw new UserError(`--emit kubernetes: ${p.scenarioPath}: a file name starting with ".." cannot be mounted in a pod; rename the file`);
  const labels = { 'app.kubernetes.io/name': 'gunicorn-sim', 'gunicorn-sim/sweep': name };
  const r = p.resources;
  const resources = (memoryMb: number) => {
    const memory = `${memoryMb}Mi`;
    return { requests: { cpu: '1', memory }, limits: { memory } };
  };
  // Node's heap for the points a process holds, where Node's own (half the container's memory) would not hold them.
  const heap = (heapMb: number | undefined) =>
    heapMb === undefined ? {} : { env: [{ name: 'NODE_OPTIONS', value: `--max-old-space-size=${heapMb}` }] };
  const volumes = [
    { name: 'scenario', configMap: { name: `${name}-scenario`, items: [{ key: SCENARIO_KEY, path: file }] } },
    { name: 'results', persistentVolumeClaim: { claimName: `${name}-results` } },
  ];
  const volumeMounts = [
    { name: 'scenario', mountPath: SCENARIO_DIR, readOnly: true },
    { name: 'results', mountPath: RESULTS_DIR },
  ];
  // A folder of this sweep cut so: the volume outlives the Jobs, and the merge starts with
  // the shards, so an earlier sweep's outputs, complete, in a folder of the scenario's name
  // alone were merged at once, in silence, in place of this sweep's.
  const out = `${RESULTS_DIR}/${name}/${sweepFolder(p)}`;
  const sweep = [
    'sim',
    'sweep',
    q(`${SCENARIO_DIR}/${file}`),
    ...p.sweepFlags.map(q),
    '--shard',
    'auto',
    '--shards',
    String(p.shards),
    '--jobs',
    '1',
  ].join(' ');
  const jsonName = basename(p.json);
  // The same length for any number of shards: a list of them made the command longer than
  // one argument may be past 1,600 shards (128 kB), and the Job past what the API server takes.
  const mergeScript = [
    'i=0',
    `while [ "$i" -lt ${p.shards} ]; do`,
    `  until [ -f ${out}/shard-$i.json ]; do sleep 10; done`,
    '  i=$((i + 1))',
    'done',
    // (&&: a refused merge's log is its one line, not a cat of the file it did not write after it.)
    `sim merge ${out} --sweep-id ${p.sweepId} --shards ${p.shards} --json ${out}/${q(jsonName)}${p.csv === undefined ? '' : ` --csv ${out}/${q(basename(p.csv))}`} > ${out}/merge.txt &&`,
    `  cat ${out}/${q(jsonName)}`,
  ].join('\n');
  const header = describeJob(p, `sim sweep ... --emit kubernetes --shards ${p.shards}`).join(' ');
  const container = (command: string, memoryMb: number, heapMb: number | undefined) => ({
    name: 'sim',
    image,
    command: ['sh', '-c', command],
    ...heap(heapMb),
    resources: resources(memoryMb),
    volumeMounts,
  });
  return {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `${name}-scenario`, labels },
        data: { [SCENARIO_KEY]: p.scenarioText },
      },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: `${name}-results`, labels },
        spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: `${r.storageGi}Gi` } } },
      },
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: `${name}-shards`, labels, annotations: { 'gunicorn-sim/about': header } },
        spec: {
          completionMode: 'Indexed',
          completions: p.shards,
          parallelism: p.shards,
          // A failed shard is retried alone, twice; the others go on.
          backoffLimitPerIndex: 2,
          maxFailedIndexes: p.shards,
          activeDeadlineSeconds: r.timeSeconds * 3,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'Never',
              containers: [
                container(`mkdir -p ${out} && exec ${sweep} --json ${out}/shard-$JOB_COMPLETION_INDEX.json`, r.memoryMb, r.heapMb),
              ],
              volumes,
            },
          },
        },
      },
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: `${name}-merge`, labels },
        spec: {
          completions: 1,
          backoffLimit: 2,
          activeDeadlineSeconds: r.timeSeconds * 3 + r.merge.timeSeconds,
          template: {
            metadata: { labels },
            spec: { restartPolicy: 'Never', containers: [container(mergeScript, r.merge.memoryMb, r.merge.heapMb)], volumes },
          },
        },
      },
    ],
  };
}

export function kubernetesText(p: JobPlan): string {
  return `${JSON.stringify(kubernetesManifest(p), null, 2)}\n`;
}

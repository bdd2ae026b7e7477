// The line that names a run under every chart's title, so an image pasted into a design
// doc still says which scenario, seed and load it shows.
import type { RunSummary } from '../../report/summary.js';

export function runLabel(s: RunSummary): string {
  const rps = s.summary.requestsPerSec.toFixed(2);
  const partial = s.simulation.complete ? '' : ', PARTIAL run';
  return `${s.scenario} (seed ${s.seed}): ${s.summary.requests} requests, ${rps} req/s over ${s.summary.total.toFixed(3)} s${partial}`;
}

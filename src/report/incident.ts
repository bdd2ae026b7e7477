// An incident's figures: goodput apart from throughput before, during and after the
// timeline's events, what the retries did, and whether the system recovered.
//
// - throughput: attempts that ended per second (a response of any status or a transport
//   error, retries included): what the client got back, useful or not;
// - goodput: successful responses (status below 400) per second; each came within the
//   client's timeout, since an attempt that runs out of it is abandoned;
// - before: the time before the first event but its first tenth (which holds the
//   start-up); during: from the first event's start to the last one's end; after: from
//   there to the end of the load (the client's duration);
// - recovered: goodput back within 10 % of its level before, measured over sliding
//   windows of RECOVERY_WINDOW seconds (long enough that Poisson noise at a few hundred
//   requests/s stays well inside 10 %), from some time after the last event to the end of
//   the load; the recovery time is from the last event's end to the start of the first
//   window from which every window stays within 10 %.
import { toSeconds } from '../engine/time.js';
import type { IncidentResult } from '../model/results.js';
import type { TimelineMark } from '../scenario/resolveIncidents.js';
import type { TimelineData } from '../stats/timeline.js';

export const RECOVERY_WINDOW = 5;
export const RECOVERY_TOLERANCE = 0.1;

export interface Rates {
  before: number | null;
  during: number | null;
  after: number | null;
}

export interface IncidentSummary {
  timeline: TimelineMark[];
  /** The incident window in seconds; null without a timeline. */
  window: { start: number; end: number } | null;
  /** When the load stopped (the client's duration, else the run's end), seconds. */
  loadEnd: number;
  goodput: Rates;
  throughput: Rates;
  /** Responses that came back after their attempt had been given up: work the server did for nobody. */
  lateResponses: number;
  retries: {
    requests: number;
    attempts: number;
    /** attempts / requests. */
    amplification: number;
    attemptsPerRequest: Record<string, number>;
    byCause: Record<string, number>;
    deniedByBudget: number;
    exhausted: number;
  } | null;
  statementTimeouts: number | null;
  httpTimeouts: number;
  /** Retiring workers whose graceful_timeout ran out, their requests killed. */
  gracefulTimeouts: number;
  breakers: { opened: number; rejected: number } | null;
  recovery: {
    /** null without a timeline (nothing to recover from) or without goodput before it. */
    recovered: boolean | null;
    /** Seconds from the last event's end until goodput stayed within 10 % of its level before. */
    seconds: number | null;
    verdict: string;
  };
}

export function incidentSummary(incident: IncidentResult, timeline: TimelineData, requests: number): IncidentSummary {
  const good = timeline.count['2xx'].map((n, i) => n + timeline.count['3xx'][i]);
  const attempts = timeline.count.attempts;
  const w = incident.window;
  const loadEnd = toSeconds(incident.loadEnd);
  const start = w === undefined ? 0 : toSeconds(w.start);
  const end = w === undefined ? loadEnd : toSeconds(w.end);
  type Span = readonly [number, number];
  const windows: { before: Span; during: Span | null; after: Span | null } = {
    before: w === undefined ? [0, loadEnd] : [start / 10, start],
    during: w === undefined ? null : [start, end],
    after: w === undefined ? null : [end, loadEnd],
  };
  const rates = (series: number[]): Rates => ({
    before: rateOver(timeline, series, windows.before),
    during: windows.during === null ? null : rateOver(timeline, series, windows.during),
    after: windows.after === null ? null : rateOver(timeline, series, windows.after),
  });
  const goodput = rates(good);
  const r = incident.retries;
  return {
    timeline: incident.marks,
    window: w === undefined ? null : { start, end },
    loadEnd,
    goodput,
    throughput: rates(attempts),
    lateResponses: incident.lateResponses,
    retries:
      r === undefined
        ? null
        : {
            requests,
            attempts: r.attempts,
            amplification: requests > 0 ? r.attempts / requests : 0,
            attemptsPerRequest: Object.fromEntries(
              r.attemptsPerRequest.map((n, i) => [String(i), n]).filter(([i, n]) => Number(i) > 0 && (n as number) > 0),
            ),
            byCause: { ...r.retriesByCause },
            deniedByBudget: r.deniedByBudget,
            exhausted: r.exhausted,
          },
    statementTimeouts: incident.statementTimeouts ?? null,
    httpTimeouts: incident.httpTimeouts,
    gracefulTimeouts: incident.gracefulTimeouts,
    breakers: incident.breakers ?? null,
    recovery:
      w === undefined
        ? { recovered: null, seconds: null, verdict: 'no timeline: nothing to recover from' }
        : recovery(timeline, good, goodput.before, end, loadEnd),
  };
}

/** Events per second in the buckets wholly inside [from, to); null if none is. */
function rateOver(timeline: TimelineData, series: number[], [from, to]: readonly [number, number]): number | null {
  const bw = timeline.bucketSeconds;
  let n = 0;
  let buckets = 0;
  for (let i = 0; i < series.length; i++) {
    const t = timeline.t[i];
    if (t >= from - 1e-9 && t + bw <= to + 1e-9) {
      n += series[i];
      buckets++;
    }
  }
  return buckets === 0 ? null : n / (buckets * bw);
}

function recovery(
  timeline: TimelineData,
  good: number[],
  before: number | null,
  end: number,
  loadEnd: number,
): IncidentSummary['recovery'] {
  if (before === null || before <= 0) return { recovered: null, seconds: null, verdict: 'no goodput before the incident to compare with' };
  const bw = timeline.bucketSeconds;
  const k = Math.max(1, Math.round(RECOVERY_WINDOW / bw));
  const first = timeline.t.findIndex((t) => t >= end - 1e-9);
  // Windows that end by the end of the load.
  const last = timeline.t.findIndex((t) => t + k * bw > loadEnd + 1e-9);
  const lastStart = (last === -1 ? timeline.t.length - k + 1 : last) - 1;
  if (first === -1 || lastStart < first) return { recovered: false, seconds: null, verdict: notRecovered };
  const within = (i: number) => {
    let n = 0;
    for (let j = i; j < i + k; j++) n += good[j];
    return Math.abs(n / (k * bw) - before) <= RECOVERY_TOLERANCE * before;
  };
  let from: number | undefined;
  for (let i = lastStart; i >= first; i--) {
    if (!within(i)) break;
    from = i;
  }
  if (from === undefined) return { recovered: false, seconds: null, verdict: notRecovered };
  const seconds = Math.max(0, timeline.t[from] - end);
  return { recovered: true, seconds, verdict: `recovered ${seconds.toFixed(1)} s after the last event` };
}

const notRecovered = 'did not recover within the run';

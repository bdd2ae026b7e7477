// What the load generator records about a run, the way hey records it
// (requester/report.go): latencies of responses (any status), counts by status code,
// and transport errors by message; plus where the requests spent their time.
// Streaming: memory does not grow with the number of requests.
import { DOUBLE_ZERO, type Time } from '../engine/time.js';
import { LatencyHistogram } from './latencyHistogram.js';
import { Timeline, type Counter } from './timeline.js';

/** Index of a status code's class (1xx .. 5xx) in byClass. */
const CLASS_OF = Uint8Array.from({ length: 600 }, (_, code) => Math.min(4, Math.max(0, Math.floor(code / 100) - 1)));

export class RunRecorder {
  readonly latency = new LatencyHistogram();
  /** Responses by status code (index = code), cheaper than a Map on the hot path. */
  private readonly byStatus = new Float64Array(600);
  /**
   * Transport errors by message, each a record counted in place: a saturated run fails
   * hundreds of thousands of times, and a count kept as the map's value would take two
   * lookups of the message (get, then set) for each.
   */
  private readonly errorCounts = new Map<string, { n: number }>();
  /** Gauges and counters over time, for the charts. */
  readonly timeline = new Timeline();
  /** Summed time of ended requests in each phase (the model's Phase numbers). */
  readonly ledger: Float64Array;
  private readonly byClass: Counter[];
  private readonly errorCounter: Counter;
  errorCount = 0;
  /** Summed time from send to error of the requests that failed. */
  errorTime = DOUBLE_ZERO;
  /**
   * Summed time from when paced requests were due to when they were sent (wrk2's
   * schedule pacing): in their latencies, not in the system. 0 for hey.
   */
  lateness = DOUBLE_ZERO;
  /**
   * Responses later than a timeout that only counts them (client.timeoutMode count, wrk's):
   * responses by status, but outside the latency histogram, as wrk keeps them out of its
   * latency figures; and their summed time from send to response.
   */
  timeouts = 0;
  timeoutTime = DOUBLE_ZERO;

  /** `countsOverTime` false: responses and errors are not counted per time bucket (only charts show those counts). */
  constructor(phases: number, countsOverTime = true) {
    this.ledger = new Float64Array(phases);
    this.byClass = [1, 2, 3, 4, 5].map((c) => this.timeline.counter(`${c}xx`, countsOverTime));
    this.errorCounter = this.timeline.counter('errors', countsOverTime);
  }

  response(sentAt: Time, status: number, now: Time): void {
    this.latency.record(now - sentAt);
    this.byStatus[status]++;
    this.byClass[CLASS_OF[status]].inc(now);
  }

  /** A response later than a counting timeout (wrk's): counted by status and as a timeout, its latency not recorded. */
  lateResponse(sentAt: Time, status: number, now: Time): void {
    this.timeouts++;
    this.timeoutTime += now - sentAt;
    this.byStatus[status]++;
    this.byClass[CLASS_OF[status]].inc(now);
  }

  error(message: string, sentAt: Time, now: Time): void {
    this.errorCount++;
    this.errorTime += now - sentAt;
    const count = this.errorCounts.get(message);
    if (count !== undefined) count.n++;
    else this.errorCounts.set(message, { n: 1 });
    this.errorCounter.inc(now);
  }

  /** Transport errors by message, in the order they first occurred. */
  get errors(): Map<string, number> {
    const m = new Map<string, number>();
    for (const [message, count] of this.errorCounts) m.set(message, count.n);
    return m;
  }

  get responses(): number {
    return this.latency.count + this.timeouts;
  }

  /** Responses by status code, in increasing order of code. */
  get statusCodes(): Map<number, number> {
    const m = new Map<number, number>();
    for (let code = 0; code < this.byStatus.length; code++) if (this.byStatus[code] > 0) m.set(code, this.byStatus[code]);
    return m;
  }
}

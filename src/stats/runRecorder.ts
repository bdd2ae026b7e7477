// What the load generator records about a run, the way hey records it
// (requester/report.go): latencies of responses (any status), counts by status code,
// and transport errors by message; plus where answered requests spent their time.
// Streaming: memory does not grow with the number of requests.
import type { Time } from '../engine/time.js';
import { LatencyHistogram } from './latencyHistogram.js';
import { Timeline, type Counter } from './timeline.js';

/** What the recorder needs to know of a finished request. */
export interface FinishedRequest {
  readonly sentAt: Time;
  /** Time spent in each phase (see model/request.ts Phase). */
  readonly spent: readonly number[];
}

export class RunRecorder {
  readonly latency = new LatencyHistogram();
  readonly statusCodes = new Map<number, number>();
  readonly errors = new Map<string, number>();
  /** Gauges and counters over time, for the charts. */
  readonly timeline = new Timeline();
  /** Summed time of answered requests in each phase. */
  readonly spent: number[];
  private readonly byClass: Counter[] = [1, 2, 3, 4, 5].map((c) => this.timeline.counter(`${c}xx`));
  private readonly errorCounter = this.timeline.counter('errors');
  errorCount = 0;
  /** Summed time from send to error of the requests that failed. */
  errorTime = 0;

  constructor(phases: number) {
    this.spent = new Array<number>(phases).fill(0);
  }

  response(req: FinishedRequest, status: number, now: Time): void {
    this.latency.record(now - req.sentAt);
    this.statusCodes.set(status, (this.statusCodes.get(status) ?? 0) + 1);
    this.byClass[Math.min(4, Math.max(0, Math.floor(status / 100) - 1))].inc(now);
    const spent = req.spent;
    for (let i = 0; i < spent.length; i++) this.spent[i] += spent[i];
  }

  error(message: string, sentAt: Time, now: Time): void {
    this.errorCount++;
    this.errorTime += now - sentAt;
    this.errors.set(message, (this.errors.get(message) ?? 0) + 1);
    this.errorCounter.inc(now);
  }

  get responses(): number {
    return this.latency.count;
  }
}

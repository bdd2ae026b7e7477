// What the load generator records about a run, the way hey records it
// (requester/report.go): latencies of responses (any status), counts by status code,
// and transport errors by message. Streaming: memory does not grow with requests.
import type { Time } from '../engine/time.js';
import { LatencyHistogram } from './latencyHistogram.js';
import { Timeline, type Counter } from './timeline.js';

export class RunRecorder {
  readonly latency = new LatencyHistogram();
  readonly statusCodes = new Map<number, number>();
  readonly errors = new Map<string, number>();
  /** Gauges and counters over time, for the charts. */
  readonly timeline = new Timeline();
  private readonly byClass: Counter[] = [1, 2, 3, 4, 5].map((c) => this.timeline.counter(`${c}xx`));
  private readonly errorCounter = this.timeline.counter('errors');
  errorCount = 0;

  response(latency: number, status: number, now: Time): void {
    this.latency.record(latency);
    this.statusCodes.set(status, (this.statusCodes.get(status) ?? 0) + 1);
    this.byClass[Math.min(4, Math.max(0, Math.floor(status / 100) - 1))].inc(now);
  }

  error(message: string, now: Time): void {
    this.errorCount++;
    this.errors.set(message, (this.errors.get(message) ?? 0) + 1);
    this.errorCounter.inc(now);
  }

  get responses(): number {
    return this.latency.count;
  }
}

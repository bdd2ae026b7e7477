// What the load generator records about a run, the way hey records it
// (requester/report.go): latencies of responses (any status), counts by status code,
// and transport errors by message. Streaming: memory does not grow with requests.
import { LatencyHistogram } from './latencyHistogram.js';

export class RunRecorder {
  readonly latency = new LatencyHistogram();
  readonly statusCodes = new Map<number, number>();
  readonly errors = new Map<string, number>();
  errorCount = 0;

  response(latency: number, status: number): void {
    this.latency.record(latency);
    this.statusCodes.set(status, (this.statusCodes.get(status) ?? 0) + 1);
  }

  error(message: string): void {
    this.errorCount++;
    this.errors.set(message, (this.errors.get(message) ?? 0) + 1);
  }

  get responses(): number {
    return this.latency.count;
  }
}

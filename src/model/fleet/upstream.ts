// An instance as the load balancer sees it (ngx_http_upstream_round_robin.c's peer): whether
// it may be used, what is in flight to it, and nginx's passive health check: after
// `max_fails` failed attempts within `fail_timeout` of the first, it is left out for
// `fail_timeout`.
import type { Time } from '../../engine/time.js';
import type { Listener } from '../listener.js';

export class Upstream {
  /** In the upstream group: false for a pod the autoscaler has not started, or has removed. */
  ready = true;
  /** Nothing listens at its address (a crashed instance still in the group): a connect is refused at once. */
  refuses = false;
  /** Requests in flight to it. */
  active = 0;
  peakActive = 0;
  /** Attempts sent to it, and those that failed (refused, reset, timed out). */
  attempts = 0;
  failures = 0;
  /** Failures since it was last left out, and until when it is left out. */
  fails = 0;
  firstFailAt: Time = 0;
  downUntil: Time = 0;
  /** Responses it gave (any status). */
  responses = 0;

  constructor(
    readonly index: number,
    readonly listener: Listener,
  ) {}

  /** In the group, not left out, and under `maxConns` requests in flight (0: no limit). */
  usable(now: Time, maxConns: number): boolean {
    return this.ready && this.downUntil <= now && (maxConns === 0 || this.active < maxConns);
  }

  /** An attempt to it failed: counted, and against its health when `maxFails` > 0. */
  failed(now: Time, maxFails: number, failTimeout: Time): void {
    this.failures++;
    if (maxFails > 0) {
      if (this.fails === 0 || now - this.firstFailAt > failTimeout) {
        this.fails = 0;
        this.firstFailAt = now;
      }
      if (++this.fails >= maxFails) {
        this.downUntil = now + failTimeout;
        this.fails = 0;
      }
    }
  }
}

// The client's settings, resolved (resolve.ts): hey's closed loop of workers (-n, -c, -q,
// -z, think time, wrk2's schedule), or open-loop arrivals at a rate that steps over time
// (the timeline's changes of rate applied), and what both share (timeout, the client's own
// CPU, retries).
import type { Distribution } from '../engine/distributions.js';
import type { Uniform } from '../engine/random.js';
import { fromSeconds, type Time } from '../engine/time.js';
import type { OwnHost } from './resolve.js';
import { applyRateChanges, resolveRetries, type RetrySettings } from './resolveIncidents.js';
import type { Scenario } from './schema.js';

export interface LoadSettings {
  /** 0 = no timeout. */
  timeout: Time;
  /** client.timeoutMode: hey's timeout cancels the request, wrk's only counts a response later than it. */
  timeoutMode: 'cancel' | 'count';
  url: string;
  /** The client's own CPU per request and per new connection (0: none, and no events for it). */
  requestCpu?: Time;
  dialCpu?: Time;
  /** hey -cpus: its process's threads; undefined: its host's cores. */
  cpus?: number;
  /** client.retries; undefined: none (hey retries nothing). */
  retry?: RetrySettings;
}

export interface HeySettings extends LoadSettings {
  /** Requests per worker; Infinity with a duration. */
  perWorker: number;
  /** The first this many workers send one request more (client.remainder "sent": requests mod concurrency); 0 as hey. */
  extra: number;
  concurrency: number;
  keepAlive: boolean;
  maxIdleConns: number;
  /** Per-worker rate limit period (hey -q), 0 = none. */
  tickPeriod: Time;
  /** hey -z; 0 = none. */
  duration: Time;
  /** wrk2's paced sending instead of hey's ticker (client.pacing 'schedule'). */
  schedule?: boolean;
  /** Wait after each result before the next request (client.thinkTime; wire.ts gives it its stream); undefined = none, as hey. */
  think?: { distribution: Distribution; uniform: Uniform };
}

export interface OpenLoopSettings extends LoadSettings {
  /** Stop after this many arrivals (Infinity: use the duration). */
  requests: number;
  /** Stop arrivals at this time (0: use the request count). */
  duration: Time;
}

export interface RateStep {
  /** When this rate starts (µs). */
  from: Time;
  /** Requests per second. */
  rate: number;
}

export type ClientSettings =
  | { kind: 'hey'; settings: HeySettings; host: OwnHost; taskGroup: ClientTaskGroup; thinkTime?: Scenario['client']['thinkTime'] }
  | {
      kind: 'openLoop';
      settings: OpenLoopSettings;
      process: 'poisson' | 'constant';
      steps: RateStep[];
      host: OwnHost;
      taskGroup: ClientTaskGroup;
    };

/** On a shared host with task groups: a group of the client's own, or gunicorn's (machine.taskGroups). */
export type ClientTaskGroup = 'own' | 'server';

/** hey's transport keeps at most min(C, 500) idle connections (requester.go: maxIdleConn). */
export const HEY_MAX_IDLE_CONNS = 500;

export function resolveClient(c: Scenario['client'], timeline: Scenario['timeline'], horizon: Time): ClientSettings {
  const retry = resolveRetries(c.retries);
  const load = {
    timeout: fromSeconds(c.timeout),
    timeoutMode: c.timeoutMode,
    url: c.url,
    requestCpu: fromSeconds(c.requestCpu),
    dialCpu: fromSeconds(c.dialCpu),
    ...(c.cpus !== undefined ? { cpus: c.cpus } : {}),
    ...(retry !== undefined ? { retry } : {}),
  };
  if (c.arrivals !== undefined) {
    const steps = c.arrivals.steps ?? [{ from: 0, rate: c.arrivals.rate! }];
    // No arrival at or after the duration is sent: the rate steps matter up to it.
    const until = c.duration !== undefined && c.duration > 0 ? Math.min(horizon, fromSeconds(c.duration)) : horizon;
    return {
      kind: 'openLoop',
      settings: { ...load, requests: c.requests ?? Infinity, duration: fromSeconds(c.duration ?? 0) },
      process: c.arrivals.process,
      steps: applyRateChanges(
        steps.map((st) => ({ from: fromSeconds(st.from), rate: st.rate })),
        timeline,
        until,
      ),
      host: c.cores,
      taskGroup: c.taskGroup,
    };
  }
  const concurrency = c.concurrency!;
  return {
    kind: 'hey',
    settings: {
      ...load,
      concurrency,
      perWorker: c.duration !== undefined ? Infinity : Math.floor(c.requests! / concurrency),
      extra: c.duration === undefined && c.remainder === 'sent' ? c.requests! % concurrency : 0,
      keepAlive: c.keepAlive,
      maxIdleConns: c.maxIdleConns ?? Math.min(concurrency, HEY_MAX_IDLE_CONNS),
      tickPeriod: c.rate !== undefined ? Math.max(1, Math.round(1e6 / c.rate)) : 0,
      duration: fromSeconds(c.duration ?? 0),
      ...(c.pacing === 'schedule' ? { schedule: true } : {}),
    },
    host: c.cores,
    taskGroup: c.taskGroup,
    ...(c.thinkTime !== undefined ? { thinkTime: c.thinkTime } : {}),
  };
}

// The open-loop client's recycling of answered requests' records (OpenLoopClient.recycleRecords):
// a renewed record is what its constructor makes, recycling is on only where wire.ts allows
// it, and a run is the same, figure for figure, with it and without it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Connection, HttpRequest, Phase, type ClientSide } from '../../../src/model/request.js';
import { collectResult } from '../../../src/model/results.js';
import { FROZEN_CLOCK_EVENTS, MAX_IN_FLIGHT, runSystem } from '../../../src/model/run.js';
import { simulate, wireAtSpeed } from '../../../src/model/system.js';
import { validateScenario } from '../../../src/scenario/load.js';
import type { Scenario } from '../../../src/scenario/schema.js';
import { summarize } from '../../../src/report/summary.js';
import { scenario } from '../../helpers.js';

const NOBODY: ClientSide = { connected() {}, connectFailed() {}, response() {}, lateResponse() {}, serverClosed() {} };
/** Fields a record keeps for good: its connection, its client, the run's ledger. */
const KEPT = new Set(['conn', 'client', 'ledger']);

/** Every field but the kept ones set to a value no constructor gives, as a request's life might leave it. */
function scribble(record: object): void {
  for (const key of Object.keys(record)) if (!KEPT.has(key)) (record as Record<string, unknown>)[key] = 'left over';
}

/** The bench model `file` at `requests` requests. */
function bench(file: string, requests: number): Scenario {
  const raw = JSON.parse(readFileSync(new URL(`../../../scenarios/${file}`, import.meta.url), 'utf8'));
  raw.client.requests = requests;
  return validateScenario(raw, file);
}

function recycles(s: Scenario): boolean {
  return (wireAtSpeed(s).system.client as unknown as { recycles: boolean }).recycles;
}

/** The report of `s`, as `sim run` makes it, and as it is with the client's records never recycled. */
function withAndWithout(s: Scenario): [string, string] {
  const on = JSON.stringify(summarize(simulate(s), 'test', s.seed));
  const { system } = wireAtSpeed(s);
  (system.client as unknown as { recycles: boolean }).recycles = false;
  const limits = { maxEvents: system.resolved.limits.maxEvents, maxSimTime: system.resolved.limits.maxSimTime };
  const stopReason = runSystem(system, { ...limits, frozenClockEvents: FROZEN_CLOCK_EVENTS, maxInFlight: MAX_IN_FLIGHT });
  const off = JSON.stringify(summarize(collectResult(system, stopReason, limits), 'test', s.seed));
  return [on, off];
}

describe("recycling the open-loop client's records", () => {
  it('a renewed connection is what the constructor makes', () => {
    const fresh = new Connection(7, NOBODY);
    const used = new Connection(3, NOBODY);
    scribble(used);
    used.renew(7);
    expect({ ...used }).toEqual({ ...fresh });
  });

  it('a renewed request is what the constructor makes', () => {
    const ledger = new Float64Array(12);
    const conn = new Connection(1, NOBODY);
    const fresh = new HttpRequest(8, conn, 1_500, ledger, Phase.connect);
    const used = new HttpRequest(2, conn, 700, ledger, Phase.thread);
    scribble(used);
    used.renew(8, 1_500, Phase.connect);
    expect({ ...used }).toEqual({ ...fresh });
  });

  it('is on for the bench models, and off where something may still refer to an answered request', () => {
    expect(recycles(bench('bench-b1.json', 10))).toBe(true);
    expect(recycles(bench('bench-b1s.json', 10))).toBe(true);
    const open = { client: { arrivals: { rate: 100 }, requests: 10 } };
    expect(recycles(scenario(open))).toBe(true);
    // hey's closed loop sends its next request while the last one's end is on the stack.
    expect(recycles(scenario())).toBe(false);
    expect(recycles(scenario({ client: { arrivals: { rate: 100 }, requests: 10, timeout: 1 } }))).toBe(false);
    expect(recycles(scenario({ ...open, client: { ...open.client, retries: { count: 1 } } }))).toBe(false);
    expect(recycles(scenario({ ...open, client: { ...open.client, requestCpu: 0.001 } }))).toBe(false);
    expect(recycles(scenario({ ...open, app: { pool: { size: 1, maxOverflow: 0 } } }))).toBe(false);
    expect(recycles(scenario({ ...open, database: { statementTimeout: 1 } }))).toBe(false);
    expect(
      recycles(
        scenario({ ...open, database: { pgbouncer: { poolMode: 'session', defaultPoolSize: 2, loginCpu: 0, queryCpu: 0, serverCpu: 0 } } }),
      ),
    ).toBe(false);
    expect(recycles(scenario({ ...open, fleet: { instances: 2, loadBalancer: { requestCpu: 0, connectionCpu: 0 } } }))).toBe(false);
  });

  it.each([
    ['B1', bench('bench-b1.json', 20_000)],
    // Saturated: refused connections (500s) and dropped SYNs.
    ['B1s', bench('bench-b1s.json', 20_000)],
    [
      'sync workers killed by the arbiter mid-request',
      scenario({
        client: { arrivals: { rate: 20 }, requests: 400 },
        server: { workerClass: 'sync', workers: 2, timeout: 1 },
        app: { steps: [{ kind: 'dbConnect' }, { kind: 'dbQuery', time: { dist: 'exponential', mean: 0.3 } }, { kind: 'dbClose' }] },
      }),
    ],
    [
      'workers killed by an incident, then reloaded; outbound calls timing out within a limit',
      scenario({
        client: { arrivals: { rate: 200 }, requests: 2_000 },
        server: { workerClass: 'gevent', workers: 2, bootTime: 0.05 },
        app: {
          steps: [
            { kind: 'cpu', time: 0.001 },
            { kind: 'http', time: { dist: 'exponential', mean: 0.02 }, timeout: 0.03, limit: 3 },
            { kind: 'dbConnect' },
            { kind: 'dbQuery', time: 0.005 },
            { kind: 'dbClose' },
          ],
        },
        timeline: [
          { at: 2, killWorkers: 1 },
          { at: 5, reload: true },
        ],
      }),
    ],
    [
      'gthread workers with keep-alive',
      scenario({
        client: { arrivals: { rate: 200 }, requests: 2_000 },
        server: { workerClass: 'gthread', workers: 2, threads: 4, keepalive: 2 },
        app: {
          steps: [
            { kind: 'cpu', time: 0.002 },
            { kind: 'sleep', time: { dist: 'exponential', mean: 0.01 } },
          ],
        },
      }),
    ],
  ])('gives the same report with it and without it: %s', (_name, s) => {
    expect(recycles(s)).toBe(true);
    const [on, off] = withAndWithout(s);
    expect(on).toBe(off);
  });
});

// Measured against simulated: the matching scenario, and the rows of the comparison.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareRuns, relativeDifference } from '../../../src/analysis/calibration/compare.js';
import { parseHeyRun } from '../../../src/analysis/calibration/heyRun.js';
import { readMeasuredRun } from '../../../src/analysis/calibration/readMeasuredRun.js';
import { scenarioForRun } from '../../../src/analysis/calibration/scenarioForRun.js';
import { simulate } from '../../../src/model/system.js';
import { summarize } from '../../../src/report/summary.js';

const raw = JSON.parse(readFileSync('calibration/linux-2core.json', 'utf8'));
const run = (name: string) => parseHeyRun(readFileSync(`test/fixtures/hey/${name}`, 'utf8'), name);

describe('scenarioForRun', () => {
  it('sets the client the way hey ran: -n, -c, -t, keep-alive and the URL', () => {
    const { scenario, from } = scenarioForRun(raw, run('patched-c125.r1.txt'), [], 'linux-2core.json');
    expect(scenario.client).toMatchObject({ requests: 125, concurrency: 125, timeout: 0, keepAlive: true, url: 'http://127.0.0.1:8000/' });
    expect(from).toEqual({ requests: 'hey command', concurrency: 'hey command' });
    expect(raw.client.requests).toBe(10); // the caller's JSON is left alone
  });

  it("replaces the scenario's own load (open-loop arrivals, -q, -z) with the hey run's", () => {
    const open = structuredClone(raw);
    open.client = { requests: 50, arrivals: { process: 'poisson', rate: 20 }, timeout: 0 };
    const { scenario } = scenarioForRun(open, run('patched-c10.r1.txt'), [], 'open.json');
    expect(scenario.client.arrivals).toBeUndefined();
    expect(scenario.client).toMatchObject({ requests: 10, concurrency: 10 });
  });

  it('carries -q and -z over to the simulated client', () => {
    const r = run('patched-c10.r1.txt');
    r.command = { ...r.command!, rate: 2, duration: 3 };
    const { scenario } = scenarioForRun(raw, r, [], 's.json');
    expect(scenario.client).toMatchObject({ rate: 2, duration: 3, concurrency: 10 });
  });

  it('lets --set win over the hey run', () => {
    const { scenario, from } = scenarioForRun(raw, run('patched-c125.r1.txt'), ['client.concurrency=25', 'machine.cores=8'], 's.json');
    expect(scenario.client.concurrency).toBe(25);
    expect(scenario.machine.cores).toBe(8);
    expect(from.concurrency).toBe('--set');
  });

  it('without a recorded command, takes -n from the results and -c from the scenario', () => {
    const bare = run('sync4-c10-n20.r1.txt');
    bare.command = undefined;
    const { scenario, from } = scenarioForRun(raw, bare, [], 's.json');
    expect(scenario.client.requests).toBe(20);
    expect(scenario.client.concurrency).toBe(10);
    expect(from).toEqual({ requests: 'hey results', concurrency: 'scenario' });
    // Every result counted is simulated, whatever -c the scenario has: not 3 rounds of 6.
    const six = scenarioForRun(raw, bare, ['client.concurrency=6'], 's.json').scenario;
    expect(simulate(six).sent).toBe(20);
    // A scenario that sends for a duration (hey -z) keeps it: no count to divide.
    const timed = structuredClone(raw);
    timed.client.duration = 1;
    expect(scenarioForRun(timed, bare, [], 's.json').scenario.client.remainder).toBeUndefined();
    const locust = readMeasuredRun(readFileSync('test/fixtures/locust/u10-t3s_stats.csv', 'utf8'), 'u10-t3s_stats.csv');
    expect(scenarioForRun(raw, locust, ['client.duration=2'], 's.json').scenario.client.remainder).toBeUndefined();
  });

  it('names the override as typed and the run when an override is invalid', () => {
    expect(() => scenarioForRun(raw, run('patched-c10.r1.txt'), ['server.workerz=2'], 's.json')).toThrow(
      /^--set server\.workerz=2 \(for patched-c10\.r1\.txt\): at server\.workerz: unknown key "workerz"; did you mean "workers"\?$/,
    );
  });
});

describe("scenarioForRun with another tool's run: the client its output states", () => {
  const tool = (path: string) => readMeasuredRun(readFileSync(`test/fixtures/${path}`, 'utf8'), path);

  it("wrk: its connections for its duration, keep-alive on, the scenario's -n dropped", () => {
    const { scenario, from } = scenarioForRun(raw, tool('wrk/c10-d3s.txt'), [], 's.json');
    expect(scenario.client).toMatchObject({ concurrency: 10, duration: 3, keepAlive: true, url: 'http://127.0.0.1:8077/' });
    expect(scenario.client.requests).toBeUndefined();
    expect(from).toEqual({ requests: 'wrk output', concurrency: 'wrk output' });
  });

  it("wrk: its timeout counts late responses instead of cancelling them, 2 s without -T as wrk's default (wg/wrk src/wrk.c)", () => {
    const { scenario } = scenarioForRun(raw, tool('wrk/timeouts-c8-d3s.txt'), [], 's.json');
    expect(scenario.client).toMatchObject({ timeout: 2, timeoutMode: 'count' });
    // Its command line (COMMANDS.md) gave --timeout 1s.
    const text = `$ wrk -t2 -c8 -d3s --timeout 1s --latency http://127.0.0.1:8077/slow\n${readFileSync('test/fixtures/wrk/timeouts-c8-d3s.txt', 'utf8')}`;
    expect(scenarioForRun(raw, readMeasuredRun(text, 'w.txt'), [], 's.json').scenario.client).toMatchObject({
      timeout: 1,
      timeoutMode: 'count',
    });
    // A --set still wins.
    expect(scenarioForRun(raw, tool('wrk/c10-d3s.txt'), ['client.timeout=0'], 's.json').scenario.client.timeout).toBe(0);
  });

  it('wrk2: no timeout, as wrk2 cancels nothing and records every latency, whatever its -T', () => {
    const text = readFileSync('test/fixtures/wrk2/r200-c10-d30s.txt', 'utf8').replace(
      /^\$ wrk .*/,
      '$ wrk -t2 -c10 -d30s -R200 -T 1s http://127.0.0.1:8000/',
    );
    expect(scenarioForRun(raw, readMeasuredRun(text, 'w2.txt'), [], 's.json').scenario.client).toMatchObject({
      timeout: 0,
      timeoutMode: 'cancel',
    });
  });

  it("hey: its -t cancels, as hey's does", () => {
    expect(scenarioForRun(raw, run('patched-c10.r1.txt'), [], 's.json').scenario.client.timeoutMode).toBe('cancel');
  });

  it("wrk2: -R spread over the connections, on wrk2's schedule (latency from when each request was due)", () => {
    expect(scenarioForRun(raw, tool('wrk2/r200-c10-d30s.txt'), [], 's.json').scenario.client).toMatchObject({
      concurrency: 10,
      rate: 20,
      duration: 30,
      pacing: 'schedule',
    });
  });

  it('siege -d: a think time, uniform up to it; -c and -r from the command line', () => {
    const text = `$ siege -c 5 -r 20 -d 2 http://127.0.0.1:8077/\n${readFileSync('test/fixtures/siege/c5-r20.txt', 'utf8')}`;
    const { scenario } = scenarioForRun(raw, readMeasuredRun(text, 's.txt'), [], 's.json');
    expect(scenario.client).toMatchObject({
      concurrency: 5,
      requests: 100,
      thinkTime: { dist: 'uniform', min: 0, max: 2 },
      keepAlive: false,
    });
  });

  it("a tool without think time drops the scenario's; locust keeps it (its wait_time is in the locustfile)", () => {
    const thinking = { ...structuredClone(raw), client: { ...raw.client, thinkTime: 1 } };
    expect(scenarioForRun(thinking, tool('wrk/c10-d3s.txt'), [], 's.json').scenario.client.thinkTime).toBeUndefined();
    expect(scenarioForRun(thinking, tool('locust/u10-t3s_stats.csv'), [], 's.json').scenario.client.thinkTime).toBe(1);
    expect(scenarioForRun(thinking, run('patched-c10.r1.txt'), [], 's.json').scenario.client.thinkTime).toBeUndefined();
  });

  it('ab: -n and -c, and a new connection per request without -k', () => {
    expect(scenarioForRun(raw, tool('ab/n200-c10.txt'), [], 's.json').scenario.client).toMatchObject({
      requests: 200,
      concurrency: 10,
      keepAlive: false,
      timeout: 30,
    });
    expect(scenarioForRun(raw, tool('ab/keepalive-n200-c10.txt'), [], 's.json').scenario.client.keepAlive).toBe(true);
  });

  it('vegeta: constant open-loop arrivals at its rate for its attack', () => {
    const { scenario } = scenarioForRun(raw, tool('vegeta/rate100-10s.json'), [], 's.json');
    expect(scenario.client.arrivals).toEqual({ process: 'constant', rate: 100.1 });
    expect(scenario.client.concurrency).toBeUndefined();
    expect(scenario.client.duration).toBe(9.99);
  });

  it('locust without its command line: every request counted, the users from the scenario', () => {
    const { scenario, from } = scenarioForRun(raw, tool('locust/u10-t3s_stats.csv'), [], 's.json');
    expect(scenario.client.requests).toBe(467);
    expect(scenario.client.concurrency).toBe(raw.client.concurrency);
    expect(from).toEqual({ requests: 'locust --csv output', concurrency: 'scenario' });
  });

  it('locust: the simulated users send every request locust counted, not the rounds of 10 hey would send', () => {
    // 467 requests by -u 10: hey's split (46 each) would send 460.
    const { scenario } = scenarioForRun(raw, tool('locust/u10-t3s_stats.csv'), ['client.concurrency=10'], 's.json');
    expect(scenario.client).toMatchObject({ requests: 467, concurrency: 10, remainder: 'sent' });
    expect(simulate(scenario).sent).toBe(467);
  });

  it('hey: the simulated workers send what hey sends, its remainder dropped whatever the scenario says', () => {
    const sent = structuredClone(raw);
    sent.client.remainder = 'sent';
    const r = run('patched-c10.r1.txt');
    r.command = { ...r.command!, requests: 25 };
    const { scenario } = scenarioForRun(sent, r, [], 's.json');
    expect(scenario.client.remainder).toBeUndefined();
    expect(simulate(scenario).sent).toBe(20);
  });

  it('--set still wins', () => {
    expect(scenarioForRun(raw, tool('wrk/c10-d3s.txt'), ['client.concurrency=4'], 's.json').scenario.client.concurrency).toBe(4);
  });
});

describe('compareRuns', () => {
  const [c] = compareRuns(raw, [run('patched-c125.r1.txt')], [], 'linux-2core.json');
  const byMetric = Object.fromEntries(c.rows.map((r) => [r.metric, r]));

  it("sets hey's figures beside the simulation of the same run", () => {
    const { scenario } = scenarioForRun(raw, run('patched-c125.r1.txt'), [], 'x');
    const simulated = summarize(simulate(scenario), 'x', 1);
    expect(byMetric['Requests/sec']).toEqual({
      metric: 'Requests/sec',
      kind: 'rate',
      measured: 75.2515,
      simulated: simulated.summary.requestsPerSec,
      relative: (simulated.summary.requestsPerSec - 75.2515) / 75.2515,
    });
    expect(byMetric.p50.measured).toBe(1.4918);
    expect(byMetric.p50.simulated).toBe(simulated.latency.p50);
  });

  it('compares status codes (both 100 x 204 and 25 x 500 here) and error counts', () => {
    expect(byMetric['[204]']).toMatchObject({ measured: 100, simulated: 100, relative: 0 });
    expect(byMetric['[500]']).toMatchObject({ measured: 25, simulated: 25, relative: 0 });
    expect(byMetric.errors).toMatchObject({ measured: 0, simulated: 0, relative: null });
  });

  it("matches error messages by text: the simulator words hey's timeout as hey does, for the run's URL", () => {
    // The scenario's handler (connect + 1 s query) always exceeds hey -t 1: 10 timeouts;
    // the measured handler timed out on every second request.
    const [r] = compareRuns(raw, [run('slow-timeouts-c1-n10.r1.txt')], [], 's.json');
    const messages = r.rows.filter((x) => x.metric.startsWith('error: '));
    expect(messages).toEqual([
      {
        metric: 'error: Get "http://127.0.0.1:8000/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
        kind: 'count',
        measured: 5,
        simulated: 10,
        relative: 1,
      },
    ]);
    expect(r.rows.find((x) => x.metric === '[200]')).toMatchObject({ measured: 5, simulated: 0, relative: -1 });
  });

  it("counts wrk's late responses among the errors, as wrk's Socket errors do, and among the responses", () => {
    // The fixture's wrk (-c8 -d3s, 12 timeouts) against a handler of 2.5 s: each of the 8
    // connections' two requests is answered after wrk's default 2 s, none cancelled.
    const slow = { ...structuredClone(raw), app: { steps: [{ kind: 'sleep', time: 2.5 }] } };
    delete slow.database;
    const [r] = compareRuns(slow, [readMeasuredRun(readFileSync('test/fixtures/wrk/timeouts-c8-d3s.txt', 'utf8'), 'w.txt')], [], 's.json');
    expect(r.client).toMatchObject({ timeout: 2, timeoutMode: 'count' });
    expect(r.rows.find((x) => x.metric === 'errors')).toMatchObject({ measured: 12, simulated: 16 });
    expect(r.rows.find((x) => x.metric === 'responses')).toMatchObject({ measured: 53, simulated: 16 });
  });

  it('has no relative difference against a zero or missing figure', () => {
    expect(relativeDifference(0, 5)).toBeNull();
    expect(relativeDifference(null, 5)).toBeNull();
    expect(relativeDifference(4, null)).toBeNull();
    expect(relativeDifference(4, 5)).toBe(0.25);
  });
});

// Access logs -> arrivals and weighted endpoints: on a real gunicorn log (%(L)s), the
// same log as %(D)s, and a hand-written nginx combined log with $request_time.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitAccessLog, logTimeBudget, parseAccessLog, route, scenarioFromAccessLog } from '../../../src/analysis/calibration/accessLog.js';
import { beyondBudget } from '../../../src/scenario/budgets.js';
import { validateScenario } from '../../../src/scenario/load.js';
import { UserError } from '../../../src/scenario/errors.js';

const GUNICORN = 'test/fixtures/access-logs/gunicorn-L.log';
const NGINX = 'test/fixtures/access-logs/nginx-combined.log';
const gunicornText = readFileSync(GUNICORN, 'utf8');
const base = JSON.parse(readFileSync('scenarios/gevent-100.json', 'utf8'));

/** The log's own counts per request line, by a plain regex. */
function countsOf(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/"(GET|POST) (\S+) HTTP/g)) out[`${m[1]} ${m[2]}`] = (out[`${m[1]} ${m[2]}`] ?? 0) + 1;
  return out;
}

describe("parseAccessLog on gunicorn's log with %(L)s", () => {
  const log = parseAccessLog(gunicornText, GUNICORN);

  it('reads every line, its route, status and time in seconds', () => {
    expect(log.entries).toHaveLength(gunicornText.trim().split('\n').length);
    expect(log.timeUnit).toBe('seconds');
    expect(log.entries[0]).toMatchObject({ method: 'GET', route: '/', status: 200, duration: 0.002596 });
  });

  it('reads %(D)s (microseconds) to the same times', () => {
    const asD = gunicornText.replace(/ (\d+)\.(\d{6})$/gm, (_, s: string, us: string) => ` ${Number(s) * 1e6 + Number(us)}`);
    const d = parseAccessLog(asD, 'd.log');
    expect(d.timeUnit).toBe('microseconds');
    for (const [i, e] of d.entries.entries()) expect(e.duration).toBeCloseTo(log.entries[i].duration, 9);
  });
});

describe('fitAccessLog and scenarioFromAccessLog: endpoints and rates match the log', () => {
  const log = parseAccessLog(gunicornText, GUNICORN);
  const fit = fitAccessLog(log);
  const scenario = scenarioFromAccessLog(base, fit, { empirical: false, source: GUNICORN });

  it("one endpoint per route, weighted by the log's requests", () => {
    const counts = countsOf(gunicornText);
    expect(Object.fromEntries(fit.endpoints.map((e) => [e.name, e.count]))).toEqual(counts);
    const endpoints = (scenario.app as { endpoints: { name: string; weight: number }[] }).endpoints;
    expect(Object.fromEntries(endpoints.map((e) => [e.name, e.weight]))).toEqual(counts);
  });

  it("each endpoint's lognormal has the log's median and p90, within 1 %", () => {
    for (const e of fit.endpoints) {
      expect(Math.abs(e.lognormal.median - e.median) / e.median, e.name).toBeLessThan(0.01);
      const p90 = e.lognormal.median * Math.exp(1.2815516 * e.lognormal.sigma);
      expect(Math.abs(p90 - e.p90) / e.p90, e.name).toBeLessThan(0.01);
    }
    const items = fit.endpoints.find((e) => e.name === 'GET /items')!;
    expect(items.median).toBeGreaterThan(0.01); // wsgi_mixed.py's /items sleeps 10 ms
  });

  it('arrival rates, step by step, add up to the requests of each second of the log', () => {
    expect(fit.arrivals.interval).toBe(1);
    expect(fit.arrivals.rates.reduce((a, b) => a + b, 0)).toBe(log.entries.length);
    const client = scenario.client as { requests: number; arrivals: { process: string; steps: { from: number; rate: number }[] } };
    expect(client.requests).toBe(log.entries.length);
    expect(client.arrivals.process).toBe('poisson');
    expect(client.arrivals.steps.map((s) => s.from)).toEqual(client.arrivals.steps.map((_, i) => i));
  });

  it("keeps the base scenario's server and database, and validates", () => {
    const valid = validateScenario(structuredClone(scenario), 'fitted');
    expect(valid.server).toEqual(validateScenario(structuredClone(base), 'base').server);
    expect(valid.app.steps).toBeUndefined();
    expect(valid.client.concurrency).toBeUndefined();
  });

  it("drops what was fitted to the base's steps, which are gone, and keeps the rest of what was fitted", () => {
    expect(Object.keys(base.fitted as object)).toContain('app.steps.0.cpu');
    expect(Object.keys(scenario.fitted as object)).toEqual(Object.keys(base.fitted as object).filter((p) => !p.startsWith('app.')));
  });

  it("--empirical: the log's quantiles instead", () => {
    const empirical = scenarioFromAccessLog(base, fit, { empirical: true, source: GUNICORN });
    const time = (empirical.app as { endpoints: { steps: { time: { dist: string; values: number[] } }[] }[] }).endpoints[0].steps[0].time;
    expect(time.dist).toBe('choice');
    expect(time.values).toHaveLength(100);
  });
});

describe("nginx's combined log with $request_time", () => {
  const text = readFileSync(NGINX, 'utf8');
  const log = parseAccessLog(text, NGINX);
  const fit = fitAccessLog(log);

  it('merges ids and drops query strings in the routes', () => {
    expect(fit.endpoints.map((e) => e.name).sort()).toEqual(['GET /api/users/:id', 'GET /health', 'POST /api/orders']);
    expect(fit.endpoints.find((e) => e.name === 'POST /api/orders')!.status).toBe(201);
  });

  it('reads the time zone: 07:00:00 +0100 is 06:00:00 UTC', () => {
    const first = log.entries[0];
    expect(first.arrival + first.duration - 0.5).toBe(Date.UTC(2026, 11, 2, 6, 0, 0) / 1000);
  });

  it("finds the log's rates: 3 a second, then 6", () => {
    expect(fit.arrivals.rates).toEqual([3, 3, 3, 3, 3, 3, 6, 6, 6, 6, 6, 6]);
  });

  it("writes an endpoint status other than the app's", () => {
    const scenario = scenarioFromAccessLog(base, fit, { empirical: false, source: NGINX });
    const orders = (scenario.app as { endpoints: { name: string; status?: number }[] }).endpoints.find(
      (e) => e.name === 'POST /api/orders',
    )!;
    expect(orders.status).toBe(201);
  });
});

describe('route', () => {
  it.each([
    ['/users/123?x=1', '/users/:id'],
    ['/a/550e8400-e29b-41d4-a716-446655440000/b', '/a/:id/b'],
    ['http://example.com/x?y', '/x'],
    ['/?q=1', '/'],
  ])('%s -> %s', (target, expected) => expect(route(target)).toBe(expected));
});

describe('parseAccessLog refuses what it cannot read, naming the line', () => {
  it.each([
    [
      '127.0.0.1 - - [02/Dec/2026:06:37:50 +0000] "GET / HTTP/1.1" 200 3 "-" "curl/7.88.1"\n',
      /^x\.log:1: no request time at the end of the line: expected gunicorn's --access-logformat to end in %\(L\)s/,
    ],
    ['hello world\n', /^x\.log:1: expected an access log line such as/],
    [
      '127.0.0.1 - - [02/Dec/2026:06:37:50 +0000] "GET / HTTP/1.1" 200 3 "-" "a" 0.5\n127.0.0.1 - - [02/Dec/2026:06:37:50 +0000] "GET / HTTP/1.1" 200 3 "-" "a" 500\n',
      /^x\.log:2: a request time in microseconds \(500\) among times in seconds/,
    ],
    ['', /^x\.log: no access log lines/],
  ])('%j', (text, message) => {
    expect(() => parseAccessLog(text, 'x.log')).toThrow(message);
  });

  it('refuses a huge line by its length, before matching it (slowly) against the formats', () => {
    const huge = `127.0.0.1 - ${'a '.repeat(100_000)}\n`;
    expect(() => parseAccessLog(huge, 'x.log')).toThrow(
      /^x\.log:1: a line of 200012 characters: expected an access log line \(at most 65536\)$/,
    );
  });

  it('refuses a log spanning more than 31 days, naming its first and last requests (two lines 56 years apart took 3 GB)', () => {
    const line = (time: string, seconds: string) => `127.0.0.1 - - [${time} +0000] "GET / HTTP/1.1" 200 3 "-" "curl" ${seconds}\n`;
    const text = line('02/Dec/2026:06:37:49', '0.5') + line('01/Jan/1970:00:00:01', '0.5');
    expect(() => parseAccessLog(text, 'x.log')).toThrow(
      new UserError(
        'x.log: the requests span 20789.3 days, from line 2 (arriving 1970-01-01T00:00:01Z) to line 1 (2026-12-02T06:37:49Z): expected at most 31 days; cut the log to the period to fit (a quiet one)',
      ),
    );
    expect(parseAccessLog(line('01/Dec/2026:00:00:00', '0.5') + line('31/Dec/2026:23:59:59', '0.5'), 'x.log').entries).toHaveLength(2);
  });

  // Fresh-eyes audit: a request time of years put its arrival years back (refused by the
  // span, naming a date in 1995), and one of 1e20 s past any date: "internal error: Invalid
  // time value" (exit 1).
  it('refuses a request time longer than a log may span, naming its line', () => {
    const line = (seconds: string) => `127.0.0.1 - - [02/Dec/2026:06:37:49 +0000] "GET / HTTP/1.1" 200 3 "-" "curl" ${seconds}\n`;
    expect(() => parseAccessLog(line('0.5') + line('99999999.5'), 'x.log')).toThrow(
      new UserError('x.log:2: a request time of 99999999.5 seconds (1.16e+3 days): expected at most 31 days, as long as a log may span'),
    );
    expect(() => parseAccessLog(line('99999999999999999999.0'), 'x.log')).toThrow(
      /^x\.log:1: a request time of 99999999999999999999\.0 seconds/,
    );
    expect(() => parseAccessLog(line('99999999999999999999'), 'x.log')).toThrow(
      /^x\.log:1: a request time of 99999999999999999999 microseconds/,
    );
    expect(parseAccessLog(line('2678400.0'), 'x.log').entries[0].duration).toBe(31 * 86_400);
  });

  // Fresh-eyes audit: Date.UTC rolled [99/Dec/2026] over into March 2027, and the log was read.
  it.each(['99/Dec/2026:06:37:49', '00/Dec/2026:06:37:49', '29/Feb/2026:06:37:49', '02/Dec/2026:24:00:00', '02/Dec/2026:23:60:00'])(
    'refuses [%s +0000], a time no server wrote',
    (time) => {
      const text = `127.0.0.1 - - [${time} +0000] "GET / HTTP/1.1" 200 3 "-" "curl" 0.5\n`;
      expect(() => parseAccessLog(text, 'x.log')).toThrow(
        new UserError(`x.log:1: [${time} +0000] is not a time: expected a day of the month, hours 00-23, minutes and seconds 00-59`),
      );
    },
  );

  it('reads the 29th of February of a leap year', () => {
    const text = '127.0.0.1 - - [29/Feb/2028:23:59:59 +0000] "GET / HTTP/1.1" 200 3 "-" "curl" 0.5\n';
    expect(parseAccessLog(text, 'x.log').entries).toHaveLength(1);
  });

  it("skips gunicorn's error-log lines in the same stream", () => {
    const log = parseAccessLog(`[2026-12-02 06:37:49 +0000] [12] [INFO] Booting worker with pid: 12\n${gunicornText}`, 'x.log');
    expect(log.skipped).toBe(1);
  });

  it("skips nginx's 400s and 408s to bytes that were no request line (no application saw them), and refuses any other", () => {
    const line = (request: string, status: number) =>
      `203.0.113.9 - - [02/Dec/2026:06:37:50 +0000] "${request}" ${status} 157 "-" "-" 0.001\n`;
    // A TLS handshake on the plain port, as nginx escapes its bytes; a connection that sent nothing.
    const junk = line('\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03', 400) + line('', 400) + line('', 408);
    const log = parseAccessLog(junk + gunicornText, 'x.log');
    expect(log.skipped).toBe(3);
    expect(log.entries).toHaveLength(gunicornText.trim().split('\n').length);
    expect(() => parseAccessLog(line('\\x16\\x03\\x01', 200) + gunicornText, 'x.log')).toThrow(
      /^x\.log:1: expected a request such as "GET \/path HTTP\/1\.1", got /,
    );
  });
});

describe("a log longer than half an hour: the scenario carries a simulated-time budget for the log's span", () => {
  // A day of one request a minute (times in seconds since 00:00 UTC).
  const line = (t: number) => {
    const d = new Date(Date.UTC(2026, 11, 1) + t * 1000);
    const hms = d.toISOString().slice(11, 19);
    return `127.0.0.1 - - [01/Dec/2026:${hms} +0000] "GET / HTTP/1.1" 200 3 "-" "curl" 0.002\n`;
  };
  const day = Array.from({ length: 1440 }, (_, i) => line(i * 60)).join('');
  const fit = fitAccessLog(parseAccessLog(day, 'day.log'));

  it("twice the rate steps' span, beyond the default hour; none for a log of minutes", () => {
    expect(fit.arrivals.interval * fit.arrivals.rates.length).toBe(86_400);
    expect(logTimeBudget(fit)).toBe(172_800);
    expect(logTimeBudget(fitAccessLog(parseAccessLog(gunicornText, GUNICORN)))).toBeUndefined();
    // Half an hour of steps needs an hour: the default is enough; a second more is not.
    const steps = (interval: number) => ({ ...fit, arrivals: { ...fit.arrivals, interval, rates: [1] } });
    expect(logTimeBudget(steps(1800))).toBeUndefined();
    expect(logTimeBudget(steps(1801))).toBe(3602);
  });

  it('is written into limits, which then no longer refuses the Poisson arrivals (the default hour did)', () => {
    const scenario = scenarioFromAccessLog(base, fit, { empirical: false, source: 'day.log' });
    expect(scenario.limits).toEqual({ maxSimTime: 172_800 });
    expect(beyondBudget(validateScenario(structuredClone(scenario), 'fitted'))).toBeUndefined();
    const { limits: _, ...withDefault } = scenario;
    expect(beyondBudget(validateScenario(withDefault, 'fitted'))).toMatchObject({ budget: 'maxSimTime' });
  });

  it("keeps a budget the base gives, and the base's other limits", () => {
    const given = scenarioFromAccessLog({ ...base, limits: { maxSimTime: '2h' } }, fit, { empirical: false, source: 'day.log' });
    expect(given.limits).toEqual({ maxSimTime: '2h' });
    const events = scenarioFromAccessLog({ ...base, limits: { maxEvents: 5e6 } }, fit, { empirical: false, source: 'day.log' });
    expect(events.limits).toEqual({ maxEvents: 5e6, maxSimTime: 172_800 });
  });
});

// Input hunt: said "the log has 20001 routes; a scenario takes at most 10000 endpoints",
// without the file or what to do.
describe('a log of more routes than a scenario takes endpoints', () => {
  it('is refused naming the file, the bound and what to keep', () => {
    const lines = Array.from(
      { length: 10_001 },
      (_, i) => `127.0.0.1 - - [01/Dec/2026:00:00:00 +0000] "GET /p${i} HTTP/1.1" 200 3 "-" "curl" 0.002\n`,
    );
    expect(() => fitAccessLog(parseAccessLog(lines.join(''), 'routes.log'), undefined, 'routes.log')).toThrow(
      'routes.log: 10001 routes (method and path, numeric and hex ids merged as :id): expected at most 10000',
    );
  });
});

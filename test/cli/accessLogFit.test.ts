// sim fit --access-log: the log's load written as a scenario that runs like the log.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sim } from '../sim.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-access-'));
const LOG = 'test/fixtures/access-logs/gunicorn-L.log';
const lines = readFileSync(LOG, 'utf8').trim().split('\n');

describe('sim fit scenarios/gevent-100.json --access-log gunicorn-L.log --out FILE', async () => {
  const out = join(dir, 'fitted.json');
  const fit = await sim('fit', 'scenarios/gevent-100.json', '--access-log', LOG, '--out', out);

  it('prints the arrivals, the burstiness and the endpoints, and writes the scenario', () => {
    expect(fit.code).toBe(0);
    expect(fit.out).toContain(`${LOG}: ${lines.length} requests over`);
    expect(fit.out).toMatch(/burstiness: [\d.]+ \(variance \/ mean of the arrivals per second/);
    expect(fit.out).toMatch(/GET \/items\s+\d+\s+[\d.]+ %/);
    expect(fit.out).toContain(`Wrote the scenario to ${out}`);
  });

  it("the scenario runs the log's requests at the log's rate, over the endpoints the log has", async () => {
    const run = await sim('run', out, '--json');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.out).summary;
    expect(summary.requests).toBe(lines.length);
    const first = /:(\d{2}):(\d{2}):(\d{2}) [+-]/;
    const seconds = (l: string) => {
      const m = first.exec(l)!;
      return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
    };
    const span = seconds(lines.at(-1)!) - seconds(lines[1]) + 1;
    // Open-loop arrivals at the log's per-second rates: the run lasts about as long as the log.
    expect(summary.total).toBeGreaterThan(span * 0.7);
    expect(summary.total).toBeLessThan(span * 1.3);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    expect(written.app.endpoints.map((e: { name: string }) => e.name).sort()).toEqual(['GET /', 'GET /items']);
  });

  it('--json gives the fit', async () => {
    const { code, out: json } = await sim('fit', 'scenarios/gevent-100.json', '--access-log', LOG, '--json');
    expect(code).toBe(0);
    const parsed = JSON.parse(json);
    expect(parsed.arrivals.requests).toBe(lines.length);
    expect(parsed.endpoints.map((e: { count: number }) => e.count).reduce((a: number, b: number) => a + b, 0)).toBe(lines.length);
    expect(parsed.out).toBeNull();
  });
});

describe('sim fit --access-log: bad input exits 2 with one line', () => {
  it.each([
    [
      ['fit', 'scenarios/gevent-100.json', '--access-log', 'test/fixtures/wrk/c10-d3s.txt'],
      /c10-d3s\.txt:1: expected an access log line such as/,
    ],
    [
      ['fit', 'scenarios/gevent-100.json', 'test/fixtures/wrk/c10-d3s.txt', '--access-log', LOG],
      /--access-log: fits a load, not costs: give it without load testers' outputs/,
    ],
    [
      ['fit', 'scenarios/gevent-100.json', '--access-log', LOG, '--interval', '0.5'],
      /--interval 0\.5: expected the seconds of each rate step, from 1 /,
    ],
    [['fit', 'scenarios/gevent-100.json', '--access-log', join(dir, 'none.log')], /none\.log: cannot read the access log: no such file/],
    [['fit', 'scenarios/gevent-100.json'], /expected the files to work on: sim fit <scenario\.json> <hey-output\.txt\.\.\.> --free FIELDS/],
  ])('%j', async (argv, message) => {
    const { code, err, out } = await sim(...argv);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).not.toMatch(/\n\s+at /);
    expect(out).toBe('');
  });
});

describe('sim fit --access-log --interval', () => {
  it.each(['1e20', '86401', '0.5', 'abc'])(
    '%s: refused, with the range of a step (1e20 made every rate 0, refused at client.arrivals.rate)',
    async (interval) => {
      const r = await sim('fit', 'scenarios/gevent-100.json', '--access-log', LOG, '--interval', interval);
      expect(r.err).toBe(
        `sim: --interval ${interval}: expected the seconds of each rate step, from 1 (the log's resolution) to 86400 (a day), e.g. --interval 10s\n`,
      );
      expect(r.code).toBe(2);
    },
  );

  it('86400 (a day): one step', async () => {
    const r = await sim('fit', 'scenarios/gevent-100.json', '--access-log', LOG, '--interval', '86400', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).arrivals.rates).toHaveLength(1);
  });
});

describe("sim fit --access-log on a day's log: the scenario carries the budget of the log's span", async () => {
  // One request a minute from 00:00 to 23:59 UTC: a day, deterministic.
  const line = (day: number, t: number) =>
    `10.0.0.1 - - [${String(day).padStart(2, '0')}/Dec/2026:${new Date(t * 1000).toISOString().slice(11, 19)} +0000] "GET /items/${t % 7} HTTP/1.1" 200 3 "-" "curl" 0.00${1 + (t % 5)}\n`;
  const DAY = join(dir, 'day.log');
  writeFileSync(DAY, Array.from({ length: 1440 }, (_, i) => line(1, i * 60)).join(''));
  const out = join(dir, 'day.json');
  const fit = await sim('fit', 'scenarios/gevent-100.json', '--access-log', DAY, '--out', out);

  it('says so, and writes limits.maxSimTime: twice the 86400 s of the rate steps', () => {
    expect(fit.err).toBe('');
    expect(fit.code).toBe(0);
    expect(fit.out).toContain(`${DAY}: 1440 requests over 86340.0 s`);
    expect(fit.out).toContain(
      '  budget: limits.maxSimTime = 172800 s, twice the 86400 s of the rate steps (the default hour is shorter than the log)\n',
    );
    expect(JSON.parse(readFileSync(out, 'utf8')).limits).toEqual({ maxSimTime: 172_800 });
  });

  it("sim run runs the day whole, without --max-sim-time (the default hour refused it: 1440 Poisson arrivals at the log's rates)", async () => {
    const run = await sim('run', out, '--json');
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.out);
    expect(result.simulation.complete).toBe(true);
    expect(result.summary.requests).toBe(1440);
    expect(result.summary.total).toBeGreaterThan(86_400 * 0.9);
    const hour = await sim('run', out, '--max-sim-time', '1h');
    expect(hour.code).toBe(2);
    expect(hour.err).toMatch(
      /^sim: --max-sim-time 1h: at limits\.maxSimTime: the run could not finish within its simulated-time budget of 3600 s: client\.requests = 1440 Poisson arrivals/,
    );
  });

  it('--json gives the budget; a short log needs none (null, no limits written)', async () => {
    expect(JSON.parse((await sim('fit', 'scenarios/gevent-100.json', '--access-log', DAY, '--json')).out).maxSimTime).toBe(172_800);
    const short = join(dir, 'short.json');
    const r = await sim('fit', 'scenarios/gevent-100.json', '--access-log', LOG, '--json', '--out', short);
    expect(JSON.parse(r.out).maxSimTime).toBeNull();
    expect(r.out).not.toContain('budget:');
    expect(JSON.parse(readFileSync(short, 'utf8')).limits).toBeUndefined();
  });

  it("keeps a budget the user gives: a --set, or the base scenario's", async () => {
    const set = join(dir, 'day-set.json');
    const r = await sim('fit', 'scenarios/gevent-100.json', '--access-log', DAY, '--set', 'limits.maxSimTime=48h', '--out', set);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('budget:');
    expect(JSON.parse(readFileSync(set, 'utf8')).limits).toEqual({ maxSimTime: '48h' });
    const base = join(dir, 'base-with-limits.json');
    writeFileSync(
      base,
      JSON.stringify({ ...JSON.parse(readFileSync('scenarios/gevent-100.json', 'utf8')), limits: { maxSimTime: '30h' } }),
    );
    const b = await sim('fit', base, '--access-log', DAY, '--json');
    expect(b.code).toBe(0);
    expect(JSON.parse(b.out).maxSimTime).toBeNull();
  });

  it('a log of weeks beyond the 31 days: refused, exit 2, naming its first and last lines, nothing written', async () => {
    const long = join(dir, 'long.log');
    // 00:00 on December 1st, then 00:01 on January 2nd: 32 days.
    writeFileSync(long, line(1, 0) + line(31, 0).replace('31/Dec/2026:00:00:00', '02/Jan/2027:00:01:00'));
    const written = join(dir, 'long.json');
    const r = await sim('fit', 'scenarios/gevent-100.json', '--access-log', long, '--out', written);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `sim: ${long}: the requests span 32.0 days, from line 1 (arriving 2026-12-01T00:00:00Z) to line 2 (2027-01-02T00:01:00Z): expected at most 31 days; cut the log to the period to fit (a quiet one)\n`,
    );
    expect(r.out).toBe('');
    expect(existsSync(written)).toBe(false);
  });
});

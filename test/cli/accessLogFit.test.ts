// sim fit --access-log: the log's load written as a scenario that runs like the log.
import { mkdtempSync, readFileSync } from 'node:fs';
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

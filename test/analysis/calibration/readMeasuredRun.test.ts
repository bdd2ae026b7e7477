// Every load tester's output sim reads: recognised from the content, read into hey's
// figures, on real outputs (wrk, ab, siege, locust, hey -o csv: calibration/
// loadtesters.sh) and on files written from the documented formats (wrk2, k6, vegeta,
// autocannon: each folder's README says so).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../../src/analysis/calibration/measuredRun.js';
import { readMeasuredRun } from '../../../src/analysis/calibration/readMeasuredRun.js';
import { UserError } from '../../../src/scenario/errors.js';

const read = (path: string) => readMeasuredRun(readFileSync(`test/fixtures/${path}`, 'utf8'), path);
const text = (path: string) => readFileSync(`test/fixtures/${path}`, 'utf8');

describe('readMeasuredRun recognises each format from the content', () => {
  it.each([
    ['hey/patched-c10.r1.txt', undefined],
    ['hey-csv/n200-c10.csv', 'hey-csv'],
    ['wrk/c10-d3s.txt', 'wrk'],
    ['wrk/latency-c10-d3s.txt', 'wrk'],
    ['wrk2/r200-c10-d30s.txt', 'wrk2'],
    ['wrk2/latency-r200-c10-d30s.txt', 'wrk2'],
    ['ab/n200-c10.txt', 'ab'],
    ['siege/c5-r20.txt', 'siege'],
    ['siege/text-c5-r20.txt', 'siege'],
    ['locust/u10-t3s_stats.csv', 'locust-csv'],
    ['locust/u10-t3s.json', 'locust-json'],
    ['k6/summary-export.json', 'k6-json'],
    ['k6/handle-summary.json', 'k6-json'],
    ['k6/summary.txt', 'k6-text'],
    ['vegeta/rate100-10s.txt', 'vegeta-text'],
    ['vegeta/rate100-10s.json', 'vegeta-json'],
    ['autocannon/c10-d3.json', 'autocannon'],
  ])('%s is %s', (path, tool) => {
    expect(read(path).tool).toBe(tool);
  });

  it('rejects an unknown format with exit code 2 and the list of formats', () => {
    const attempt = () => readMeasuredRun('Benchmark results\n  fast: yes\n', 'x.txt');
    expect(attempt).toThrow(UserError);
    expect(attempt).toThrow(
      /^x\.txt: not an output of a load tester sim knows; sim reads these formats: hey's text report; hey -o csv; wrk/,
    );
    for (const name of Object.values(FORMATS)) expect(attempt).toThrow(name);
    try {
      attempt();
    } catch (e) {
      expect((e as UserError).exitCode).toBe(2);
    }
  });

  it('rejects JSON of another program, naming what it looked for', () => {
    expect(() => readMeasuredRun('{"hello": 1}', 'x.json')).toThrow(
      /x\.json: JSON of no known load tester \(expected locust's list of stats, k6's "metrics"/,
    );
  });

  it('rejects an empty file', () => {
    expect(() => readMeasuredRun('\n\n', 'e.txt')).toThrow(/^e\.txt: empty file/);
  });
});

describe('wrk: its responses, with non-2xx/3xx and socket errors apart', () => {
  it('reads Requests/sec, the run time, latency average and max, and the non-2xx count', () => {
    const r = read('wrk/c10-d3s.txt');
    expect(r.report.summary).toMatchObject({ total: 3, requestsPerSec: 1342.97, average: 0.00764, slowest: 0.04614, fastest: null });
    expect(r.report.responses).toBe(4034);
    expect(r.report.statusCodes).toEqual({ '2xx/3xx': 3631, 'non-2xx/3xx': 403 });
    expect(r.statusGroups).toEqual(['2xx/3xx', 'non-2xx/3xx']);
    expect(r.client).toEqual({ concurrency: 10, duration: 3, keepAlive: true, url: 'http://127.0.0.1:8077/' });
  });

  it('reads --latency percentiles (50, 75, 90, 99) in seconds', () => {
    expect(read('wrk/latency-c10-d3s.txt').report.latency).toEqual({
      p10: null,
      p25: null,
      p50: 0.023,
      p75: 0.02712,
      p90: 0.03356,
      p95: null,
      p99: 0.06512,
    });
  });

  it('counts socket errors (here timeouts) as errors, apart from the responses', () => {
    const r = read('wrk/timeouts-c8-d3s.txt');
    expect(r.report.errors).toEqual({ 'wrk socket errors: timeout': 12 });
    expect(r.report.errorCount).toBe(12);
    expect(r.report.responses).toBe(53);
    expect(r.errorCounting).toBe('total');
  });

  it('wrk2: the HdrHistogram percentiles, and -R from the command line', () => {
    const r = read('wrk2/latency-r200-c10-d30s.txt');
    expect(r.report.latency).toMatchObject({ p50: 0.00411, p75: 0.00502, p90: 0.00601, p99: 0.00937 });
    expect(r.report.responses).toBe(5997);
    expect(r.client).toMatchObject({ concurrency: 10, duration: 30, targetRate: 200 });
    expect(r.commandText).toBe('wrk -t2 -c10 -d30s -R200 --latency http://127.0.0.1:8000/');
  });

  it("wrk's timeout from the command line, as -T (its -t is the threads) or --timeout", () => {
    for (const flag of ['-T5s', '-T 5s', '--timeout 5s']) {
      const withCommand = `$ wrk -t2 -c10 -d3s ${flag} http://127.0.0.1:8077/\n${text('wrk/c10-d3s.txt')}`;
      expect(readMeasuredRun(withCommand, 'w.txt').client).toMatchObject({ concurrency: 10, duration: 3, timeout: 5 });
    }
  });

  it('names the line that does not read', () => {
    const bad = text('wrk/c10-d3s.txt').replace('Requests/sec:   1342.97', 'Requests/sec:   lots');
    expect(() => readMeasuredRun(bad, 'w.txt')).toThrow(
      /^w\.txt:8: expected a line such as "Requests\/sec: {3}1681\.98", got "Requests\/sec: {3}lots"$/,
    );
  });

  it('says what is missing from a cut report, and where it ends', () => {
    const cut = text('wrk/c10-d3s.txt').split('\n').slice(0, 6).join('\n');
    expect(() => readMeasuredRun(cut, 'w.txt')).toThrow(
      /^w\.txt:6: wrk's report ends here without a line such as "Requests\/sec: {3}1681\.98": the output was cut short/,
    );
    const afterLatency = text('wrk/c10-d3s.txt').split('\n').slice(0, 4).join('\n');
    expect(() => readMeasuredRun(afterLatency, 'w.txt')).toThrow(
      /^w\.txt:4: wrk's report ends here without a line such as "5063 requests in/,
    );
  });

  it('refuses a report cut in its Requests/sec figure, or before the Transfer/sec line that follows it', () => {
    const lines = text('wrk/c10-d3s.txt').split('\n');
    const message =
      /^w\.txt:8: wrk's report ends here, without the "Transfer\/sec:" line wrk prints after "Requests\/sec:": the output was cut short$/;
    expect(() => readMeasuredRun(`${lines.slice(0, 8).join('\n')}\n`, 'w.txt')).toThrow(message);
    expect(() =>
      readMeasuredRun(
        lines
          .slice(0, 8)
          .join('\n')
          .replace(/1342\.97$/, '1342'),
        'w.txt',
      ),
    ).toThrow(message);
  });
});

describe('ab: Failed requests include length mismatches, which stay responses', () => {
  it('reads the 500s (Length failures) as non-2xx responses, not errors', () => {
    const r = read('ab/n200-c10.txt');
    expect(r.report.responses).toBe(200);
    expect(r.report.statusCodes).toEqual({ '2xx': 179, 'non-2xx': 21 });
    expect(r.report.errorCount).toBe(0);
    expect(r.report.summary).toMatchObject({ total: 0.111, requestsPerSec: 1795.4, fastest: 0.003, average: 0.005, slowest: 0.01 });
    expect(r.report.latency).toMatchObject({ p50: 0.005, p75: 0.006, p90: 0.007, p95: 0.008, p99: 0.009 });
  });

  it('refuses a report cut before its Connection Times, within them, or within the percentage table', () => {
    const lines = text('ab/n200-c10.txt').split('\n');
    const cut = (n: number) => () => readMeasuredRun(`${lines.slice(0, n).join('\n')}\n`, 'a.txt');
    expect(cut(26)).toThrow(
      /^a\.txt:26: ab's report ends here, without the "Connection Times \(ms\)" table ab prints when a request completed: the output was cut short$/,
    );
    expect(cut(31)).toThrow(/^a\.txt:31: ab's report ends here without a line such as "Total: {10}3 {4}6 {3}2\.1/);
    expect(cut(40)).toThrow(
      /^a\.txt:40: ab's report ends here, without the row " 100% {2}\.\.\. \(longest request\)" that ends ab's percentage table/,
    );
    expect(() => readMeasuredRun(`${lines.slice(0, 34).join('\n')}\nPercentage of the req\n`, 'a.txt')).toThrow(
      /^a\.txt:35: expected "Percentage of the requests served within a certain time \(ms\)" and its rows \(the output was cut short here\)/,
    );
  });

  it('states -n, -c and no keep-alive (HTTP/1.0) unless the output shows -k', () => {
    expect(read('ab/n200-c10.txt').client).toMatchObject({ concurrency: 10, requests: 200, keepAlive: false });
    expect(read('ab/keepalive-n200-c10.txt').client).toMatchObject({ keepAlive: true });
  });
});

describe('siege: transactions below 400, the rest failed together with the errors', () => {
  it('reads the JSON summary (Debian siege 4.0.7) and the text one', () => {
    const json = read('siege/c5-r20.txt');
    expect(json.report.summary).toMatchObject({ total: 0.1, requestsPerSec: 900, slowest: 0.01 });
    expect(json.report.statusCodes).toEqual({ '2xx/3xx': 90, failed: 10 });
    expect(json.errorCounting).toBe('in-status');
    const textual = read('siege/text-c5-r20.txt');
    expect(textual.report.statusCodes).toEqual({ '2xx/3xx': 91, failed: 9 });
    expect(textual.client).toMatchObject({ concurrency: 5, keepAlive: false });
  });

  it('refuses a summary cut in its last figure, or before the brace that closes the JSON', () => {
    const json = text('siege/c5-r20.txt');
    expect(() => readMeasuredRun(json.replace(/\n\}\n$/, '\n'), 's.txt')).toThrow(
      /^s\.txt:12: siege's summary ends here, without the "\}" that closes siege's JSON summary: the output was cut short$/,
    );
    expect(() => readMeasuredRun(json.replace(/0\.00\n\}\n$/, '0.0'), 's.txt')).toThrow(
      /^s\.txt:12: expected Shortest transaction with two decimals as siege prints it \(the output was cut short here, or edited\)/,
    );
    const textual = text('siege/text-c5-r20.txt').replace(/0\.00\n \n$/, '0.0');
    expect(() => readMeasuredRun(textual, 's.txt')).toThrow(/^s\.txt:15: expected Shortest transaction with two decimals/);
  });
});

describe('locust: the Aggregated figures; failures are statuses >= 400 and errors', () => {
  it('reads the --csv stats file', () => {
    const r = read('locust/u10-t3s_stats.csv');
    expect(r.report.responses).toBe(467);
    expect(r.report.statusCodes).toEqual({ '2xx/3xx': 433, failed: 34 });
    expect(r.report.summary.requestsPerSec).toBeCloseTo(233.0167, 4);
    expect(r.report.latency).toMatchObject({ p50: 0.011, p75: 0.016, p90: 0.021, p95: 0.026, p99: 0.035 });
  });

  it('refuses a percentile that is not a number, as its other columns (an edited file)', () => {
    // Its Aggregated line's "50%" read as NaN, and sim compare printed "p50 NaN".
    const lines = text('locust/u10-t3s_stats.csv').split('\n');
    const header = lines[0].split(',');
    const at = lines.findIndex((l) => l.startsWith('Aggregated,') || l.startsWith(',Aggregated,') || l.includes(',Aggregated,'));
    const cells = lines[at].split(',');
    cells[header.indexOf('50%')] = 'abc';
    lines[at] = cells.join(',');
    expect(() => readMeasuredRun(lines.join('\n'), 'l.csv')).toThrow(
      new RegExp(`^l\\.csv:${at + 1}: .*expected a number in the "50%" column`),
    );
  });

  it('reads --json, with percentiles from its histogram as locust computes them', () => {
    const r = read('locust/u10-t3s.json');
    expect(r.report.responses).toBe(636);
    expect(r.report.statusCodes).toEqual({ '2xx/3xx': 589, failed: 47 });
    expect(r.report.latency.p50).toBe(0.01);
  });

  it('refuses a --json histogram keyed by anything but milliseconds (an edited file)', () => {
    // Its key "abc" was counted as NaN milliseconds, in the percentiles' histogram.
    const value = JSON.parse(text('locust/u10-t3s.json'));
    value[0].response_times.abc = 3;
    expect(() => readMeasuredRun(JSON.stringify(value), 'l.json')).toThrow(
      /^l\.json: \[0\]\.response_times: expected milliseconds as its keys, got "abc"/,
    );
  });

  it('takes the users from a "$ locust -u N" line', () => {
    const withCommand = `$ locust --headless -u 10 -r 10 -t 3s --csv x\n${text('locust/u10-t3s_stats.csv')}`;
    expect(readMeasuredRun(withCommand, 'l.csv').client).toMatchObject({ concurrency: 10, duration: 3 });
  });

  it('refuses a command line of another tool', () => {
    expect(() => readMeasuredRun(`$ wrk -c 10 http://x\n${text('locust/u10-t3s_stats.csv')}`, 'l.csv')).toThrow(
      /^l\.csv:1: the command runs "wrk" but the output is locust --csv/,
    );
  });
});

describe('k6: http_reqs, http_req_failed and http_req_duration', () => {
  it.each(['k6/summary-export.json', 'k6/handle-summary.json', 'k6/summary.txt'])('%s: 1000 requests, 100 failed, 10 VUs', (path) => {
    const r = read(path);
    expect(r.report.responses).toBe(1000);
    expect(r.report.statusCodes).toEqual({ '2xx/3xx': 900, failed: 100 });
    expect(r.report.latency.p90).toBeCloseTo(0.00902, 4);
    expect(r.client?.concurrency).toBe(10);
  });

  it('a constant-arrival-rate scenario is an open loop at its rate', () => {
    expect(read('k6/arrival-rate.txt').client).toMatchObject({ openLoop: true, targetRate: 50, duration: 10 });
  });
});

describe('vegeta: an open loop; status 0 is a request without a response', () => {
  it.each(['vegeta/rate100-10s.txt', 'vegeta/rate100-10s.json'])('%s', (path) => {
    const r = read(path);
    expect(r.report.statusCodes).toEqual({ '200': 895, '500': 100 });
    expect(r.report.errorCount).toBe(5);
    expect(r.report.responses).toBe(995);
    expect(r.report.latency).toMatchObject({ p50: 0.005212, p90: 0.009015, p95: 0.011407, p99: 0.020118 });
    expect(r.client).toMatchObject({ openLoop: true, targetRate: 100.1, duration: 9.99 });
  });

  it('refuses a report cut before its "Error Set:" line', () => {
    const cut = text('vegeta/rate100-10s.txt').split('\n').slice(0, 7).join('\n');
    expect(() => readMeasuredRun(cut, 'v.txt')).toThrow(/^v\.txt:7: vegeta's report ends here without a line such as "Error Set:"/);
  });

  it('refuses status codes that do not add up to the requests', () => {
    const edited = text('vegeta/rate100-10s.txt').replace('500:100', '500:90');
    expect(() => readMeasuredRun(edited, 'v.txt')).toThrow(/status codes add up to 990, expected its 1000 requests/);
  });
});

describe('autocannon --json', () => {
  it('reads exact status codes, timeouts as errors, and its connections and duration', () => {
    const r = read('autocannon/c10-d3.json');
    expect(r.report.statusCodes).toEqual({ '200': 2700, '500': 300 });
    expect(r.report.errors).toEqual({ 'autocannon: timeouts': 2 });
    expect(r.report.latency).toMatchObject({ p10: 0.006, p50: 0.009, p99: 0.022 });
    expect(r.client).toMatchObject({ concurrency: 10, duration: 3.02 });
  });

  it('names the JSON path of a wrong value', () => {
    const bad = JSON.parse(text('autocannon/c10-d3.json'));
    bad.latency.p50 = 'fast';
    expect(() => readMeasuredRun(JSON.stringify(bad), 'a.json')).toThrow(
      /^a\.json: latency\.p50: expected a number >= 0, got "\\"fast\\""$/,
    );
  });

  it('says "nothing" of a figure left out (it was "undefined", as if the output held that word)', () => {
    const bad = JSON.parse(text('vegeta/rate100-10s.json'));
    delete bad.duration;
    expect(() => readMeasuredRun(JSON.stringify(bad), 'v.json')).toThrow(/^v\.json: duration: expected a number >= 0, got "nothing"$/);
    const partial = JSON.parse(text('vegeta/rate100-10s.json'));
    delete partial.requests;
    expect(() => readMeasuredRun(JSON.stringify(partial), 'v.json')).toThrow(
      /^v\.json: requests: expected a whole number >= 0, got "nothing"$/,
    );
  });
});

describe('hey -o csv: one line per response', () => {
  it("computes hey's figures from the lines (percentiles by hey's rule)", () => {
    const r = read('hey-csv/n200-c10.csv');
    expect(r.report.responses).toBe(200);
    expect(r.report.statusCodes).toEqual({ '200': 179, '500': 21 });
    expect(r.report.summary).toMatchObject({ fastest: 0.0024, slowest: 0.0093, total: 0.1128 });
    expect(r.report.latency).toMatchObject({ p50: 0.0044, p99: 0.0089 });
    expect(r.errorCounting).toBe('not-reported');
  });

  it('names a line that is not 8 numbers', () => {
    const lines = text('hey-csv/n200-c10.csv').split('\n');
    lines[2] = lines[2].replace(/^[\d.]+,/, 'x,');
    const bad = lines.join('\n');
    expect(() => readMeasuredRun(bad, 'h.csv')).toThrow(/^h\.csv:3: expected 8 numbers/);
  });

  it('refuses a file cut short inside a time: hey prints every time with four decimals', () => {
    // hey -o csv prints no total to check the lines against: a copy cut after "0.037" of
    // "0.0371" was read as a run of 79 responses.
    const lines = text('hey-csv/n200-c10.csv').split('\n');
    const cut = lines.slice(0, 80).join('\n').replace(/\d$/, '');
    expect(cut.endsWith(',200,0.037')).toBe(true);
    expect(() => readMeasuredRun(cut, 'h.csv')).toThrow(
      new UserError(
        'h.csv:80: column 8 is "0.037", expected a time with four decimals as hey prints it: the output was cut short here, or edited',
      ),
    );
  });
});

describe('an output cut short is refused, wherever it is cut', () => {
  /** The lines (1-based) after which the output, cut there, still reads. */
  function readableCuts(whole: string, source: string): number[] {
    const lines = whole.split('\n');
    const readable: number[] = [];
    for (let n = 1; n <= lines.length; n++) {
      try {
        readMeasuredRun(`${lines.slice(0, n).join('\n')}\n`, source);
        readable.push(n);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
      }
    }
    return readable;
  }
  const from = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, i) => first + i);
  /** hey's report as hey prints it, without the kit's command line (which would catch a cut by the count). */
  const heyStdout = (path: string) => text(path).split('\n').slice(1).join('\n');

  // Only the whole output reads, and where what is left is itself an output the tool
  // prints: before an optional part (hey's Error distribution, ab's percentage table,
  // which ab -d leaves out), or after the last figure (blank lines, vegeta's error
  // messages, siege's log-file notice).
  it.each([
    ['hey/patched-c10.r1.txt', from(41, 45)],
    ['hey/patched-c125.r1.txt', from(44, 48)],
    ['hey/actors-c1000.r1.txt', from(44, 48)],
    ['hey/sync4-c10-n20.r1.txt', from(41, 45)],
    ['hey/refused-c2-n10.r1.txt', from(25, 27)],
    // Cut before its Error distribution (43, 44), it read as 5 responses and no error: its
    // Requests/sec, 10 results over its Total, now tells it was cut.
    ['hey/slow-timeouts-c1-n10.r1.txt', from(46, 48)],
  ])("%s (hey's report alone)", (path, readable) => {
    expect(readableCuts(heyStdout(path), path)).toEqual(readable);
  });

  it.each([
    ['ab/n200-c10.txt', [33, 34, 44, 45]],
    ['ab/keepalive-n200-c10.txt', [34, 35, 45, 46]],
    ['wrk/c10-d3s.txt', [9, 10]],
    ['wrk/latency-c10-d3s.txt', [13, 14]],
    ['wrk/timeouts-c8-d3s.txt', [14, 15]],
    ['wrk2/r200-c10-d30s.txt', [12, 13]],
    ['wrk2/latency-r200-c10-d30s.txt', [34, 35]],
    ['siege/c5-r20.txt', [13, 14]],
    ['siege/c5-t3s.txt', from(13, 17)],
    ['siege/text-c5-r20.txt', from(15, 17)],
    ['vegeta/rate100-10s.txt', from(8, 11)],
  ])('%s', (path, readable) => {
    expect(readableCuts(text(path), path)).toEqual(readable);
  });
});

describe('figures no run can give are refused, whatever the format', () => {
  // Only hey's text was checked; autocannon's JSON with these was compared as it was.
  const autocannon = () => JSON.parse(text('autocannon/c10-d3.json'));
  const refused = (edit: (o: any) => void) => {
    const o = autocannon();
    edit(o);
    return () => readMeasuredRun(JSON.stringify(o), 'a.json');
  };

  it('a fastest response slower than the slowest', () => {
    expect(refused((o) => (o.latency.min = 1e308))).toThrow(
      new UserError(
        'a.json: the fastest response 1e+305 s slower than the slowest 0.047 s: expected the figures of one run (autocannon --json); the output was edited or broken',
      ),
    );
  });

  it('more responses than a number holds', () => {
    expect(refused((o) => (o.statusCodeStats['200'].count = 1e308))).toThrow(
      /^a\.json: 1e\+308 responses: expected the figures of one run/,
    );
  });

  it('a status code that is not an HTTP status', () => {
    // autocannon's statusCodeStats {"abc": ...} was compared as a status [abc], and vegeta's {"99999": ...} as [99999].
    expect(refused((o) => (o.statusCodeStats = { abc: { count: 3000 } }))).toThrow(
      new UserError(
        'a.json: the status code "abc", not one of HTTP\'s (100 to 599): expected the figures of one run (autocannon --json); the output was edited or broken',
      ),
    );
    const vegeta = JSON.parse(text('vegeta/rate100-10s.json'));
    vegeta.status_codes = { '99999': vegeta.requests };
    expect(() => readMeasuredRun(JSON.stringify(vegeta), 'v.json')).toThrow(/^v\.json: the status code "99999", not one of HTTP's/);
    // Status 0 is vegeta's own word for no response, counted among the errors.
    vegeta.status_codes = { '0': 1, '200': vegeta.requests - 1 };
    expect(readMeasuredRun(JSON.stringify(vegeta), 'v.json').report.statusCodes).toEqual({ '200': vegeta.requests - 1 });
  });

  it('a percentile beyond the slowest, or below the one before it', () => {
    expect(refused((o) => (o.latency.p99 = 1000))).toThrow(/^a\.json: p99 1 s outside the fastest 0\.002 s to the slowest 0\.047 s/);
    expect(refused((o) => (o.latency.p50 = o.latency.p25))).not.toThrow();
    expect(refused((o) => (o.latency.p90 = 2))).toThrow(/^a\.json: p90 0\.002 s below p75 0\.\d+ s/);
  });

  it('every real output of every format passes', () => {
    for (const folder of ['ab', 'autocannon', 'hey-csv', 'k6', 'locust', 'siege', 'vegeta', 'wrk', 'wrk2']) {
      for (const f of readdirSync(`test/fixtures/${folder}`).filter((f) => !/\.md$|_(exceptions|failures)\.csv$/.test(f))) {
        expect(() => read(`${folder}/${f}`), `${folder}/${f}`).not.toThrow();
      }
    }
  });
});

describe('recognising a format, blank lines or not', () => {
  // k6's and wrk's detectors once let the indent before "http_reqs" or "N threads" run over
  // line ends, from every line start of a run of blank lines to its end: a file's blank lines
  // cost their count squared. With this many, that pattern would not end within the run.
  const blank = '\n'.repeat(300_000);

  it.each([
    ['a file of blank lines', `notes\n${blank}`],
    ['a file of blank lines ending \\r\\n', `notes\r\n${'\r\n'.repeat(300_000)}`],
    ["wrk's first line and then blank lines", `Running 3s test @ http://127.0.0.1:8077/\n${blank}`],
  ])('refuses %s, as any output of no known tool', (_what, text) => {
    expect(() => readMeasuredRun(text, 'x.txt')).toThrow(/^x\.txt: not an output of a load tester sim knows/);
  });

  it("reads k6's summary with blank lines in it as without them", () => {
    const summary = text('k6/summary.txt');
    const spaced = summary.replace('\n\n', `\n${blank}`);
    expect(readMeasuredRun(spaced, 'k6/summary.txt')).toEqual(read('k6/summary.txt'));
  });
});

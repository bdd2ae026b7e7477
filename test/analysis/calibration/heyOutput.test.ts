// hey's text report read back exactly, on outputs that Debian's hey 0.1.4 printed on the
// calibration kit's runs (test/fixtures/hey, copies of calibration/results).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHeyOutput } from '../../../src/analysis/calibration/heyOutput.js';
import { parseHeyRun } from '../../../src/analysis/calibration/heyRun.js';

function fixture(name: string): string {
  return readFileSync(`test/fixtures/hey/${name}`, 'utf8');
}
/** The report alone, as hey prints it, without the kit's command line. */
function heyStdout(name: string): string {
  return fixture(name).split('\n').slice(1).join('\n');
}

describe('parseHeyOutput on real hey 0.1.4 outputs', () => {
  it('patched -c 10: every section, and the "0% in 0.0000 secs" lines of unreached percentiles', () => {
    expect(parseHeyOutput(heyStdout('patched-c10.r1.txt'), 'c10')).toEqual({
      summary: {
        total: 1.0529,
        slowest: 1.052,
        fastest: 1.0386,
        average: 1.0441,
        requestsPerSec: 9.4975,
        totalData: null,
        sizePerRequest: null,
      },
      distributionsLimitedTo: null,
      histogram: [
        { mark: 1.039, count: 1 },
        { mark: 1.04, count: 4 },
        { mark: 1.041, count: 0 },
        { mark: 1.043, count: 0 },
        { mark: 1.044, count: 0 },
        { mark: 1.045, count: 0 },
        { mark: 1.047, count: 0 },
        { mark: 1.048, count: 0 },
        { mark: 1.049, count: 4 },
        { mark: 1.051, count: 0 },
        { mark: 1.052, count: 1 },
      ],
      // With 10 responses hey's index rule (i * 100 / n >= p) never reaches 95 or 99.
      latency: { p10: 1.0386, p25: 1.039, p50: 1.0485, p75: 1.0492, p90: 1.052, p95: null, p99: null },
      details: {
        dnsDialup: [0.0004, 1.0386, 1.052],
        dnsLookup: [0, 0, 0],
        reqWrite: [0.0002, 0.0002, 0.0002],
        respWait: [1.043, 1.0349, 1.0516],
        respRead: [0.0005, 0, 0.0031],
      },
      statusCodes: { '204': 10 },
      errors: {},
      responses: 10,
      errorCount: 0,
    });
  });

  it('patched -c 125: two status codes, and Total data / Size/request (the 500 pages have a body)', () => {
    const r = parseHeyOutput(heyStdout('patched-c125.r1.txt'), 'c125');
    expect(r.summary).toEqual({
      total: 1.6611,
      slowest: 1.6568,
      fastest: 0.4477,
      average: 1.3385,
      requestsPerSec: 75.2515,
      totalData: 3525,
      sizePerRequest: 28,
    });
    expect(r.statusCodes).toEqual({ '204': 100, '500': 25 });
    expect(r.latency).toEqual({ p10: 0.4815, p25: 1.48, p50: 1.4918, p75: 1.6407, p90: 1.6541, p95: 1.6555, p99: 1.6568 });
    expect(r.histogram.map((b) => b.count)).toEqual([1, 24, 0, 0, 0, 0, 0, 0, 0, 56, 44]);
    expect(r.histogram.reduce((a, b) => a + b.count, 0)).toBe(125);
    expect(r.responses).toBe(125);
  });

  it('actors -c 1000: large counts', () => {
    const r = parseHeyOutput(heyStdout('actors-c1000.r1.txt'), 'actors');
    expect(r.summary.requestsPerSec).toBe(215.1793);
    expect(r.statusCodes).toEqual({ '204': 738, '500': 262 });
    expect(r.histogram.map((b) => b.count)).toEqual([1, 136, 236, 101, 118, 85, 21, 70, 73, 81, 78]);
    expect(r.details?.respWait).toEqual([1.8536, 0.1207, 4.5228]);
    expect(r.summary.totalData).toBe(36942);
  });

  it('timeouts: responses and an Error distribution in one report', () => {
    const r = parseHeyOutput(heyStdout('slow-timeouts-c1-n10.r1.txt'), 'slow');
    expect(r.statusCodes).toEqual({ '200': 5 });
    expect(r.errors).toEqual({
      'Get "http://127.0.0.1:8000/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)': 5,
    });
    expect(r.errorCount).toBe(5);
    expect(r.summary).toEqual({
      total: 5.0105,
      slowest: 0.0018,
      fastest: 0.0011,
      average: 0.0013,
      requestsPerSec: 1.9958,
      totalData: 15,
      sizePerRequest: 3,
    });
    expect(r.latency).toEqual({ p10: 0.0012, p25: 0.0012, p50: 0.0013, p75: 0.0018, p90: null, p95: null, p99: null });
  });

  it('every request refused: empty sections, NaN figures, only an Error distribution', () => {
    const r = parseHeyOutput(heyStdout('refused-c2-n10.r1.txt'), 'refused');
    expect(r.summary).toEqual({
      total: 0.001,
      slowest: null,
      fastest: null,
      average: null,
      requestsPerSec: 10413.6619,
      totalData: null,
      sizePerRequest: null,
    });
    expect(r.histogram).toEqual([]);
    expect(Object.values(r.latency).every((v) => v === null)).toBe(true);
    expect(r.details?.dnsDialup).toEqual([null, 0, 0]);
    expect(r.statusCodes).toEqual({});
    expect(r.errors).toEqual({ 'Get "http://127.0.0.1:8001/": dial tcp 127.0.0.1:8001: connect: connection refused': 10 });
    expect(r.responses).toBe(0);
    expect(r.errorCount).toBe(10);
  });

  it('reads Windows line endings the same way', () => {
    const text = heyStdout('sync4-c10-n20.r1.txt');
    expect(parseHeyOutput(text.replace(/\n/g, '\r\n'), 'crlf')).toEqual(parseHeyOutput(text, 'lf'));
  });

  // hey's older print() (before its text template) wrote a space before each Details
  // figure and no blank lines in some places; the lines are otherwise the same.
  it("reads the pre-template layout's Details lines and its 1M-results note", () => {
    const text = [
      'Summary:',
      '  Total:\t2.0000 secs',
      '  Slowest:\t0.5000 secs',
      '  Fastest:\t0.1000 secs',
      '  Average:\t0.2500 secs',
      '  Requests/sec:\t1.0000',
      'Note:  Distributions are for first 1000000 results.',
      'Response time histogram:',
      '  0.100 [2]\t|∎∎∎∎',
      'Latency distribution:',
      '  10% in 0.1000 secs',
      'Details (average, fastest, slowest):',
      '  DNS+dialup:\t 0.0001 secs, 0.0001 secs, 0.0001 secs',
      '  DNS-lookup:\t 0.0000 secs, 0.0000 secs, 0.0000 secs',
      '  req write:\t 0.0000 secs, 0.0000 secs, 0.0000 secs',
      '  resp wait:\t 0.2400 secs, 0.0900 secs, 0.4900 secs',
      '  resp read:\t 0.0000 secs, 0.0000 secs, 0.0000 secs',
      '',
      'Status code distribution:',
      '  [200]\t2 responses',
    ].join('\n');
    const r = parseHeyOutput(text, 'old');
    expect(r.distributionsLimitedTo).toBe(1000000);
    expect(r.details?.respWait).toEqual([0.24, 0.09, 0.49]);
    expect(r.histogram).toEqual([{ mark: 0.1, count: 2 }]);
  });
});

/** Moves the Latency distribution section (header and 7 lines) to the end. */
function latencyLast(text: string): string {
  const lines = text.split('\n');
  const at = lines.indexOf('Latency distribution:');
  const moved = lines.splice(at, 8);
  return [...lines, ...moved].join('\n');
}

describe('parseHeyOutput rejects what hey does not print', () => {
  const good = heyStdout('patched-c125.r1.txt');
  const cases: [string, string, RegExp][] = [
    [
      'a foreign line',
      good.replace('  [500]\t25 responses', '  [500] 25 answers'),
      /^bad:44: expected a status line .*got " {2}\[500\] 25 answers"$/,
    ],
    [
      'a truncated Summary',
      good
        .split('\n')
        .filter((l) => !l.includes('Requests/sec'))
        .join('\n'),
      /hey's Summary lacks requestsPerSec/,
    ],
    ['no Summary at all', 'Status code distribution:\n  [200]\t1 responses\n', /^bad: not a hey report: no "Summary:" section$/],
    ['text before the Summary', 'hello\nSummary:\n', /^bad:1: expected hey's report to begin with "Summary:", got "hello"$/],
    ['a section twice', `${good}\nSummary:\n`, /"Summary:" a second time/],
    ['a section out of order', latencyLast(good), /"Latency distribution:" out of hey's order/],
    ['a percentile hey does not print', good.replace('  95% in', '  96% in'), /expected one of hey's percentiles/],
    ['a Details section missing a line', good.replace(/ {2}DNS-lookup:.*\n/, ''), /Details section has 4 of its 5 lines/],
    [
      'hey -o csv output',
      'response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read\n1.0,0,0,0,1,0\n',
      /begin with "Summary:"/,
    ],
  ];
  for (const [what, text, message] of cases) {
    it(what, () => {
      expect(() => parseHeyOutput(text, 'bad')).toThrow(message);
    });
  }
});

describe('parseHeyOutput refuses a report cut short, naming the line where it ends', () => {
  /** hey's report (the kit's command line left out) cut after its line `n`. */
  const cut = (name: string, n: number) => `${heyStdout(name).split('\n').slice(0, n).join('\n')}\n`;

  it.each([
    [5, 'Summary:'],
    [7, 'Summary:'],
    [12, 'Response time histogram:'],
    [29, 'Latency distribution:'],
    [38, 'Details (average, fastest, slowest):'],
  ])('cut after line %i, in its %s section', (n, header) => {
    expect(() => parseHeyOutput(cut('patched-c125.r1.txt', n), 'c125')).toThrow(
      `c125:${n}: hey's report ends here, in its "${header}" section, without the "Status code distribution:" hey prints after it: the output was cut short`,
    );
  });

  it('cut between the lines of its status code distribution: fewer responses than the histogram counts', () => {
    expect(() => parseHeyOutput(cut('patched-c125.r1.txt', 43), 'c125')).toThrow(
      "c125:43: hey's histogram counts add up to 125, expected 100 (the responses in its status code distribution, which ends here): the output was cut short or edited",
    );
  });

  it('cut after "Error distribution:", or before it when nothing answered', () => {
    expect(() => parseHeyOutput(cut('refused-c2-n10.r1.txt', 24), 'refused')).toThrow(
      /^refused:24: hey's "Error distribution:" has no lines; expected lines such as .* under it: the output was cut short here$/,
    );
    expect(() => parseHeyOutput(cut('refused-c2-n10.r1.txt', 23), 'refused')).toThrow(
      /^refused:22: hey's report ends here, its status code distribution empty, without the "Error distribution:" hey prints when no response came: the output was cut short$/,
    );
  });

  it('numbers the lines of the file, counting the command line before the report', () => {
    const text = fixture('patched-c125.r1.txt').split('\n').slice(0, 30).join('\n');
    expect(() => parseHeyRun(text, 'f.txt')).toThrow(/^f\.txt:30: hey's report ends here, in its "Latency distribution:" section/);
  });

  it('cut before its Error distribution: fewer results than its Requests/sec over its Total (it read as a run without errors)', () => {
    // 5 responses, then the 5 timeouts hey lists under "Error distribution:" cut off.
    expect(() => parseHeyOutput(cut('slow-timeouts-c1-n10.r1.txt', 44), 'slow')).toThrow(
      "slow:7: hey's Requests/sec 1.9958 over its Total of 5.0105 s makes 10 results, but its report counts 5 (responses and errors): the output was cut short or edited",
    );
  });

  it('refuses a Total or a Requests/sec edited past what its results give (both were compared as measured)', () => {
    const text = heyStdout('patched-c10.r1.txt');
    expect(() => parseHeyOutput(text.replace('Total:\t1.0529', 'Total:\t99999999999999999999.0'), 'total')).toThrow(
      /^total:7: hey's Requests\/sec 9\.4975 over its Total of 100000000000000000000 s makes 949800000000000000000 results, but its report counts 10 /,
    );
    expect(() => parseHeyOutput(text.replace('Requests/sec:\t9.4975', 'Requests/sec:\t949.75'), 'rps')).toThrow(
      /^rps:7: hey's Requests\/sec 949\.75 over its Total of 1\.0529 s makes 1000 results, but its report counts 10 /,
    );
    // Within the rounding of its 4 decimals and 1 %, as every real report is.
    expect(parseHeyOutput(text.replace('Requests/sec:\t9.4975', 'Requests/sec:\t9.5200'), 'rounded').summary.requestsPerSec).toBe(9.52);
  });

  it('refuses an Error distribution without the Status code distribution hey prints before it', () => {
    const text = heyStdout('refused-c2-n10.r1.txt').replace('Status code distribution:\n', '');
    expect(() => parseHeyOutput(text, 'edited')).toThrow(
      /^edited:23: expected "Status code distribution:" before "Error distribution:" \(hey prints both\), got "Error distribution:"$/,
    );
  });
});

describe('parseHeyRun: the saved file with its command line', () => {
  it('reads the command line the kit records, and the report after it', () => {
    const run = parseHeyRun(fixture('patched-c125.r1.txt'), 'c125.txt');
    expect(run.command).toMatchObject({ requests: 125, concurrency: 125, timeout: 0, keepAlive: true, url: 'http://127.0.0.1:8000/' });
    expect(run.report).toEqual(parseHeyOutput(heyStdout('patched-c125.r1.txt'), 'x'));
  });

  it('takes a bare hey output too, without a command', () => {
    const run = parseHeyRun(heyStdout('sync4-c10-n20.r1.txt'), 'bare.txt');
    expect(run.command).toBeUndefined();
    expect(run.report.responses).toBe(20);
  });

  it("numbers errors by the file's lines, counting the command line", () => {
    const text = fixture('patched-c10.r1.txt').replace('  Fastest:', '  Fastest :');
    expect(() => parseHeyRun(text, 'f.txt')).toThrow(/^f\.txt:6: expected a Summary line/);
  });

  it('refuses a report whose result count does not match the command', () => {
    const text = fixture('patched-c10.r1.txt').replace('-n 10 -c 10', '-n 20 -c 10');
    expect(() => parseHeyRun(text, 'f.txt')).toThrow(/sends 20 requests \(-n 20 -c 10\) but the report counts 10 results/);
  });
});

// wrk 4 and wrk2 text reports (wg/wrk src/wrk.c: print_stats and the summary lines;
// giltene/wrk2 adds "Thread calibration" lines and an HdrHistogram with --latency).
//
//   Running 3s test @ http://127.0.0.1:8077/
//     2 threads and 10 connections
//     Thread Stats   Avg      Stdev     Max   +/- Stdev
//       Latency     5.95ms    1.98ms  22.15ms   72.67%
//       Req/Sec   846.38    127.65     1.08k    63.33%
//     Latency Distribution            (--latency; wrk2: "... (HdrHistogram - Recorded Latency)")
//        50%   23.84ms                (wrk2: " 50.000%    6.67ms")
//     5063 requests in 3.01s, 737.65KB read
//     Socket errors: connect 0, read 0, write 0, timeout 12      (only when some)
//     Non-2xx or 3xx responses: 505                             (only when some)
//   Requests/sec:   1681.98
//   Transfer/sec:    245.07KB
//
// wrk's "N requests" are the responses, whatever their status; its connect, read and write
// errors are apart, but a response later than the timeout is in N and counted as a
// timeout too, its latency not recorded (src/wrk.c: response_complete).
import { UserError } from '../../../scenario/errors.js';
import { buildReport, OutputLines, secondsWithUnit, type MeasuredRun, type StatedClient } from '../measuredRun.js';

export function isWrk(text: string): boolean {
  // The indent within its line, as for k6 (readers/k6.ts isK6Text): \s* across blank lines is quadratic.
  return /^Running \S+ test @ /m.test(text) && /^[^\S\r\n\u2028\u2029]*\d+ threads? and \d+ connections?/m.test(text);
}

export function isWrk2(text: string): boolean {
  return /Thread calibration: mean lat\.|HdrHistogram|Detailed Percentile spectrum/.test(text);
}

export function parseWrk(text: string, source: string, firstLine = 1): MeasuredRun {
  const wrk2 = isWrk2(text);
  const tool = wrk2 ? 'wrk2' : 'wrk';
  const out = new OutputLines(text, source, `${tool}'s report`, firstLine);
  const time = (s: string, index: number | undefined): number => {
    const v = secondsWithUnit(s);
    if (v === undefined) out.fail(index ?? 0, `expected a time such as 5.95ms`);
    return v!;
  };
  const head = out.match(/^Running /, /^Running (\S+) test @ (\S+)$/, 'Running 3s test @ http://127.0.0.1:8000/')!;
  const conns = out.match(/^\d+ threads? and/, /^(\d+) threads? and (\d+) connections?$/, '2 threads and 10 connections')!;
  const latIndex = out.find(/^Latency\s+\S+\s+\S+/);
  const lat = out.match(
    /^Latency\s+\S+\s+\S+/,
    /^Latency\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)%$/,
    'Latency     5.95ms    1.98ms  22.15ms   72.67%',
    false,
  );
  const done = out.match(/^\d+ requests in /, /^(\d+) requests in ([\d.]+\w+), (\S+) read$/, '5063 requests in 3.01s, 737.65KB read')!;
  const doneIndex = out.find(/^\d+ requests in /)!;
  const rps = out.match(/^Requests\/sec:/, /^Requests\/sec:\s+([\d.]+)$/, 'Requests/sec:   1681.98')!;
  // wrk prints Transfer/sec right after Requests/sec (then only what a Lua script's done()
  // prints): a report without it was cut short, perhaps within the Requests/sec figure.
  const rpsIndex = out.find(/^Requests\/sec:/)!;
  const transfer = out.lines.slice(rpsIndex + 1).findIndex((l) => l.trim() !== '');
  if (transfer < 0) out.cutShort('the "Transfer/sec:" line wrk prints after "Requests/sec:"');
  if (!/^Transfer\/sec:\s+[\d.]+[KMGTP]?B$/.test(out.lines[rpsIndex + 1 + transfer].trim()))
    out.fail(rpsIndex + 1 + transfer, 'expected a line such as "Transfer/sec:    245.07KB" after "Requests/sec:"');
  const socket = out.match(
    /^Socket errors:/,
    /^Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)$/,
    'Socket errors: connect 0, read 0, write 0, timeout 12',
    false,
  );
  const non2xx = out.match(/^Non-2xx or 3xx responses:/, /^Non-2xx or 3xx responses: (\d+)$/, 'Non-2xx or 3xx responses: 505', false);

  // --latency: wrk prints "50%   23.84ms" (50, 75, 90, 99); wrk2 "50.000%    6.67ms" and more.
  const percentiles: Record<number, number> = {};
  const dist = out.find(/^Latency Distribution/);
  if (dist !== undefined) {
    for (let i = dist + 1; i < out.lines.length; i++) {
      const m = /^\s*(\d+(?:\.\d+)?)%\s+(\S+)$/.exec(out.lines[i]);
      if (!m) break;
      percentiles[Number(m[1])] = time(m[2], i);
    }
    if (Object.keys(percentiles).length === 0)
      out.fail(dist + 1, 'expected percentile lines such as "     50%   23.84ms" after "Latency Distribution"');
  }

  const responses = Number(done[1]);
  const total = time(done[2], doneIndex);
  const non = non2xx === undefined ? 0 : Number(non2xx[1]);
  if (non > responses)
    throw new UserError(`${source}: ${non} non-2xx or 3xx responses of only ${responses} requests: the output was edited`);
  const errors: Record<string, number> = {};
  if (socket !== undefined) {
    // Named as Go's net errors would not be: these are wrk's own four counters.
    errors['wrk socket errors: connect'] = Number(socket[1]);
    errors['wrk socket errors: read'] = Number(socket[2]);
    errors['wrk socket errors: write'] = Number(socket[3]);
    errors['wrk socket errors: timeout'] = Number(socket[4]);
  }
  const client: StatedClient = { concurrency: Number(conns[2]), keepAlive: true, url: head[2] };
  const duration = secondsWithUnit(head[1]);
  if (duration !== undefined) client.duration = duration;
  return {
    source,
    tool,
    command: undefined,
    client,
    errorCounting: 'total',
    statusGroups: ['2xx/3xx', 'non-2xx/3xx'],
    report: buildReport({
      total,
      requestsPerSec: Number(rps[1]),
      average: lat === undefined ? null : time(lat[1], latIndex),
      slowest: lat === undefined ? null : time(lat[3], latIndex),
      percentiles,
      statusCodes: { '2xx/3xx': responses - non, 'non-2xx/3xx': non },
      errors,
      responses,
    }),
  };
}

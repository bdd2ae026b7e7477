// ApacheBench 2.3 (apache2-utils' ab, support/ab.c: output_results).
//
//   Concurrency Level:      10
//   Time taken for tests:   0.118 seconds
//   Complete requests:      200
//   Failed requests:        20
//      (Connect: 0, Receive: 0, Length: 20, Exceptions: 0)
//   Non-2xx responses:      20                  (only when some)
//   Keep-Alive requests:    200                 (only with -k)
//   Requests per second:    1691.50 [#/sec] (mean)
//   Connection Times (ms) ... Total:  3  6  2.1  5  16     (min mean sd median max)
//   Percentage of the requests served within a certain time (ms)
//     50%      5 ... 100%     16 (longest request)
//
// ab's "Failed requests" are not transport errors only: "Length" counts responses whose
// body length differs from the first response's (a 500 page among 200s). Here the
// transport errors are Connect + Receive + Exceptions; Length failures stay responses.
import { UserError } from '../../../scenario/errors.js';
import { buildReport, OutputLines, type MeasuredRun } from '../measuredRun.js';

const TABLE_HEADER = 'Percentage of the requests served within a certain time (ms)';

export function isAb(text: string): boolean {
  return /^This is ApacheBench/m.test(text) || (/^Time taken for tests:/m.test(text) && /^Complete requests:/m.test(text));
}

export function parseAb(text: string, source: string, firstLine = 1): MeasuredRun {
  const out = new OutputLines(text, source, "ab's report", firstLine);
  const concurrency = Number(out.match(/^Concurrency Level:/, /^Concurrency Level:\s+(\d+)$/, 'Concurrency Level:      10')![1]);
  const total = Number(
    out.match(/^Time taken for tests:/, /^Time taken for tests:\s+([\d.]+) seconds$/, 'Time taken for tests:   0.118 seconds')![1],
  );
  const complete = Number(out.match(/^Complete requests:/, /^Complete requests:\s+(\d+)$/, 'Complete requests:      200')![1]);
  const failed = Number(out.match(/^Failed requests:/, /^Failed requests:\s+(\d+)$/, 'Failed requests:        0')![1]);
  const kinds = out.match(
    /^\(Connect:/,
    /^\(Connect: (\d+), Receive: (\d+), Length: (\d+), Exceptions: (\d+)\)$/,
    '(Connect: 0, Receive: 0, Length: 20, Exceptions: 0)',
    failed > 0,
  );
  const non2xx = Number(out.match(/^Non-2xx responses:/, /^Non-2xx responses:\s+(\d+)$/, 'Non-2xx responses:      20', false)?.[1] ?? 0);
  const keepAlive = out.find(/^Keep-Alive requests:/) !== undefined;
  const rps = Number(
    out.match(
      /^Requests per second:/,
      /^Requests per second:\s+([\d.]+) \[#\/sec\] \(mean\)$/,
      'Requests per second:    1691.50 [#/sec] (mean)',
    )![1],
  );
  // ab prints its Connection Times whenever a request completed, the Total row last.
  // Total:  min  mean[+/-sd]  median  max, in whole milliseconds.
  const connectionTimes = out.find(/^Connection Times \(ms\)$/) !== undefined;
  if (complete > 0 && !connectionTimes) out.cutShort('the "Connection Times (ms)" table ab prints when a request completed');
  const times = out.match(
    /^Total:\s+\d/,
    /^Total:\s+(\d+)\s+(\d+)\s+([\d.]+)\s+(\d+)\s+(\d+)$/,
    'Total:          3    6   2.1      5      16',
    connectionTimes,
  );
  // The percentage table is optional (ab -d leaves it out), but once begun it ends with
  // the longest request.
  const percentiles: Record<number, number> = {};
  const table = out.find(/^Percentage of the requests served within/);
  const last = out.lines[out.lastLine()].trim();
  if (table === undefined && TABLE_HEADER.startsWith(last))
    out.fail(out.lastLine(), `expected "${TABLE_HEADER}" and its rows (the output was cut short here)`);
  if (table !== undefined) {
    let longest = false;
    let i = table + 1;
    for (; i < out.lines.length; i++) {
      const m = /^\s*(\d+)%\s+(\d+)( \(longest request\))?$/.exec(out.lines[i]);
      if (!m) break;
      percentiles[Number(m[1])] = Number(m[2]) / 1000;
      longest = m[3] !== undefined;
    }
    if (!longest) {
      if (out.lines[i] !== undefined && out.lines[i].trim() !== '')
        out.fail(i, 'expected a row of the percentage table such as "  99%     19" or " 100%     22 (longest request)"');
      out.cutShort('the row " 100%  ... (longest request)" that ends ab\'s percentage table');
    }
  }
  const [connect, receive, , exceptions] = kinds === undefined ? [0, 0, 0, 0] : kinds.slice(1).map(Number);
  const responses = complete - receive - exceptions;
  if (responses < non2xx || responses < 0)
    throw new UserError(
      `${source}: ab counts ${non2xx} non-2xx responses of ${complete} complete requests with ${failed} failed: the output was edited`,
    );
  const errors: Record<string, number> = {
    'ab failed requests: connect': connect,
    'ab failed requests: receive': receive,
    'ab failed requests: exceptions': exceptions,
  };
  const url = /^Server Hostname:\s+(\S+)$/m.exec(text);
  const port = /^Server Port:\s+(\d+)$/m.exec(text);
  const path = /^Document Path:\s+(\S+)$/m.exec(text);
  return {
    source,
    tool: 'ab',
    command: undefined,
    // ab speaks HTTP/1.0 and closes each connection unless -k; its default timeout (-s) is 30 s.
    client: {
      concurrency,
      requests: complete,
      keepAlive,
      timeout: 30,
      ...(url && port && path ? { url: `http://${url[1]}:${port[1]}${path[1]}` } : {}),
    },
    errorCounting: 'total',
    statusGroups: ['2xx', 'non-2xx'],
    report: buildReport({
      total,
      requestsPerSec: rps,
      fastest: times === undefined ? null : Number(times[1]) / 1000,
      average: times === undefined ? null : Number(times[2]) / 1000,
      slowest: times === undefined ? null : Number(times[5]) / 1000,
      percentiles,
      statusCodes: { '2xx': responses - non2xx, 'non-2xx': non2xx },
      errors,
      responses,
    }),
  };
}

// siege 4's summary, as JSON (json_output = true, Debian's default, on stdout) or as text
// (siege 3, or json_output = false, on stderr). Its figures have two decimals: times of a
// few milliseconds print as 0.00 or 0.01.
//
//   {	"transactions":			          89,        Transactions:		          90 hits
//   	"availability":			       89.00,        Availability:		       90.00 %
//   	"elapsed_time":			        0.10,        Elapsed time:		        0.08 secs
//   	"response_time":		        0.00,        Response time:		        0.00 secs
//   	"transaction_rate":		      890.00,        Transaction rate:	     1125.00 trans/sec
//   	"successful_transactions":	          89,    Successful transactions:          90
//   	"failed_transactions":		          11,    Failed transactions:	          10
//   	"longest_transaction":		        0.01,    Longest transaction:	        0.01
//   	"shortest_transaction":		        0.00     Shortest transaction:	        0.00
//   }
//
// siege's transactions are the responses with a status below 400; its failed ones are
// the others and the requests that got no response, together ("failed").
import { UserError } from '../../../scenario/errors.js';
import { buildReport, FAILED_GROUP, OutputLines, type MeasuredRun } from '../measuredRun.js';

const FIELDS = [
  ['transactions', 'Transactions', 'hits'],
  ['elapsed_time', 'Elapsed time', 'secs'],
  ['response_time', 'Response time', 'secs'],
  ['transaction_rate', 'Transaction rate', 'trans/sec'],
  ['successful_transactions', 'Successful transactions', ''],
  ['failed_transactions', 'Failed transactions', ''],
  ['longest_transaction', 'Longest transaction', ''],
  ['shortest_transaction', 'Shortest transaction', ''],
] as const;
type Field = (typeof FIELDS)[number][0];
const COUNTS = new Set<Field>(['transactions', 'successful_transactions', 'failed_transactions']);

export function isSiege(text: string): boolean {
  return (
    (/"transactions":\s/.test(text) && /"availability":\s/.test(text)) || /^Transactions:\s+\d+ hits$/m.test(text.replace(/\r\n/g, '\n'))
  );
}

export function parseSiege(text: string, source: string, firstLine = 1): MeasuredRun {
  const json = /"transactions":\s/.test(text);
  const out = new OutputLines(text, source, "siege's summary", firstLine);
  const v = {} as Record<Field, number>;
  for (const [key, label, unit] of FIELDS) {
    const at = json ? new RegExp(`^(\\{\\s*)?"${key}":`) : new RegExp(`^${label}:`);
    const m = json
      ? out.match(at, new RegExp(`^(?:\\{\\s*)?"${key}":\\s*([\\d.]+),?$`), `"${key}":\t\t\t1.00,`)!
      : out.match(
          at,
          new RegExp(`^${label}:\\s*([\\d.]+)${unit === '' ? '' : ` ${unit.replace('/', '\\/')}`}$`),
          `${label}:\t\t1.00${unit === '' ? '' : ` ${unit}`}`,
        )!;
    // siege prints its times and rates with two decimals (%12.2f): fewer is a figure cut short.
    if (!COUNTS.has(key) && !/^\d+\.\d\d$/.test(m[1]))
      out.fail(out.find(at)!, `expected ${label} with two decimals as siege prints it (the output was cut short here, or edited)`);
    v[key] = Number(m[1]);
  }
  // The JSON summary ends with its closing brace.
  if (json && out.lines.slice(out.find(/^"shortest_transaction":/)! + 1).every((l) => l.trim() !== '}'))
    out.cutShort('the "}" that closes siege\'s JSON summary');
  const failed = v.failed_transactions;
  if (v.successful_transactions > v.transactions)
    throw new UserError(
      `${source}: siege's successful transactions (${v.successful_transactions}) exceed its transactions (${v.transactions}): the output was edited`,
    );
  const users = /\*\* Preparing (\d+) concurrent users? for battle/.exec(text);
  return {
    source,
    tool: 'siege',
    command: undefined,
    // siege.conf's default "connection = close": a new connection per request.
    client: { keepAlive: false, ...(users ? { concurrency: Number(users[1]) } : {}) },
    errorCounting: 'in-status',
    statusGroups: ['2xx/3xx', FAILED_GROUP],
    report: buildReport({
      total: v.elapsed_time,
      requestsPerSec: v.transaction_rate,
      average: v.response_time,
      slowest: v.longest_transaction,
      fastest: v.shortest_transaction,
      statusCodes: { '2xx/3xx': v.transactions, [FAILED_GROUP]: failed },
      responses: v.transactions + failed,
    }),
  };
}

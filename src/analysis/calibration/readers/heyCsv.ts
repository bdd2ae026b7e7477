// hey -o csv (rakyll/hey requester/print.go csvTmpl): one line per response,
//   response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset
// in seconds with four decimals; offset is when the request started, from the run's start.
// hey leaves out the requests that got no response (no transport errors here), and prints
// no total: the run's time is taken as the last response's offset + response-time.
import { UserError } from '../../../scenario/errors.js';
import { buildReport, heyPercentiles, OutputLines, type MeasuredRun } from '../measuredRun.js';

export const HEY_CSV_HEADER = 'response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset';

export function isHeyCsv(text: string): boolean {
  return text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith(HEY_CSV_HEADER);
}

export function parseHeyCsv(text: string, source: string, firstLine = 1): MeasuredRun {
  const out = new OutputLines(text, source, 'hey -o csv output', firstLine);
  const times: number[] = [];
  const statusCodes: Record<string, number> = {};
  let end = 0;
  let header = false;
  for (let i = 0; i < out.lines.length; i++) {
    const line = out.lines[i].trim();
    if (line === '') continue;
    if (!header) {
      if (line.replace(/^\uFEFF/, '') !== HEY_CSV_HEADER) out.fail(i, `expected hey's CSV header "${HEY_CSV_HEADER}"`);
      header = true;
      continue;
    }
    const cells = line.split(',');
    const numbers = cells.map(Number);
    if (cells.length !== 8 || numbers.some((n, k) => !Number.isFinite(n) || n < 0 || (k === 6 && !Number.isInteger(n)))) {
      out.fail(i, 'expected 8 numbers such as "0.0051,0.0003,0.0000,0.0001,0.0045,0.0001,200,0.0002"');
    }
    // hey prints every time with four decimals (%4.4f): one with fewer is the end of a line cut
    // short (a copy stopped early), and the responses after it are missing.
    const short = cells.findIndex((c, k) => k !== 6 && !/^\d+\.\d{4}$/.test(c));
    if (short >= 0) {
      throw new UserError(
        `${source}:${i + firstLine}: column ${short + 1} is ${JSON.stringify(cells[short])}, expected a time with four decimals as hey prints it: the output was cut short here, or edited`,
      );
    }
    times.push(numbers[0]);
    statusCodes[cells[6]] = (statusCodes[cells[6]] ?? 0) + 1;
    end = Math.max(end, numbers[7] + numbers[0]);
  }
  if (times.length === 0) throw new UserError(`${source}: hey -o csv output without any response line: nothing to compare`);
  const sorted = [...times].sort((a, b) => a - b);
  const total = Number(end.toFixed(4));
  return {
    source,
    tool: 'hey-csv',
    command: undefined,
    client: {},
    errorCounting: 'not-reported',
    report: buildReport({
      total,
      requestsPerSec: total > 0 ? times.length / total : 0,
      fastest: sorted[0],
      slowest: sorted[sorted.length - 1],
      average: times.reduce((a, b) => a + b, 0) / times.length,
      percentiles: heyPercentiles(sorted),
      statusCodes,
      responses: times.length,
    }),
  };
}

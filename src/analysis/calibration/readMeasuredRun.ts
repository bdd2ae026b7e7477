// One saved load-tester output -> MeasuredRun, its format recognised from the content
// (docs/load-testers.md). An optional first line "$ COMMAND" records the command that
// made it; for hey it is checked as before (heyRun.ts), for the others it fills in what
// the output does not state (wrk2's -R, ab's -k, locust's -u).
import { abbreviate } from '../../messages.js';
import { UserError } from '../../scenario/errors.js';
import { parseJsonDocument } from '../../scenario/load.js';
import { parseHeyRun } from './heyRun.js';
import { FORMATS, type MeasuredRun, STATUS_GROUPS, type StatedClient, type Tool } from './measuredRun.js';
import { isAb, parseAb } from './readers/ab.js';
import { isAutocannon, parseAutocannon } from './readers/autocannon.js';
import { commandProgram, statedByCommand } from './readers/command.js';
import { isHeyCsv, parseHeyCsv } from './readers/heyCsv.js';
import { isK6Json, isK6Text, parseK6Json, parseK6Text } from './readers/k6.js';
import { isLocustCsv, isLocustJson, parseLocustCsv, parseLocustJson } from './readers/locust.js';
import { isSiege, parseSiege } from './readers/siege.js';
import { isVegetaJson, isVegetaText, parseVegetaJson, parseVegetaText } from './readers/vegeta.js';
import { isWrk, parseWrk } from './readers/wrk.js';

/** hey's text report: it begins with "Summary:". */
function isHeyText(text: string): boolean {
  return /^\s*Summary:\s*$/m.test(text.trimStart().split('\n')[0]);
}

type TextReader = [Tool, (text: string) => boolean, (text: string, source: string, firstLine: number) => MeasuredRun];
const TEXT_READERS: TextReader[] = [
  ['hey-csv', isHeyCsv, parseHeyCsv],
  ['locust-csv', isLocustCsv, parseLocustCsv],
  ['siege', isSiege, parseSiege],
  ['wrk', isWrk, parseWrk],
  ['ab', isAb, parseAb],
  ['vegeta-text', isVegetaText, parseVegetaText],
  ['k6-text', isK6Text, parseK6Text],
];

export function unknownFormat(source: string, why: string): UserError {
  return new UserError(`${source}: ${why}; sim reads these formats: ${Object.values(FORMATS).join('; ')} (docs/load-testers.md)`);
}

export function readMeasuredRun(text: string, source: string): MeasuredRun {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) throw unknownFormat(source, "empty file, expected a load tester's output");
  const head = lines[first].trim();
  // hey, with or without its command line: the reader that checks them against each other.
  if (isHeyText(text) || /^\$?\s*(\S*\/)?hey\s/.test(head)) return parseHeyRun(text, source);

  let command: string | undefined;
  let body = text;
  let firstLine = 1;
  if (head.startsWith('$')) {
    command = head;
    body = lines.slice(first + 1).join('\n');
    firstLine = first + 2;
  }
  const run = readBody(body, source, firstLine);
  checkFigures(run);
  if (command === undefined) return run;
  const program = commandProgram(command);
  const family = run.tool!.replace(/-.*$/, '').replace(/2$/, '');
  if (program === undefined || program.replace(/2$/, '') !== family) {
    throw new UserError(
      `${source}:${first + 1}: the command runs ${JSON.stringify(abbreviate(program ?? ''))} but the output is ${FORMATS[run.tool!]}'s`,
    );
  }
  // What the output states wins over what the command asked for.
  const stated: StatedClient = { ...statedByCommand(command, run.tool!, `${source}:${first + 1}`), ...definedOf(run.client ?? {}) };
  return { ...run, commandText: command.replace(/^\$\s*/, ''), client: stated };
}

/**
 * Figures that no run can give: an edited or broken output. hey's text is checked line by
 * line (heyOutput.ts); the other readers take each figure as written, and an autocannon
 * output with a fastest of 1e305 s beside a slowest of 0.047 s, or 1e308 requests, was
 * compared as it was. Percentiles and the mean lie between the fastest and the slowest,
 * in order, within a rounding of the printed figures (1 %, or 1 ms).
 */
function checkFigures(run: MeasuredRun): void {
  const r = run.report;
  const fail = (what: string) => {
    throw new UserError(`${run.source}: ${what}: expected the figures of one run (${FORMATS[run.tool!]}); the output was edited or broken`);
  };
  if (!Number.isSafeInteger(r.responses)) fail(`${r.responses} responses`);
  // An HTTP status (100 to 599) or a tool's group of them: autocannon's statusCodeStats
  // {"abc": ...} was compared as a status [abc] the simulation never gives.
  for (const code of Object.keys(r.statusCodes))
    if (!/^[1-5]\d\d$/.test(code) && !(code in STATUS_GROUPS))
      fail(`the status code ${JSON.stringify(code)}, not one of HTTP's (100 to 599)`);
  const s = r.summary;
  const slack = (x: number) => Math.max(0.01 * x, 0.001);
  const shown = (x: number) => String(Number(x.toPrecision(6)));
  const within = (name: string, x: number | null) => {
    if (x === null || s.fastest === null || s.slowest === null) return;
    if (x < s.fastest - slack(s.fastest) || x > s.slowest + slack(s.slowest))
      fail(`${name} ${shown(x)} s outside the fastest ${shown(s.fastest)} s to the slowest ${shown(s.slowest)} s`);
  };
  if (s.fastest !== null && s.slowest !== null && s.fastest > s.slowest + slack(s.slowest))
    fail(`the fastest response ${shown(s.fastest)} s slower than the slowest ${shown(s.slowest)} s`);
  within('the average', s.average);
  let before: [string, number] | undefined;
  for (const [key, x] of Object.entries(r.latency)) {
    within(key, x);
    if (x === null) continue;
    if (before !== undefined && x < before[1] - slack(before[1])) fail(`${key} ${shown(x)} s below ${before[0]} ${shown(before[1])} s`);
    before = [key, x];
  }
}

function definedOf(client: StatedClient): StatedClient {
  return Object.fromEntries(Object.entries(client).filter(([, v]) => v !== undefined)) as StatedClient;
}

function readBody(text: string, source: string, firstLine: number): MeasuredRun {
  const trimmed = text.trimStart();
  // siege's JSON is followed by its log-file notice: not JSON as a whole, read as text.
  if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && !isSiege(text)) {
    const value = parseJsonDocument(text, source);
    if (isLocustJson(value)) return parseLocustJson(value as unknown[], source);
    if (isK6Json(value)) return parseK6Json(value as Record<string, unknown>, source);
    if (isVegetaJson(value)) return parseVegetaJson(value as Record<string, unknown>, source);
    if (isAutocannon(value)) return parseAutocannon(value as Record<string, unknown>, source);
    throw unknownFormat(
      source,
      'JSON of no known load tester (expected locust\'s list of stats, k6\'s "metrics", vegeta\'s "latencies" and "status_codes", or autocannon\'s "latency", "requests" and "connections")',
    );
  }
  for (const [, detect, parse] of TEXT_READERS) if (detect(text)) return parse(text, source, firstLine);
  throw unknownFormat(source, 'not an output of a load tester sim knows');
}

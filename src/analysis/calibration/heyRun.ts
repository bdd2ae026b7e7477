// A measured run as saved on disk: hey's report, optionally preceded by the command that
// produced it on one line ("$ hey -n 100 -c 100 -t 0 URL", as calibration/run.sh writes).
import { UserError } from '../../scenario/errors.js';
import { parseHeyCommand, type HeyCommand } from './heyCommand.js';
import { parseHeyOutput, type HeyReport } from './heyOutput.js';

export interface HeyRun {
  /** Where it came from (a file name), for messages and tables. */
  source: string;
  command: HeyCommand | undefined;
  report: HeyReport;
}

export function parseHeyRun(text: string, source: string): HeyRun {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) throw new UserError(`${source}: empty file, expected hey's output`);
  const head = lines[first].trim();
  if (head.startsWith('$') || /^(\S*\/)?hey(\s|$)/.test(head)) {
    const command = parseHeyCommand(head, `${source}:${first + 1}`);
    const report = parseHeyOutput(lines.slice(first + 1).join('\n'), source, first + 2);
    checkAgainstCommand(command, report, source);
    return { source, command, report };
  }
  return { source, command: undefined, report: parseHeyOutput(text, source) };
}

/** hey sends (n / c) * c requests; a report with another count is not this command's. */
function checkAgainstCommand(command: HeyCommand, report: HeyReport, source: string): void {
  if (command.duration !== undefined) return; // -z: as many as fit in the duration
  const sent = Math.floor(command.requests / command.concurrency) * command.concurrency;
  const results = report.responses + report.errorCount;
  if (report.distributionsLimitedTo === null && results !== sent) {
    throw new UserError(
      `${source}: the command sends ${sent} requests (-n ${command.requests} -c ${command.concurrency}) but the report counts ${results} results`,
    );
  }
}

// The `sim` command line: parse, call, print. The only module that touches argv, stdout
// and the file system. Bad input exits with 2 and a message, internal failures with 1
// (with a stack trace under --debug); a user error never shows a stack trace.
import { basename } from 'node:path';
import yargs from 'yargs';
import { assertInvariants } from '../check/invariants.js';
import { simulate } from '../model/system.js';
import { heyText } from '../report/heyText.js';
import { partialReason } from '../report/partial.js';
import { summarize } from '../report/summary.js';
import { UserError } from '../scenario/errors.js';
import { scenarioJsonSchema } from '../scenario/jsonSchema.js';
import { atomicWrite } from './atomicWrite.js';
import { FIELD_FLAGS, checkBooleanFlags, describeYargsFailure, scenarioOverrides, singleValue } from './flags.js';
import { loadScenarioFile } from './loadScenarioFile.js';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

const COMMANDS = ['run', 'schema'];
const OPTIONS = ['json', 'seed', 'set', 'check', 'out', 'debug', 'help', ...FIELD_FLAGS.map((f) => f.name)];

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    checkBooleanFlags(argv);
    await yargs(argv)
      .scriptName('sim')
      .usage('$0 <command> [options]\n\nSimulates gunicorn + PostgreSQL under a hey-like load.')
      .command(
        'run <scenario>',
        'Run one scenario and print a hey-style report',
        (y) => {
          y.positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (JSON)' })
            .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' })
            .option('set', {
              type: 'string',
              array: true,
              default: [] as string[],
              describe: 'Override a field: --set client.concurrency=101 (repeatable)',
            })
            .option('check', { type: 'boolean', default: false, describe: 'Check the invariants of the run; a violation is an internal error (exit 1)' })
            .option('out', { type: 'string', describe: 'Write the report to this file (atomically) instead of stdout' });
          for (const f of FIELD_FLAGS) y.option(f.name, { type: 'string', describe: f.describe });
          return y
            .example('$0 run scenarios/gevent-100.json', "the article's -c 100 run")
            .example('$0 run scenarios/gevent-100.json --set client.concurrency=125 --set client.requests=125', 'a what-if');
        },
        (args) => {
          const path = args.scenario as string;
          const scenario = loadScenarioFile(path, scenarioOverrides(args));
          const out = singleValue('--out', args.out, 'report.json');
          const result = simulate(scenario);
          if (args.check) assertInvariants(result);
          const name = scenario.name ?? basename(path).replace(/\.json$/, '');
          const summary = summarize(result, name, scenario.seed);
          const partial = partialReason(summary);
          if (partial !== undefined) io.err(`sim: ${path}: ${partial}\n`);
          const report = args.json ? JSON.stringify(summary, null, 2) + '\n' : heyText(summary);
          if (out === undefined) io.out(report);
          else atomicWrite(out, report);
        },
      )
      .command(
        'schema',
        'Print the JSON Schema of scenario files (scenarios/schema.json is this output)',
        (y) => y.option('out', { type: 'string', describe: 'Write it to this file (atomically) instead of stdout' }),
        (args) => {
          const text = JSON.stringify(scenarioJsonSchema(), null, 2) + '\n';
          const out = singleValue('--out', args.out, 'scenarios/schema.json');
          if (out === undefined) io.out(text);
          else atomicWrite(out, text);
        },
      )
      .option('debug', { type: 'boolean', describe: 'Show stack traces of internal errors' })
      .demandCommand(1)
      .strict()
      .help()
      .version(false)
      .exitProcess(false)
      .fail((message, err) => {
        if (err) throw err;
        throw new UserError(describeYargsFailure(message, argv, { commands: COMMANDS, options: OPTIONS }));
      })
      .parseAsync();
    return 0;
  } catch (e) {
    if (e instanceof UserError) {
      // One problem a line, each prefixed, so that grep and editors pick up every one.
      io.err(e.message.split('\n').map((line) => `sim: ${line}\n`).join(''));
      return 2;
    }
    io.err(`sim: internal error: ${(e as Error).message}\n`);
    if (debug) io.err(`${(e as Error).stack}\n`);
    return 1;
  }
}

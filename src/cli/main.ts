// The `sim` command line: parse, call, print. The only module that touches argv, stdout
// and the file system. Bad input exits with 2 and a message, internal failures with 1.
import yargs from 'yargs';
import { simulate } from '../model/system.js';
import { heyText } from '../report/heyText.js';
import { summarize } from '../report/summary.js';
import { UserError } from '../scenario/errors.js';
import { scenarioJsonSchema } from '../scenario/jsonSchema.js';
import { loadScenarioFile } from './loadScenarioFile.js';
import { basename } from 'node:path';
import { mergeCommand } from './mergeCommand.js';
import { planCommand } from './planCommand.js';
import { sweepCommand } from './sweepCommand.js';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** stderr is a terminal: progress bars may be drawn there. */
  errIsTTY?: boolean;
}

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  errIsTTY: process.stderr.isTTY === true,
};

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const cli = yargs(argv)
      .scriptName('sim')
      .usage('$0 <command> [options]\n\nSimulates gunicorn + PostgreSQL under a hey-like load.')
      .command(
        'run <scenario>',
        'Run one scenario and print a hey-style report',
        (y) =>
          y
            .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (JSON)' })
            .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' })
            .option('seed', { type: 'number', describe: 'Override the scenario seed' })
            .option('set', {
              type: 'string',
              array: true,
              default: [] as string[],
              describe: 'Override a field: --set client.concurrency=101 (repeatable)',
            })
            .example('$0 run scenarios/gevent-100.json', 'the article\'s -c 100 run')
            .example('$0 run scenarios/gevent-100.json --set client.concurrency=125 --set client.requests=125', 'a what-if'),
        (args) => {
          if (args.seed !== undefined && !Number.isInteger(args.seed)) {
            throw new UserError(`--seed: expected an integer, got ${args.seed}`);
          }
          const scenario = loadScenarioFile(args.scenario, args.set, args.seed);
          const name = scenario.name ?? basename(args.scenario).replace(/\.json$/, '');
          const summary = summarize(simulate(scenario), name, scenario.seed);
          io.out(args.json ? JSON.stringify(summary, null, 2) + '\n' : heyText(summary));
        },
      );
    await planCommand(mergeCommand(sweepCommand(cli, io), io), io)
      .command(
        'schema',
        'Print the JSON Schema of scenario files (scenarios/schema.json is this output)',
        (y) => y,
        () => {
          io.out(JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
        },
      )
      .option('debug', { type: 'boolean', describe: 'Show stack traces of internal errors' })
      .demandCommand(1, 'Name a command: sim run <scenario.json>')
      .strict()
      .help()
      .version(false)
      .exitProcess(false)
      .fail((msg, err) => {
        if (err) throw err;
        throw new UserError(msg);
      })
      .parseAsync();
    return 0;
  } catch (e) {
    if (e instanceof UserError) {
      io.err(`sim: ${e.message}\n`);
      return 2;
    }
    io.err(`sim: internal error: ${(e as Error).message}\n`);
    if (debug) io.err(`${(e as Error).stack}\n`);
    return 1;
  }
}

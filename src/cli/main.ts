// The `sim` command line: parse, call, print. The only module that touches argv, stdout
// and the file system. Bad input exits with 2 and a message, internal failures with 1
// (with a stack trace under --debug); a user error never shows a stack trace.
import { printable } from './printable.js';
import yargs from 'yargs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, nearest } from '../scenario/errors.js';
import * as msg from '../messages.js';
import {
  checkAfterDashDash,
  checkBooleanFlags,
  checkDashes,
  checkListFlags,
  checkNegations,
  describeYargsFailure,
  showingHelp,
} from './flags.js';
import type { Command } from './command.js';
import { COMMANDS, commandNames, findCommand } from './commands.js';
import { ExitStatus } from './exitStatus.js';
import { packageRoot } from './serveCommand.js';
import { translateHeyFlags } from './heyFlags.js';

/** For the launcher (src/cli/codeCache.ts): where the bundle's lazy imports load from. */
export { setImporter } from '../lazyImport.js';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** stderr is a terminal: progress bars may be drawn there. */
  errIsTTY?: boolean;
  /** Calls `stop` on the first Ctrl-C (a second one ends the process); returns an unsubscribe. */
  onInterrupt?: (stop: () => void) => () => void;
  /** Columns of the terminal the help is shown on (80 when unknown). */
  columns?: number;
}

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  errIsTTY: process.stderr.isTTY === true,
  onInterrupt: (stop) => {
    process.once('SIGINT', stop);
    return () => process.off('SIGINT', stop);
  },
  columns: process.stdout.columns,
};

/** Options every command takes. */
const GLOBAL_OPTIONS = ['debug', 'help'];

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const debug = argv.includes('--debug');
  // -h is --help, as with its peers (yargs's alias does not reach a line with no command).
  const dashDash = argv.includes('--') ? argv.indexOf('--') : argv.length;
  argv = argv.map((a, i) => (a === '-h' && i < dashDash ? '--help' : a));
  try {
    const words = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
    // --version stands alone (--debug aside): `sim run s.json --version` was "unknown option
    // --version; did you mean --version?", and `sim --version foo` "expected the files to work
    // on: sim foo <scenario.json>".
    const versionFlag = words[0] === '--get-yargs-completions' ? undefined : words.find((w) => w === '--version' || w === '-V');
    if (versionFlag !== undefined) {
      const other = words.find((w) => w !== versionFlag && w !== '--debug');
      if (other !== undefined) throw new UserError(msg.versionAlone(versionFlag, other));
      io.out(`${version()}\n`);
      return 0;
    }
    // `sim help` and `sim help <command>`: the help, as --help shows it.
    if (words[0] === 'help') {
      const named = words.filter((w) => !(w.startsWith('--') && GLOBAL_OPTIONS.includes(w.slice(2))));
      const name = named[1];
      // An option such as --json would otherwise read as an unknown command's name.
      if (name?.startsWith('-')) throw new UserError(msg.helpOfOption(name));
      // help and completion are yargs's own, not in COMMANDS: "did you mean" named themselves.
      if (name !== undefined && name !== 'help' && name !== 'completion' && findCommand(name) === undefined)
        throw new UserError(msg.unknownCommand(name, nearest(name, commandNames())));
      if (named.length > 2) throw new UserError(msg.extraArgument(named[2], 'sim help takes one command'));
      if (name === 'completion') return completionHelp(io);
      return await main(name === undefined || name === 'help' ? ['--help'] : [name, '--help'], io);
    }
    // yargs answers `sim completion --help` with the script itself.
    if (words[0] === 'completion' && words.includes('--help')) return completionHelp(io);
    if (argv[0] !== '--get-yargs-completions') checkAfterDashDash(argv);
    argv = checkDashes(argv);
    argv = translateHeyFlags(argv);
    checkBooleanFlags(argv);
    // A misspelt command is said first (yargs), before what its flags would have been.
    const named = argv.find((a) => !a.startsWith('-'));
    if (named !== undefined && findCommand(named) !== undefined && argv.some((a) => a.startsWith('--no-')))
      checkNegations(argv, optionsOf(argv));
    checkListFlags(argv);
    argv = scenarioFirst(argv);
    showingHelp(argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length).includes('--help'));
    const cli = yargs(argv)
      // English whatever LC_ALL, LC_MESSAGES or LANG say: yargs would translate its help and
      // its messages, and describeYargsFailure reads those messages in English.
      .locale('en')
      .scriptName('sim')
      .usage(
        '$0 <command> [options]\n\nSimulates gunicorn + PostgreSQL under a hey-like load. sim help <command> shows the options of one; sim --version prints the version.',
      );
    for (const c of COMMANDS) cli.command(c.command, c.describe, c.builder, (args) => c.handler(args, io));
    skipHelpCache(cli);
    await cli
      .command('help [command]', 'Show the help of sim, or of one command', (y) =>
        y.positional('command', { type: 'string', describe: 'A command' }),
      )
      .completion('completion', COMPLETION_DESCRIPTION)
      .option('debug', { type: 'boolean', describe: 'Show stack traces of internal errors' })
      .demandCommand(1)
      .strict()
      .help()
      .version(false)
      .wrap(Math.max(60, Math.min(io.columns ?? 80, 120)))
      .exitProcess(false)
      .fail((message, err) => {
        if (err) throw err;
        throw new UserError(describeYargsFailure(message, argv, { commands: commandNames(), options: optionsOf(argv) }));
      })
      // A callback, so that the help goes to io.out (yargs would print it on the console).
      .parseAsync(argv, {}, (_err, _args, output) => {
        if (output) io.out(`${output}\n`);
      });
    return 0;
  } catch (e) {
    if (e instanceof ExitStatus) return e.exitCode;
    if (e instanceof UserError) {
      // One problem a line, each prefixed, so that grep and editors pick up every one.
      io.err(
        e.message
          .split('\n')
          .map((line) => `sim: ${printable(line)}\n`)
          .join(''),
      );
      return e.exitCode;
    }
    io.err(`sim: internal error: ${printable(String((e as Error).message))}\n`);
    if (debug) io.err(`${(e as Error).stack}\n`);
    return 1;
  }
}

/** Flags whose value may be left out: `--plot` alone is the default folder, `--json` alone is stdout. */
const OPTIONAL_VALUE = new Set(['--plot', '--json', '--csv']);

/**
 * Positional arguments wherever they stand: `sim run --json s.json` means the scenario
 * s.json with JSON on stdout, not JSON into s.json and no scenario. When the command takes
 * a scenario and none is on the line, a `.json` file that exists, read as the value of a
 * flag whose value may be left out, is taken as the scenario instead.
 */
function scenarioFirst(argv: string[]): string[] {
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  const swallowed = argv.findIndex((a, i) => i > 0 && i < end && OPTIONAL_VALUE.has(argv[i - 1]) && a.endsWith('.json') && existsSync(a));
  if (swallowed < 0) return argv;
  const command = findCommand(argv[0]);
  if (command === undefined || !/[<[]scenario[>\]]/.test(command.command)) return argv;
  const declared = (command.builder(yargs([])) as unknown as { getOptions: () => { boolean: string[]; count: string[] } }).getOptions();
  let positionals = 0;
  for (let i = 1; i < end; i++) {
    const a = argv[i];
    if (!a.startsWith('-')) positionals++;
    // A flag that takes a value takes the next word (yargs reads --flag=value as one).
    else if (!a.includes('=') && !declared.boolean.includes(a.replace(/^-+/, '')) && i + 1 < end && !argv[i + 1].startsWith('-')) i++;
  }
  if (positionals > 0) return argv;
  return [argv[0], argv[swallowed], ...argv.slice(1, swallowed), ...argv.slice(swallowed + 1)];
}

const COMPLETION_DESCRIPTION = 'Print a shell completion script (bash, zsh): sim completion >> ~/.bashrc';

/** `sim help completion`: yargs has no help page for its completion command. */
function completionHelp(io: Io): number {
  io.out(`sim completion\n\n${COMPLETION_DESCRIPTION}\n`);
  return 0;
}

/** The version in the package's package.json. */
function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The options the command named on the line takes (every command's when none is named),
 * read from its builder, for "did you mean" after a misspelt one.
 */
function optionsOf(argv: readonly string[]): string[] {
  const name = argv.find((a) => !a.startsWith('-'));
  const command = name === undefined ? undefined : findCommand(name);
  const of = (c: Command) => {
    const positionals = new Set([...c.command.matchAll(/[<[]([\w-]+)(?:\.\.)?[>\]]/g)].map((m) => m[1]));
    // getOptions is yargs's (not in its types): the options a builder declared.
    const declared = (c.builder(yargs([])) as unknown as { getOptions: () => { key: Record<string, unknown> } }).getOptions().key;
    return Object.keys(declared).filter((k) => !positionals.has(k));
  };
  const options = command !== undefined ? of(command) : COMMANDS.flatMap(of);
  return [...new Set([...options, ...GLOBAL_OPTIONS])];
}

/**
 * yargs renders the whole help text after running a command's handler, to keep it at hand
 * (yargs command.js: cacheHelpMessage, for a showHelp() called later from the handler).
 * sim never shows help once a command has started, and the rendering measures every line
 * with string-width, which first builds Intl segmenters and Unicode regular expressions:
 * a large share of every `sim` process's start-up (docs/internals.md, "Performance"). yargs has
 * no option for it, so this replaces the method on its usage object (yargs is pinned; if
 * a version moved it, nothing would break, sim would only start slower).
 */
function skipHelpCache(cli: object): void {
  type Internals = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = (cli as Internals).getInternalMethods?.().getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

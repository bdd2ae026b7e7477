// The command line's own input checks: flags that stand for scenario fields become
// overrides (so their values are validated by the schema, with the flag named in the
// message), and yargs' terse complaints become messages that say what would be right.
import * as msg from '../messages.js';
import { UserError, nearest } from '../scenario/errors.js';
import { flagOverride, parseSetExpression, type Override } from '../scenario/overrides.js';
import { heyFlagMisplaced, heyFlagTyped } from './heyFlags.js';

/** Flags that are shorthands for a field: `--seed 3` is `--set seed=3`. */
export const FIELD_FLAGS = [
  { flag: '--seed', name: 'seed', path: ['seed'], example: '7', describe: 'Override the scenario seed (seed)' },
  {
    flag: '--max-events',
    name: 'max-events',
    path: ['limits', 'maxEvents'],
    example: '1000000',
    describe: 'Event budget (limits.maxEvents)',
  },
  {
    flag: '--max-sim-time',
    name: 'max-sim-time',
    path: ['limits', 'maxSimTime'],
    example: '10m',
    describe: 'Simulated-time budget (limits.maxSimTime), e.g. 90s or 10m',
  },
] as const;

/** --set, as every command that reads a scenario takes it. */
export const setOption = {
  type: 'string',
  array: true,
  default: [] as string[],
  describe: 'Override a scenario field for every run: --set machine.cores=2 (repeatable)',
} as const;

/**
 * A flag that takes a number. It is read as text, so that a message can quote what was
 * typed (yargs turns "abc" into NaN), and checked by numberFlag; the help, which only
 * lists it, shows it as the number it is.
 */
export function numberOption(describe: string, extra: { demandOption?: boolean } = {}) {
  return { type: (helpShown ? 'number' : 'string') as 'string', describe, ...extra };
}

let helpShown = false;

/** main, before yargs builds the commands: whether this line asks for help. */
export function showingHelp(shown: boolean): void {
  helpShown = shown;
}

/** What each command takes, for "expected ...". */
const USAGE: Record<string, string> = {
  run: 'sim run <scenario.json>',
  merge: 'sim merge <shard.json...>',
  compare: 'sim compare <scenario.json> <hey-output.txt...>',
  fit: 'sim fit <scenario.json> <hey-output.txt...> --free FIELDS',
};

/** What a command takes, for "unexpected argument": those not here take one scenario file. */
const TAKES: Record<string, string> = {
  init: 'sim init takes no file (sim help init lists its options)',
  schema: 'sim schema takes no file (sim help schema lists its options)',
  completion: 'sim completion takes nothing: its script completes for bash and zsh (sim completion >> ~/.bashrc)',
};

/** Examples for flags a command requires, in "expected a value, e.g. ...". */
const REQUIRED_EXAMPLES: Record<string, string> = { '--free': 'database.forkTime', '--target-rps': '500', '--p99': '300ms' };

export const BOOLEAN_FLAGS = ['check', 'debug', 'help', 'sensitivity', 'log-y', 'force', 'empirical', 'every-replication'] as const;

/** The overrides the flags ask for: every --set in order, then the field flags, which win. */
export function scenarioOverrides(args: Record<string, unknown>): Override[] {
  const out = setOverrides((args.set as string[] | undefined) ?? []);
  for (const f of FIELD_FLAGS) {
    const text = singleValue(f.flag, args[f.name], f.example);
    if (text !== undefined) out.push(flagOverride(f.flag, f.path, text));
  }
  return out;
}

/** --set's overrides, each naming what was typed: `-c 200000` for the --set hey's -c became. */
export function setOverrides(sets: readonly string[]): Override[] {
  return sets.map((s) => {
    const o = parseSetExpression(s);
    const typed = heyFlagTyped(s);
    return typed === undefined ? o : { ...o, source: typed };
  });
}

/** A string flag given at most once, with a value. */
export function singleValue(flag: string, value: unknown, example: string): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw new UserError(`${flag}: ${msg.flagGivenTwice(value)}`);
  const text = String(value);
  if (text.trim() === '') throw new UserError(`${flag}: ${msg.flagNeedsValue(flag, example)}`);
  return text;
}

/**
 * A flag whose value may be left out (--json, --csv, --plot): undefined when absent, '' when
 * given alone (standard output, or the default folder), else its one value. Given twice,
 * yargs makes a list of it, which reached the file system as a path ("--json a.json,b.json:
 * cannot write: The "path" argument must be of type string", and with --emit an internal
 * error): refused as every other flag given twice is.
 */
export function optionalValue(flag: string, value: unknown, example: string): string | undefined {
  if (value === undefined) return undefined;
  if (value === '' || (Array.isArray(value) && value.every((v) => v === ''))) return '';
  return singleValue(flag, value, example);
}

/** yargs reads `--json=3` as false: a value on a switch is a mistake to report, not to guess. */
export function checkBooleanFlags(argv: readonly string[]): void {
  for (const arg of argv) {
    if (arg === '--') return;
    const m = /^--(?:no-)?([\w-]+)=(.*)$/s.exec(arg);
    if (m && (BOOLEAN_FLAGS as readonly string[]).includes(m[1]) && !['true', 'false'].includes(m[2])) {
      throw new UserError(`--${m[1]}: ${msg.booleanFlag(m[2])}`);
    }
  }
}

/**
 * yargs reads `--no-NAME` as NAME set to false for every option, not only for switches:
 * `--no-set` or `--no-vary` was "internal error: expression.indexOf is not a function",
 * `--no-plot` Node's own words on a path of type boolean, `--no-seed` "--seed false:
 * expected a number, got boolean false" and `--no-x` an "unexpected argument x". Only a
 * switch the command declares has a --no- form; `options` are the command's.
 */
export function checkNegations(argv: readonly string[], options: readonly string[]): void {
  for (const arg of argv) {
    if (arg === '--') return;
    const m = /^--no-([\w-]+)(?:=.*)?$/s.exec(arg);
    if (m === null) continue;
    const name = m[1];
    if ((BOOLEAN_FLAGS as readonly string[]).includes(name) && options.includes(name)) continue;
    if (options.includes(name)) throw new UserError(`--no-${name}: ${msg.noNegation(`--${name}`)}`);
    const guess = nearest(
      name,
      options.filter((o) => (BOOLEAN_FLAGS as readonly string[]).includes(o)),
    );
    throw new UserError(msg.unknownOption(`--no-${name}`, guess === undefined ? undefined : `--no-${guess}`));
  }
}

/** Repeatable flags that take a value each: yargs drops one given without a value. */
const LIST_FLAGS: Record<string, string> = { '--set': 'client.concurrency=101', '--vary': 'client.concurrency=10..200:10' };

/** `sim run s.json --set` (the value forgotten) is a mistake to report, not an empty list. */
export function checkListFlags(argv: readonly string[]): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') return;
    const name = arg.split('=')[0];
    const example = LIST_FLAGS[name];
    if (example === undefined) continue;
    const value = arg.includes('=') ? arg.slice(name.length + 1) : argv[i + 1];
    if (value === undefined || value.trim() === '' || (!arg.includes('=') && value.startsWith('--'))) {
      throw new UserError(`${name}: ${msg.flagNeedsValue(name, example)}`);
    }
  }
}

/** Flags whose value names a file that is read. */
const INPUT_FLAGS: readonly string[] = ['--access-log'];

/** Flags whose value names a file that is written, and where the output goes without one. */
const OUTPUT_FLAGS: Record<string, string> = {
  '--out': 'without --out the output goes to standard output',
  '--json': '--json with no file writes the JSON to standard output',
  '--csv': '--csv with no file writes the CSV to standard output',
  '--plot': '--plot with no folder writes into ./sim-plots/<scenario>/',
};

/**
 * "-" is a file name to sim, not standard input or output: yargs read `sim run -` as the
 * scenario "" ("sim: : cannot read the scenario") and `--seed -` or `--json -` as a second
 * file ("unexpected argument"), and `--out=-` wrote a file named "-". A long flag's "-"
 * becomes its value, checked as any other (`--seed -`: expected a number); an output
 * flag's is refused with where the output goes instead; one standing alone is refused.
 */
export function checkDashes(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') return [...out, ...argv.slice(i)];
    const attached = /^(--[\w-]+)=-$/.exec(arg);
    const before = argv[i - 1];
    const flag = attached !== null ? attached[1] : arg === '-' && before?.startsWith('--') && !before.includes('=') ? before : undefined;
    if (flag !== undefined && OUTPUT_FLAGS[flag] !== undefined) {
      throw new UserError(`${flag} -: expected a file name: ${OUTPUT_FLAGS[flag]} (a file named "-" is ./-)`);
    }
    // A file read, as the scenario is: `--access-log -` was "-: cannot read the access log: no such file".
    if (flag !== undefined && INPUT_FLAGS.includes(flag)) {
      throw new UserError(`${flag} -: expected a file name: sim reads no standard input (a file named "-" is ./-)`);
    }
    // A value that starts with a dash and a digit (--max-sim-time -1s): yargs reads it as the
    // options -1 and -s ("unknown option -1s"); joined to its flag, the flag's own check
    // says what would be right. (-5 alone yargs takes as a value: the same either way.)
    if (
      /^-\d/.test(arg) &&
      before !== undefined &&
      out[out.length - 1] === before &&
      /^--[\w-]+$/.test(before) &&
      !(BOOLEAN_FLAGS as readonly string[]).includes(before.replace(/^--(no-)?/, ''))
    ) {
      out[out.length - 1] = `${before}=${arg}`;
      continue;
    }
    // hey's one-dash flags (-n -) are read by translateHeyFlags, which names the flag.
    if (arg !== '-' || (before !== undefined && /^-[^-]/.test(before))) out.push(arg);
    else if (flag !== undefined && !(BOOLEAN_FLAGS as readonly string[]).includes(flag.replace(/^--(no-)?/, '')))
      out[out.length - 1] = `${flag}=-`;
    else throw new UserError('-: expected a file name: sim reads no standard input (a file named "-" is ./-)');
  }
  return out;
}

/**
 * Nothing after "--" reaches a command: yargs keeps it aside, so `sim run s.json -- other.json`
 * ran s.json and said nothing of other.json, and `sim run -- s.json` found no scenario.
 */
export function checkAfterDashDash(argv: readonly string[]): void {
  const at = argv.indexOf('--');
  if (at < 0 || at === argv.length - 1) return;
  throw new UserError(
    `unexpected argument ${JSON.stringify(argv[at + 1])} after "--": sim takes its files before "--", and nothing after it (a file whose name starts with "-" is ./-name)`,
  );
}

/** A command's accepted names, for "did you mean". */
export interface CommandLine {
  commands: readonly string[];
  options: readonly string[];
}

/** Rewrites a yargs failure message as ours; unknown shapes pass through unchanged. */
export function describeYargsFailure(message: string, argv: readonly string[], known: CommandLine): string {
  const command = argv.find((a) => !a.startsWith('-'));
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (unknown) {
    const misplaced = heyFlagMisplaced(argv);
    if (misplaced !== undefined) return misplaced;
    const names = unknown[1].split(', ');
    // A misspelt command first, whatever yargs listed before it: `sim runn s.json --no-set`
    // was "unexpected argument "set"" (yargs reads --no-set as set=false, an unknown option).
    if (command !== undefined && names.includes(command) && !known.commands.includes(command))
      return msg.unknownCommand(command, nearest(command, known.commands));
    const name = names[0];
    // As typed: -x is -x, not --x; -xyz is read by yargs as -x -y -z.
    const asOption = argv.find(
      (a) => a === `--${name}` || a.startsWith(`--${name}=`) || (/^-[^-]/.test(a) && a.slice(1).split('=')[0].includes(name)),
    );
    if (asOption !== undefined) {
      const dashed = asOption.split('=')[0];
      const guess = nearest(name, known.options);
      return msg.unknownOption(dashed, guess === undefined ? undefined : `--${guess}`);
    }
    if (command === name && !known.commands.includes(name)) return msg.unknownCommand(name, nearest(name, known.commands));
    return msg.extraArgument(name, command === undefined ? undefined : TAKES[command]);
  }
  const required = /^Missing required arguments?: (.+)$/.exec(message);
  if (required) {
    // Every one missing at once, so a second try does not meet the next.
    const flags = required[1].split(', ').map((f) => `--${f}`);
    const example = (flag: string) => REQUIRED_EXAMPLES[flag] ?? 'VALUE';
    return `${flags.join(', ')}: ${msg.flagsRequired(flags.map((f) => `${f} ${example(f)}`))}`;
  }
  if (/^Not enough non-option arguments/.test(message)) {
    return command === undefined ? msg.missingCommand : msg.missingArguments(USAGE[command] ?? `sim ${command} <scenario.json>`);
  }
  return message;
}

/**
 * A numeric flag read as text (yargs turns "abc" into NaN and loses what was typed):
 * undefined when absent, else a number within the rule, else a message quoting it.
 */
export function numberFlag(
  flag: string,
  value: unknown,
  rule: { whole: boolean; min: number; above?: boolean; max?: number; why?: string },
  example: string,
): number | undefined {
  const text = singleValue(flag, value, example);
  if (text === undefined) return undefined;
  const n = text.trim() === '' ? NaN : Number(text);
  const ok = Number.isFinite(n) && (!rule.whole || Number.isInteger(n)) && (rule.above ? n > rule.min : n >= rule.min);
  if (!ok) {
    const expected = `${rule.whole ? 'a whole number' : 'a number'} ${rule.above ? '>' : '>='} ${rule.min}`;
    throw new UserError(`${flag} ${text}: ${msg.wrongType(expected, JSON.stringify(text))}`);
  }
  if (rule.max !== undefined && n > rule.max) {
    throw new UserError(
      `${flag} ${text}: ${msg.wrongType(`at most ${rule.max}${rule.why === undefined ? '' : ` (${rule.why})`}`, JSON.stringify(text))}`,
    );
  }
  return n;
}

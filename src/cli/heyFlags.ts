// hey's own flags on `sim run`, `sim sweep`, `sim plan` (and `sim init`): `-n 101 -c 101` is
// `--set client.requests=101 --set client.concurrency=101`. The words are rewritten
// before the command line is parsed, each value checked here (so a mistake names the
// flag typed), and the --set expressions go after the user's own, so that they win as
// the other field flags do (--seed).
import * as msg from '../messages.js';
import { UserError } from '../scenario/errors.js';

export const HEY_FLAG_COMMANDS: readonly string[] = ['run', 'sweep', 'plan', 'init'];

interface HeyFlag {
  /** As hey spells it (Go's flag package: one dash or two, "-n 5" or "-n=5"). */
  name: string;
  path: string;
  rule: 'count' | 'rate' | 'seconds' | 'duration' | 'switch';
  example: string;
  describe: string;
}

export const HEY_FLAGS: readonly HeyFlag[] = [
  { name: 'n', path: 'client.requests', rule: 'count', example: '200', describe: 'requests to send (client.requests)' },
  { name: 'c', path: 'client.concurrency', rule: 'count', example: '50', describe: 'workers sending at once (client.concurrency)' },
  {
    name: 'z',
    path: 'client.duration',
    rule: 'duration',
    example: '10s',
    describe: 'send for this long, e.g. 10s or 1m30s (client.duration; replaces -n)',
  },
  { name: 'q', path: 'client.rate', rule: 'rate', example: '10', describe: 'rate limit per worker, requests per second (client.rate)' },
  {
    name: 't',
    path: 'client.timeout',
    rule: 'seconds',
    example: '20',
    describe: 'timeout per request in seconds, 0 for none (client.timeout)',
  },
  {
    name: 'disable-keepalive',
    path: 'client.keepAlive',
    rule: 'switch',
    example: '',
    describe: 'a new connection per request (client.keepAlive=false)',
  },
];

/**
 * For the commands' help: one line per flag. The tab makes yargs lay the epilogue out in two
 * columns, so a description too long for the terminal wraps under itself, not under the flags.
 */
export const HEY_FLAGS_HELP = `hey's flags, shorthands for the client's fields:\n${HEY_FLAGS.map(
  (f) => `${`  -${f.name}${f.rule === 'switch' ? '' : ` ${f.example}`}`.padEnd(24)}\t${f.describe}`,
).join('\n')}`;

/**
 * The words typed for each --set expression a hey flag became ("client.concurrency=200000"
 * -> "-c 200000"), so that a value the scenario refuses names the flag as typed. Filled by
 * the last translateHeyFlags, once per command line.
 */
const typedAs = new Map<string, string>();

/** What the user typed for a --set expression translateHeyFlags made, if it made it. */
export function heyFlagTyped(expression: string): string | undefined {
  return typedAs.get(expression);
}

/**
 * argv with hey's flags replaced by --set expressions, for the commands that take them;
 * other commands' argv is returned as it is.
 */
export function translateHeyFlags(argv: readonly string[]): string[] {
  typedAs.clear();
  const end = argv.indexOf('--');
  const words = end < 0 ? [...argv] : argv.slice(0, end);
  const after = end < 0 ? [] : argv.slice(end);
  const command = words.find((w) => !w.startsWith('-'));
  if (command === undefined || !HEY_FLAG_COMMANDS.includes(command)) return [...argv];
  const kept: string[] = [];
  const sets = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const m = /^--?([a-z-]+)(?:=(.*))?$/s.exec(word);
    const flag = m === null ? undefined : HEY_FLAGS.find((f) => f.name === m[1]);
    // --n would be hey's too, but -n alone is what hey's users type; two dashes for the
    // one-letter names stay yargs' (an unknown option, with its "did you mean").
    if (flag === undefined || (flag.name.length === 1 && word.startsWith('--'))) {
      kept.push(word);
      continue;
    }
    // As typed: hey's users write -disable-keepalive, and --disable-keepalive too.
    const typed = `${word.startsWith('--') ? '--' : '-'}${flag.name}`;
    if (sets.has(flag.path)) throw new UserError(`${typed}: given twice; give it once`);
    let value: string;
    if (flag.rule === 'switch') {
      const v = m![2] ?? 'true';
      if (!['true', 'false'].includes(v)) throw new UserError(`${typed}=${v}: ${msg.booleanFlag(v)}`);
      value = String(v === 'false');
    } else {
      const text = m![2] ?? words[i + 1];
      if (m![2] === undefined) i++;
      if (text === undefined || text.trim() === '' || (m![2] === undefined && /^-[a-z-]/.test(text))) {
        throw new UserError(`${typed}: ${msg.flagNeedsValue(typed, flag.example)}`);
      }
      value = checked(flag, typed, text);
    }
    sets.set(flag.path, value);
    typedAs.set(`${flag.path}=${value}`, m![2] === undefined && flag.rule !== 'switch' ? `${word} ${words[i]}` : word);
  }
  return [...kept, ...[...sets].flatMap(([path, value]) => ['--set', `${path}=${value}`]), ...after];
}

/** The commands that read load testers' outputs, and take each run's flags from its output. */
const OUTPUT_READERS: readonly string[] = ['compare', 'fit'];

/**
 * hey's flag typed on sim compare or sim fit, which yargs calls an unknown option: a message
 * saying where the run's flags go instead (the output's first line, or --set), else undefined.
 * A hey user's first try at "this output was -c 100" is -c 100.
 */
export function heyFlagMisplaced(argv: readonly string[]): string | undefined {
  const end = argv.indexOf('--');
  const words = end < 0 ? argv : argv.slice(0, end);
  const command = words.find((w) => !w.startsWith('-'));
  if (command === undefined || !OUTPUT_READERS.includes(command)) return undefined;
  for (let i = 0; i < words.length; i++) {
    const m = /^--?([a-z-]+)(?:=(.*))?$/s.exec(words[i]);
    const flag = m === null ? undefined : HEY_FLAGS.find((f) => f.name === m[1]);
    if (flag === undefined || (flag.name.length === 1 && words[i].startsWith('--'))) continue;
    const typed = `${words[i].startsWith('--') ? '--' : '-'}${flag.name}`;
    const next = words[i + 1];
    // The next word is the flag's value when it reads as one (not the output file after it).
    const text = m![2] ?? (next !== undefined && /^\d[\w.µ+-]*$/.test(next) ? next : flag.example);
    let value = 'false';
    if (flag.rule !== 'switch') {
      try {
        value = checked(flag, typed, text);
      } catch {
        value = checked(flag, typed, flag.example);
      }
    }
    const asTyped = flag.rule === 'switch' ? typed : `${typed} ${text}`;
    return (
      `unknown option ${typed}: sim ${command} takes each run's hey flags from the first line of its output ` +
      `("$ hey ${asTyped} http://..." above hey's report, as the calibration kit saves it); ` +
      `for an output saved without that line, --set ${flag.path}=${value}`
    );
  }
  return undefined;
}

/** The value as --set takes it, or a message naming the flag and what would be right. */
function checked(flag: HeyFlag, typed: string, text: string): string {
  const fail = (expected: string): never => {
    throw new UserError(`${typed} ${text}: expected ${expected} (hey ${typed}: ${flag.describe}), e.g. ${typed} ${flag.example}`);
  };
  // Go's flag package reads -q and -t as floats: 1e-3 is one too.
  const float = flag.rule === 'rate' || flag.rule === 'seconds' ? /^\d+(\.\d+)?([eE][+-]?\d+)?$/ : /^\d+(\.\d+)?$/;
  const n = float.test(text.trim()) ? Number(text) : NaN;
  // Go's strconv refuses a number beyond a float64 ("value out of range"), as hey's flags then do.
  if (n === Number.POSITIVE_INFINITY) fail('a number within range (hey refuses it: "value out of range")');
  switch (flag.rule) {
    case 'count':
      // Go's flag package reads -n and -c as ints: 1e3 is not one, though it is a whole number.
      if (/^\d+(\.\d+)?[eE][+-]?\d+$/.test(text.trim())) fail('a whole number >= 1 in digits (hey reads -n and -c as integers)');
      if (!Number.isInteger(n) || n < 1) fail('a whole number >= 1');
      return String(n);
    case 'rate':
      if (text.trim() === '0') fail('a number of requests per second > 0; without -q there is no limit, as with hey -q 0');
      if (!(n > 0)) fail('a number of requests per second > 0');
      return String(n);
    case 'seconds':
      if (!(n >= 0)) fail('a number of seconds >= 0');
      return String(n);
    case 'duration': {
      const s = goDuration(text.trim());
      if (s === undefined || !(s > 0)) fail('a duration > 0 such as 10s, 1m30s or 500ms');
      if (!Number.isFinite(s)) fail('a duration within range (hey refuses it: "value out of range")');
      return String(Number(s!.toPrecision(12)));
    }
    default:
      return text;
  }
}

/** Seconds in a Go duration ("10s", "1m30s", "500ms"). */
function goDuration(text: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((m) => m[0]).join('') !== text) return undefined;
  return parts.reduce((sum, m) => sum + Number(m[1]) * units[m[2]], 0);
}

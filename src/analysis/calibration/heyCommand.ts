// The hey command line that produced a report: hey's report does not say how many
// workers ran (-c) or what timeout applied (-t), so the calibration kit records the
// command as the saved file's first line, the way the article quotes its runs
// ("$ hey -n 10 -c 10 -t 0 http://127.0.0.1:8000"). Flags follow Go's flag package, as
// hey parses them (hey.go): -n 200, -c 50 and -t 20 are its defaults.
import { UserError } from '../../scenario/errors.js';

export interface HeyCommand {
  /** -n: requests to send. */
  requests: number;
  /** -c: workers sending at once. */
  concurrency: number;
  /** -t: seconds; 0 = no timeout. */
  timeout: number;
  /** -q: requests per second per worker; undefined = no limit. */
  rate: number | undefined;
  /** -z: seconds to send for (replaces -n); undefined = send -n requests. */
  duration: number | undefined;
  /** false with -disable-keepalive. */
  keepAlive: boolean;
  /** -cpus: GOMAXPROCS; undefined = the machine's cores. */
  cpus: number | undefined;
  url: string | undefined;
  /** The line as written, for messages. */
  text: string;
}

export const HEY_DEFAULTS = { requests: 200, concurrency: 50, timeout: 20 } as const;

// Flags that take a value, so that their value is not mistaken for the URL.
const VALUED = new Set(['n', 'c', 'q', 'z', 'o', 'm', 'H', 't', 'A', 'd', 'D', 'T', 'a', 'x', 'host', 'cpus']);
const BOOLEAN = new Set(['h2', 'disable-compression', 'disable-keepalive', 'disable-redirects']);

/** Parses "$ hey -n 100 -c 100 -t 0 URL" (the "$ " is optional). */
export function parseHeyCommand(line: string, where: string): HeyCommand {
  const words = shellWords(line.replace(/^\s*\$\s*/, ''));
  // A quote left open: the shell would wait for its end; the words are not what hey saw.
  if (words.unbalanced) throw new UserError(`${where}: an unbalanced quote in the hey command line: expected every " and ' to be closed`);
  if (words[0] === undefined || !/(^|\/)hey$/.test(words[0])) {
    throw new UserError(`${where}: expected a hey command line such as "$ hey -n 100 -c 100 -t 0 http://127.0.0.1:8000/"`);
  }
  const flags = new Map<string, string>();
  let url: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (!w.startsWith('-') || w === '-') {
      url = w;
      continue;
    }
    const body = w.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    if (BOOLEAN.has(name)) {
      flags.set(name, eq >= 0 ? body.slice(eq + 1) : 'true');
    } else if (VALUED.has(name)) {
      const value = eq >= 0 ? body.slice(eq + 1) : words[++i];
      if (value === undefined) throw new UserError(`${where}: hey flag -${name} needs a value`);
      flags.set(name, value);
    } else {
      throw new UserError(`${where}: unknown hey flag ${w}`);
    }
  }
  const q = flags.get('q');
  // Go's flag package refuses what strconv.ParseFloat does (an empty value, 1e400: out of
  // range), and with -q inf hey never sends (its tick of 1e6 / QPS microseconds is 0).
  if (q !== undefined && !(q.trim() !== '' && Number.isFinite(Number(q)) && Number(q) >= 0)) {
    throw new UserError(`${where}: hey -q ${q}: expected requests per second, a finite number (0 for no limit)`);
  }
  const z = flags.get('z');
  const duration = z === undefined ? undefined : goDuration(z);
  if (duration === null) throw new UserError(`${where}: hey -z ${z}: expected a Go duration such as 10s or 1m30s`);
  const count = (name: 'n' | 'c' | 'cpus', fallback: number): number => {
    const v = flags.get(name);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UserError(`${where}: hey -${name} ${v}: expected a positive integer`);
    return Number(v);
  };
  const t = flags.get('t');
  if (t !== undefined && !/^\d+$/.test(t)) throw new UserError(`${where}: hey -t ${t}: expected whole seconds`);
  const requests = count('n', HEY_DEFAULTS.requests);
  const concurrency = count('c', HEY_DEFAULTS.concurrency);
  // hey.go exits on it ("-n cannot be less than -c."); without -z, read as sent it was "sends 0 requests".
  if (duration === undefined && requests < concurrency) {
    const given = (name: 'n' | 'c', value: number) => `-${name} ${value}${flags.has(name) ? '' : " (hey's default)"}`;
    throw new UserError(
      `${where}: hey ${given('n', requests)} ${given('c', concurrency)}: hey refuses -n less than -c ("-n cannot be less than -c"): expected -n at least -c, or -z for a duration`,
    );
  }
  return {
    requests,
    concurrency,
    timeout: t === undefined ? HEY_DEFAULTS.timeout : Number(t),
    // hey treats -q 0 as no limit.
    rate: q === undefined || Number(q) === 0 ? undefined : Number(q),
    duration,
    keepAlive: !['true', '1', 't', 'TRUE', 'True'].includes(flags.get('disable-keepalive') ?? 'false'),
    cpus: flags.has('cpus') ? count('cpus', 0) : undefined,
    url,
    text: line.trim(),
  };
}

/** Seconds in a Go duration ("10s", "1m30s", "500ms"), or null when it is not one. */
function goDuration(text: string): number | null {
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((m) => m[0]).join('') !== text) return null;
  return parts.reduce((sum, m) => sum + Number(m[1]) * units[m[2]], 0);
}

/** Splits a command line into words, honouring single and double quotes. */
function shellWords(line: string): string[] & { unbalanced?: boolean } {
  const words: string[] & { unbalanced?: boolean } = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of line.matchAll(re)) {
    if (m[3] !== undefined && /["']/.test(m[3])) words.unbalanced = true;
    words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]));
  }
  return words;
}

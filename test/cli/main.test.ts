// The command line reads the same whatever the locale: yargs translates its help and its
// messages from LC_ALL, LC_MESSAGES or LANG unless told not to, and sim reads those
// messages in English to say what went wrong.
import { afterEach, describe, expect, it } from 'vitest';
import { sim, type SimRun } from '../sim.js';

const KEYS = ['LC_ALL', 'LC_MESSAGES', 'LANG', 'LANGUAGE'] as const;
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));

function setLocale(locale: string | undefined): void {
  for (const k of KEYS) {
    if (locale === undefined) delete process.env[k];
    else process.env[k] = locale;
  }
}

afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

/** Help, and the messages made from yargs's: an unknown option, a missing scenario, an extra argument. */
async function runAll(): Promise<SimRun[]> {
  const out: SimRun[] = [];
  for (const argv of [
    ['help', 'run'],
    ['run', 'scenarios/gevent-10.json', '--jsn'],
    ['run'],
    ['sweep', 'scenarios/gevent-10.json', 'extra.json', '--vary', 'server.workers=1,2'],
  ])
    out.push(await sim(...argv));
  return out;
}

describe('sim in another locale', () => {
  it.each(['de_DE.UTF-8', 'fr_FR.UTF-8', 'ja_JP.UTF-8'])('%s: the same help and messages as in English', async (locale) => {
    setLocale(undefined);
    const english = await runAll();
    expect(english[0].out).toContain('Options:');
    expect(english[1].err).toBe('sim: unknown option --jsn; did you mean --json?\n');
    setLocale(locale);
    expect(await runAll()).toEqual(english);
  });
});

// A switch given a value (--check=maybe) is refused by name, for every switch a command
// declares: yargs would read the value as false and go on.
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { BOOLEAN_FLAGS, checkBooleanFlags, checkDashes, optionalValue } from '../../src/cli/flags.js';

describe('switches', () => {
  it("lists every command's boolean option, so that a value on it is an error", () => {
    for (const c of COMMANDS) {
      // getOptions is yargs's (not in its types): the options a builder declared.
      const { boolean } = (c.builder(yargs([])) as unknown as { getOptions: () => { boolean: string[] } }).getOptions();
      for (const name of boolean.filter((n) => n !== 'help' && n !== 'version')) {
        expect(BOOLEAN_FLAGS, `${c.command}: --${name}`).toContain(name);
      }
    }
  });

  it('takes =true and =false, and refuses anything else', () => {
    expect(() => checkBooleanFlags(['plan', 's.json', '--every-replication=true', '--log-y=false'])).not.toThrow();
    expect(() => checkBooleanFlags(['plan', 's.json', '--every-replication=maybe'])).toThrow(
      '--every-replication: expected no value (or =true, =false), got "maybe"',
    );
  });
});

// Fresh-eyes audit: `--max-sim-time -1s` was "unknown option -1s".
describe('a value that starts with a dash and a digit', () => {
  it('is the value of the flag before it, so that the flag names what would be right', () => {
    expect(checkDashes(['run', 's.json', '--max-sim-time', '-1s'])).toEqual(['run', 's.json', '--max-sim-time=-1s']);
    expect(checkDashes(['plan', 's.json', '--p99', '-300ms', '--seed', '-5'])).toEqual(['plan', 's.json', '--p99=-300ms', '--seed=-5']);
  });

  it('is left alone after a switch, after a flag with its value, and after a one-dash (hey) flag', () => {
    for (const argv of [
      ['run', 's.json', '--check', '-1s'],
      ['run', 's.json', '--seed=3', '-1s'],
      ['run', 's.json', '-t', '-1'],
    ])
      expect(checkDashes(argv)).toEqual(argv);
  });
});

// Hardening: `--access-log -` read a file named "-": "-: cannot read the access log: no such file".
describe('"-" for a file a flag reads', () => {
  it('is refused as standard input, which sim does not read, as the scenario\'s "-" is', () => {
    const message = '--access-log -: expected a file name: sim reads no standard input (a file named "-" is ./-)';
    expect(() => checkDashes(['fit', 's.json', '--access-log', '-'])).toThrow(message);
    expect(() => checkDashes(['fit', 's.json', '--access-log=-'])).toThrow(message);
    expect(checkDashes(['fit', 's.json', '--access-log', './-'])).toEqual(['fit', 's.json', '--access-log', './-']);
  });
});

describe('a flag whose value may be left out (--json, --csv, --plot)', () => {
  it('is absent, alone (standard output or the default folder), or its one value', () => {
    expect(optionalValue('--json', undefined, 'sweep.json')).toBeUndefined();
    expect(optionalValue('--json', '', 'sweep.json')).toBe('');
    expect(optionalValue('--json', ['', ''], 'sweep.json')).toBe('');
    expect(optionalValue('--json', 'a.json', 'sweep.json')).toBe('a.json');
  });

  it('given twice, is refused by name, not passed on as the path "a.json,b.json"', () => {
    expect(() => optionalValue('--json', ['a.json', 'b.json'], 'sweep.json')).toThrow(
      '--json: given 2 times (a.json, b.json); give it once',
    );
    expect(() => optionalValue('--plot', ['', 'b'], 'plots')).toThrow('--plot: given 2 times (, b); give it once');
  });
});

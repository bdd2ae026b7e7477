// A switch given a value (--check=maybe) is refused by name, for every switch a command
// declares: yargs would read the value as false and go on.
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { BOOLEAN_FLAGS, checkBooleanFlags } from '../../src/cli/flags.js';

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

// What a `sim` command is: its name and arguments, a one-line summary, its options (the
// yargs builder) and what it does. src/cli/commands.ts lists them all; the help, the
// "did you mean" of a misspelt command or option, and shell completion come from that
// one list.
import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { Io } from './main.js';

export interface Command {
  /** yargs's command string: the name, then the positional arguments ('run <scenario>'). */
  command: string;
  /** One line, for `sim --help` and the README's table of commands. */
  describe: string;
  builder: (y: Argv) => Argv<any>;
  handler: (args: any, io: Io) => void | Promise<void>;
}

/** A command, typed from its builder's options. */
export function defineCommand<A>(c: {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv<A>;
  handler: (args: ArgumentsCamelCase<A>, io: Io) => void | Promise<void>;
}): Command {
  return c as Command;
}

export function commandName(c: Command): string {
  return c.command.split(' ')[0];
}

/**
 * An example for a command's help, as `# what it does` above the command, each on a line of
 * its own. yargs lays a described example out in two columns with the command in the left
 * half, which broke a long command mid-word ("client.request" / "s=10..150:5") and mixed
 * its lines with the description's.
 */
export function example(command: string, description: string): [string, string][] {
  return description === ''
    ? [[command, '']]
    : [
        [`# ${description}`, ''],
        [command, ''],
      ];
}

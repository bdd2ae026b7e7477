// Every `sim` command, in the order `sim --help` lists them. The help, `sim help
// <command>`, the "did you mean" of a misspelt command or option and shell completion
// all come from this list: a command added here is known everywhere.
import type { Command } from './command.js';
import { commandName } from './command.js';
import { compareCommand } from './compareCommand.js';
import { fitCommand } from './fitCommand.js';
import { initCommand } from './initCommand.js';
import { mergeCommand } from './mergeCommand.js';
import { planCommand } from './planCommand.js';
import { runCommand } from './runCommand.js';
import { schemaCommand } from './schemaCommand.js';
import { serveCommand } from './serveCommand.js';
import { sweepCommand } from './sweepCommand.js';

export const COMMANDS: readonly Command[] = [
  runCommand,
  sweepCommand,
  planCommand,
  mergeCommand,
  compareCommand,
  fitCommand,
  initCommand,
  serveCommand,
  schemaCommand,
];

/** The commands that are not in the list but in yargs's hands: help and completion. */
export const BUILT_IN = ['help', 'completion'] as const;

export function commandNames(): string[] {
  return [...COMMANDS.map(commandName), ...BUILT_IN];
}

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => commandName(c) === name);
}

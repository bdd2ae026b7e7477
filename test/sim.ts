// `sim` run inside the test's own process, as the command line runs it: its exit code and
// what it wrote to stdout and stderr.
import { main, type Io } from '../src/cli/main.js';

export interface SimRun {
  code: number;
  out: string;
  err: string;
}

/** `sim argv...` */
export function sim(...argv: string[]): Promise<SimRun> {
  return simArgv(argv);
}

/** `sim` with its arguments in a list, and some of the process's I/O changed (stderr a terminal, its width). */
export async function simArgv(argv: readonly string[], io: Partial<Io> = {}): Promise<SimRun> {
  let out = '';
  let err = '';
  const code = await main([...argv], { out: (t) => (out += t), err: (t) => (err += t), ...io });
  return { code, out, err };
}

// The folder `--plot` writes to: made ready before the run, so that one that cannot be
// written fails at once, in one line (exit 2), with no report printed. Light on
// purpose: the CLI loads it on every run, and the renderers only when they are needed.
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { UserError } from '../scenario/errors.js';

export const DEFAULT_PLOT_DIR = 'plots';

/** Creates DIR if needed and checks that files can be written in it, before any work. */
export function preparePlotDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw plotError(dir, e);
  }
}

/** The one-line error for a path under DIR that cannot be written. */
export function plotError(path: string, e: unknown): UserError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOTDIR' || code === 'EEXIST'
        ? 'a file is in the way where a directory should be'
        : code === 'EROFS'
          ? 'read-only file system'
          : code === 'ENOSPC'
            ? 'no space left on the device'
            : (e as Error).message;
  return new UserError(`--plot ${path}: cannot write the charts: ${why}`);
}

// The folder `--plot` writes to: made ready before the run, so that one that cannot be
// written fails at once, in one line (exit 2), with no report printed. Light on
// purpose: the CLI loads it on every run, and the renderers only when they are needed.
import { accessSync, constants, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../scenario/errors.js';
import { optionalValue } from './flags.js';

/**
 * Where `--plot` with no folder writes: ./sim-plots/<scenario>/ for a run, never into the
 * package's own folders. A sweep and a plan write beside it, in <scenario>-sweep and
 * <scenario>-plan: each writes its own report.html, and one folder had the last one only.
 */
export const DEFAULT_PLOT_DIR = 'sim-plots/<scenario>';

/** `--plot`'s folder: the one given, or ./sim-plots/<scenario name><suffix>/ when none is. */
export function plotDirFor(value: unknown, scenario: string, suffix: '' | '-sweep' | '-plan' = ''): string | undefined {
  const plot = optionalValue('--plot', value, 'plots');
  if (plot === undefined) return undefined;
  if (plot !== '') return plot;
  // A name is the user's text: keep it to one folder's worth of safe characters.
  const safe =
    scenario
      .replace(/[^\w.-]+/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 100) || 'scenario';
  return join('sim-plots', `${safe}${suffix}`);
}

/** Creates DIR if needed and checks that files can be written in it, before any work. */
export function preparePlotDir(dir: string): void {
  try {
    makeFolders(dir);
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw plotError(dir, e);
  }
  // A folder where a chart's file goes (DIR/latency.svg/) failed only when that chart was
  // written, after the report was printed and the charts before it were written (exit 2,
  // "--plot DIR/latency.svg: cannot write the charts: DIR/latency.svg: cannot write: ...").
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    // A link to nothing is a file to be replaced, as atomicWrite replaces one.
    const isFolder = PLOT_FILE.test(name) && (statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false);
    if (isFolder) throw plotError(path, Object.assign(new Error(path), { code: 'EISDIR' }));
  }
}

/** The names writePlots gives its files: NAME.vl.json, NAME.svg, NAME.png and report.html. */
const PLOT_FILE = /\.(?:vl\.json|svg|png)$|^report\.html$/;

/**
 * mkdir -p, one folder at a time. Node's own (mkdirSync with recursive) spins for ever on a
 * parent that is there but takes no new folder: under /proc, mkdir /proc/x answers ENOENT,
 * and Node makes /proc (EEXIST) and tries /proc/x again, at 100 % of a core.
 */
function makeFolders(dir: string): void {
  try {
    mkdirSync(dir);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw e;
  }
  makeFolders(dirname(dir));
  try {
    mkdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    // The parent is there now, and still no folder can be made in it.
    throw code === 'ENOENT' ? Object.assign(new Error(dir), { code: 'ENOFOLDER', path: dir }) : e;
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
            : code === 'EISDIR'
              ? 'a folder is in the way where a chart file goes: move it, or give --plot another folder'
              : code === 'ENOFOLDER'
                ? `no folder can be made at ${(e as NodeJS.ErrnoException).path}: its parent takes none (a file system such as /proc, or a symbolic link to nothing)`
                : code === 'ENOENT'
                  ? 'no such folder'
                  : (e as Error).message;
  return new UserError(`--plot ${path}: cannot write the charts: ${why}`);
}

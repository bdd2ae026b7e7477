// Writes a file so that a reader sees the old content or the new, never half of it: the
// text goes to a temporary file beside the target, which is then renamed over it (a
// rename within one directory is atomic on POSIX file systems).
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../scenario/errors.js';

export function writeFileAtomic(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw new UserError(`${path}: cannot write: ${(e as Error).message}`);
  }
}

// Writes a file so that a reader never sees half of it: the bytes go to a temporary file
// in the same folder (same file system, so the rename is atomic), which then replaces
// the target. A failed write leaves the old file as it was and no temporary behind.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function atomicWrite(path: string, data: string | Uint8Array): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw e;
  }
}

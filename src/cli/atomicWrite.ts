// Writes a file so that a reader, or a run interrupted half-way, finds either the old
// file or the new one, never part of one: the bytes go to a temporary file in the same
// folder (one file system, so the rename is atomic on POSIX), are flushed to disk, and
// the temporary file then replaces the target. A failed write leaves no temporary file
// behind. Every command that writes files goes through here.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as msg from '../messages.js';
import { UserError } from '../scenario/errors.js';

let written = 0;

export function atomicWrite(path: string, data: string | Uint8Array): void {
  // pid and a counter: two writers (processes, or two writes in one) never share a temporary.
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${written++}.tmp`);
  try {
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (e) {
    rmSync(temporary, { force: true });
    const err = e as NodeJS.ErrnoException;
    // The user chose the path: a missing folder or a read-only one is bad input, not a bug.
    if (typeof err.code === 'string') throw new UserError(`${path}: ${msg.cannotWrite(describeErrno(err))}`);
    throw e;
  }
}

function describeErrno(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT':
      return 'no such folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return e.message;
  }
}

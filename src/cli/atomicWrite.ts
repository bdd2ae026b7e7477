// Writes a file so that a reader, or a run interrupted half-way, finds either the old
// file or the new one, never part of one: the bytes go to a temporary file in the same
// folder (one file system, so the rename is atomic on POSIX), are flushed to disk, and
// the temporary file then replaces the target. A failed write leaves no temporary file
// behind. Every command that writes files goes through here.
//
// A symbolic link stays a link: the file it points to is replaced. A named pipe or a
// device (/dev/stdout, a FIFO a script reads) cannot be replaced: it is written into.
import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  lstatSync,
  openSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import * as msg from '../messages.js';
import { UserError } from '../scenario/errors.js';

let written = 0;

/**
 * `flag` names the option that chose the path (`--out`), for the message. Call
 * checkWritable first, before the work, so that a bad path fails before anything is lost.
 */
export function atomicWrite(path: string, data: string | Uint8Array | Iterable<string>, flag?: string): void {
  const where = flag === undefined ? path : `${flag} ${path}`;
  checkFileName(path, where);
  let target: string;
  try {
    target = resolveTarget(path);
  } catch (e) {
    throw writeError(where, e);
  }
  if (isSpecial(target)) {
    writeInto(target, data, where);
    return;
  }
  // A folder, however spelt: "." was renamed over ("EBUSY: resource busy or locked, rename
  // '...1234.0.tmp' -> '.'"), and "out/" said "a file is in the way where a folder should be".
  let existing: ReturnType<typeof statOrUndefined>;
  try {
    existing = statOrUndefined(target);
  } catch (e) {
    throw writeError(where, e);
  }
  if (existing?.isDirectory()) throw writeError(where, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
  const temporary = temporaryFor(target);
  try {
    const fd = create(temporary);
    try {
      writeAll(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
  } catch (e) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // The folder itself is not there or not one (ENOTDIR): there is no temporary to remove.
    }
    throw writeError(where, e);
  }
}

/**
 * Fails now, before a long run, if `path` could not be written later: its folder is
 * missing, is a file, is read-only, or the path is a folder; or if it is one of the
 * command's `inputs` (`sim run s.json --out s.json` replaced the scenario with its report).
 */
export function checkWritable(path: string, flag?: string, inputs: readonly string[] = []): void {
  const where = flag === undefined ? path : `${flag} ${path}`;
  checkNotInput(path, where, inputs);
  checkFileName(path, where);
  try {
    const target = resolveTarget(path);
    if (isSpecial(target)) {
      accessSync(target, constants.W_OK);
      return;
    }
    const existing = statOrUndefined(target);
    if (existing?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const folder = dirname(target);
    if (!statSync(folder).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(folder, constants.W_OK);
    // A file made and removed, as the write will: a folder that takes none though it may be
    // written (/proc, /sys to root) failed only once the work was done, "no such folder".
    const probe = temporaryFor(target);
    closeSync(create(probe));
    rmSync(probe, { force: true });
  } catch (e) {
    throw writeError(where, e);
  }
}

/**
 * A path ending in "/" names a folder: one that is there is "is a directory" (below), one
 * that is not was written to after the work and refused as "a file is in the way where a
 * folder should be" (ENOTDIR), with no file in the way.
 */
function checkFileName(path: string, where: string): void {
  if (!path.endsWith('/') && !path.endsWith(sep)) return;
  if (statOrUndefinedQuiet(path)?.isDirectory()) return;
  throw new UserError(`${where}: ${msg.cannotWrite(msg.folderName)}`);
}

function statOrUndefinedQuiet(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** A temporary file beside `target`: pid and a counter, so two writers (processes, or two writes in one) never share one. */
function temporaryFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${written++}.tmp`);
}

/** Creates `path`, new; in a folder that exists, ENOENT is the folder refusing new files (/proc). */
function create(path: string): number {
  try {
    return openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && statOrUndefined(dirname(path))?.isDirectory())
      throw Object.assign(new Error('no new file in this folder'), { code: 'ENOFILES' });
    throw e;
  }
}

/**
 * Fails when an output (`where`: the flag and the path as typed) would replace one of the
 * files the command reads. On its own for an output written later and elsewhere, whose
 * folder need not exist yet: the merge of a Slurm job that `sim sweep --emit` writes.
 */
export function checkNotInput(path: string, where: string, inputs: readonly string[]): void {
  const input = inputs.find((i) => resolve(i) === resolve(path) || sameFile(path, i));
  if (input !== undefined) throw new UserError(`${where}: ${msg.outputIsInput(input)}`);
}

/**
 * Fails when two of a command's outputs (flag and path, a path undefined when the flag is
 * not given or writes to stdout) name one file: `--out r.txt --json r.txt` kept one of them.
 */
export function checkDistinct(outputs: readonly (readonly [string, string | undefined])[]): void {
  // A pipe or a device (/dev/stdout) takes both, one after the other.
  const given = outputs.filter((o): o is readonly [string, string] => o[1] !== undefined && o[1] !== '' && !special(o[1]));
  given.forEach(([flag, path], i) => {
    const earlier = given.slice(0, i).find(([, p]) => resolve(p) === resolve(path) || sameFile(p, path));
    if (earlier !== undefined) throw new UserError(`${flag} ${path}: ${msg.outputTwice(earlier[0])}`);
  });
}

/** A pipe or a device (/dev/stdout, a FIFO): written through, nothing in it is replaced. */
export function special(path: string): boolean {
  try {
    return isSpecial(resolveTarget(path));
  } catch {
    return false;
  }
}

/** Whether two paths name one regular file (through links, or spelt differently); false when either is not one. */
function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.isFile() && y.isFile() && x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** The file a path names: through a symbolic link (kept as a link) when it is one. */
function resolveTarget(path: string): string {
  for (let hops = 0; hops < 40; hops++) {
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return path;
      throw e;
    }
    if (!st.isSymbolicLink()) return path;
    // A link to a pipe, a socket or a terminal is written through as it is: /dev/stdout ->
    // /proc/self/fd/1 -> "pipe:[123]", which names no file (`--out /dev/stdout | less` was
    // "cannot write: no such folder").
    if (isSpecial(path)) return path;
    // Followed one link at a time, so a dangling one names the file to create.
    const link = readlinkSync(path);
    path = isAbsolute(link) ? link : join(dirname(path), link);
  }
  throw Object.assign(new Error('too many symbolic links'), { code: 'ELOOP' });
}

/** A named pipe, socket or device: there is nothing to rename over, only a stream to write. */
function isSpecial(path: string): boolean {
  const st = statOrUndefined(path);
  return st !== undefined && !st.isFile() && !st.isDirectory();
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function writeInto(path: string, data: string | Uint8Array | Iterable<string>, where: string): void {
  try {
    const fd = openSync(path, 'w');
    try {
      writeAll(fd, data);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw writeError(where, e);
  }
}

function writeAll(fd: number, data: string | Uint8Array | Iterable<string>): void {
  const pieces = typeof data === 'string' ? [data] : data instanceof Uint8Array ? [data] : batched(data);
  for (const piece of pieces) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
  }
}

/**
 * Small pieces (a sweep's points) joined into strings of about `size` characters: one
 * write each, and never one string of the whole, which can be longer than V8's longest.
 */
export function* batched(pieces: Iterable<string>, size = 1 << 20): Generator<string> {
  let parts: string[] = [];
  let length = 0;
  for (const piece of pieces) {
    parts.push(piece);
    length += piece.length;
    if (length >= size) {
      yield parts.join('');
      parts = [];
      length = 0;
    }
  }
  if (length > 0) yield parts.join('');
}

function writeError(where: string, e: unknown): unknown {
  const err = e as NodeJS.ErrnoException;
  // The user chose the path: a missing folder or a read-only one is bad input, not a bug.
  if (typeof err.code === 'string') return new UserError(`${where}: ${msg.cannotWrite(describeErrno(err))}`);
  return e;
}

export function describeErrno(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT':
      return 'no such folder';
    case 'ENOFILES':
      // Not the system's: create() above, for a folder that exists and takes no new file.
      return 'its folder takes no new files (a file system such as /proc or /sys), expected a folder of ordinary files';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, expected a file name';
    case 'ENOTDIR':
      return 'a file is in the way where a folder should be';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'a name too long for the file system';
    case 'EPIPE':
      return 'the command reading the pipe closed it';
    case 'ENXIO':
      // /dev/stdout when it is a socket (Node's child_process makes one): it has no name to open.
      return "a socket, which cannot be opened by its name (as /dev/stdout is when a program such as Node's child_process reads it): leave the file out to write to standard output";
    default:
      return e.message;
  }
}

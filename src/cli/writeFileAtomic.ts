// Writes a file so that a reader sees the old content or the new, never half of it
// (atomicWrite.ts says how); a failure is the user's to fix, reported as one line.
import { UserError } from '../scenario/errors.js';
import { atomicWrite } from './atomicWrite.js';

export function writeFileAtomic(path: string, text: string): void {
  try {
    atomicWrite(path, text);
  } catch (e) {
    throw new UserError(`${path}: cannot write: ${(e as Error).message}`);
  }
}

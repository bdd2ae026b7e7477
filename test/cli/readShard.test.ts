// A shard over the input-size limit is read point by point; one in another encoding than
// UTF-8 is refused by its name, as a file within the limit is (loadScenarioFile.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readShard } from '../../src/cli/readShard.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-shard-'));
const HEADER = '{\n  "sweep": {\n    "scenario": "s"\n  },\n  "points": [\n  ]\n}\n';

/** `text` in UTF-32 of the byte order given. */
function utf32(text: string, order: 'LE' | 'BE'): Buffer {
  const chars = [...text];
  const b = Buffer.alloc(4 * chars.length);
  chars.forEach((c, i) => {
    if (order === 'LE') b.writeUInt32LE(c.codePointAt(0)!, 4 * i);
    else b.writeUInt32BE(c.codePointAt(0)!, 4 * i);
  });
  return b;
}

afterEach(() => {
  delete process.env.SIM_MAX_INPUT_MB;
});

describe('a shard over the input-size limit, in UTF-16 or UTF-32', () => {
  // Hardening: its UTF-32LE (FF FE 00 00 ...) was named UTF-16LE, to convert with iconv -f UTF-16.
  it.each([
    ['UTF-16LE', Buffer.from(`\ufeff${HEADER}`, 'utf16le')],
    ['UTF-32LE', utf32(`\ufeff${HEADER}`, 'LE')],
    ['UTF-32BE', utf32(HEADER, 'BE')],
  ])('is named as %s text', (encoding, bytes) => {
    const path = join(dir, `${encoding}.json`);
    writeFileSync(path, bytes);
    process.env.SIM_MAX_INPUT_MB = String(32 / 1048576);
    expect(() => readShard(path)).toThrow(`${path}: cannot read the shard: ${encoding} text`);
  });
});

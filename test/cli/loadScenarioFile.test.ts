// Reading an input file: every input is UTF-8, and one in another encoding is refused by
// its name, with the conversion that makes it UTF-8.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readText } from '../../src/cli/loadScenarioFile.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-read-'));
const TEXT = '{"seed": 1}\n';

/** The message readText throws for `bytes` saved as a file. */
function refusal(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  try {
    readText(path, 'the scenario', 'a scenario .json file', 'json');
  } catch (e) {
    return (e as Error).message.replace(`${path}: `, '');
  }
  throw new Error('expected an error');
}

const utf32 = (order: 'LE' | 'BE', mark: boolean) => {
  const chars = [...(mark ? '\ufeff' : ''), ...TEXT];
  const b = Buffer.alloc(4 * chars.length);
  chars.forEach((c, i) => {
    if (order === 'LE') b.writeUInt32LE(c.codePointAt(0)!, 4 * i);
    else b.writeUInt32BE(c.codePointAt(0)!, 4 * i);
  });
  return b;
};

describe('readText names the encoding of a file that is not UTF-8', () => {
  it('UTF-16, with or without its byte-order mark', () => {
    expect(refusal('le16.json', Buffer.from(`\ufeff${TEXT}`, 'utf16le'))).toMatch(/^cannot read the scenario: UTF-16LE text/);
    expect(refusal('le16-bare.json', Buffer.from(TEXT, 'utf16le'))).toMatch(/^cannot read the scenario: UTF-16LE text/);
  });

  // Hardening: PowerShell's Out-File -Encoding utf32 (UTF-32LE with its mark) was named
  // UTF-16LE, to be converted with iconv -f UTF-16; UTF-32BE was "not valid JSON: got "\u0000"".
  it.each([
    ['LE', true],
    ['LE', false],
    ['BE', true],
    ['BE', false],
  ] as const)('UTF-32%s (byte-order mark: %s)', (order, mark) => {
    expect(refusal(`32-${order}-${mark}.json`, utf32(order, mark))).toBe(
      `cannot read the scenario: UTF-32${order} text, expected UTF-8: convert it (iconv -f UTF-32 -t UTF-8, or Out-File -Encoding utf8)`,
    );
  });

  it('reads UTF-8, with or without its byte-order mark', () => {
    writeFileSync(join(dir, 'ok.json'), `\ufeff${TEXT}`);
    expect(readText(join(dir, 'ok.json'), 'the scenario', 'a scenario .json file', 'json')).toBe(`\ufeff${TEXT}`);
  });
});

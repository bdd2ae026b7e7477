// The README shows real output: these tests fail when the code's output moves on.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

const readme = readFileSync('README.md', 'utf8');

/** The fenced block that follows the line `$ <command>` in the README. */
function shownOutput(command: string): string {
  const start = readme.indexOf(`$ ${command}\n`);
  if (start < 0) throw new Error(`README has no "$ ${command}"`);
  const from = start + command.length + 3;
  return readme.slice(from, readme.indexOf('```', from));
}

async function output(argv: string[]): Promise<string> {
  let out = '';
  await main(argv, { out: (t) => (out += t), err: () => {} });
  return out;
}

describe('README examples', () => {
  it('sim run scenarios/gevent-125.json prints what the README shows', async () => {
    expect(await output(['run', 'scenarios/gevent-125.json'])).toBe(shownOutput('npx sim run scenarios/gevent-125.json'));
  });
});

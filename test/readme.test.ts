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

describe('README example of sim run --sensitivity', () => {
  it('prints the line the README shows', async () => {
    const command = 'npx sim run calibration/fitted-linux-2core.json --set client.concurrency=125 --set client.requests=125 --sensitivity | tail -1';
    const out = await output(command.split(' | ')[0].split(' ').slice(2));
    expect(out.trimEnd().split('\n').at(-1) + '\n').toBe(shownOutput(command));
  });
});

describe('README examples of sim sweep and sim plan', () => {
  const shown: [string, string[]][] = [
    ['npx sim sweep scenarios/gevent-100.json --vary client.concurrency,client.requests=10..150:5', ['--jobs', '1']],
    ['npx sim sweep scenarios/mmc-sync.json', ['--jobs', '2']],
    ['npx sim plan scenarios/plan-800.json --target-rps 780 --p99 300ms', ['--jobs', '2']],
  ];
  for (const [command, jobs] of shown) {
    it(`${command.slice(4)} prints what the README shows`, async () => {
      expect(await output([...command.split(' ').slice(2), ...jobs])).toBe(shownOutput(command));
    });
  }

  it('the CSV example', async () => {
    const command = 'npx sim sweep scenarios/sweep-article.json --vary client.concurrency,client.requests=99..102 --csv | head -3';
    const csv = await output(['sweep', 'scenarios/sweep-article.json', '--vary', 'client.concurrency,client.requests=99..102', '--csv']);
    expect(csv.split('\r\n').slice(0, 3).join('\n') + '\n').toBe(shownOutput(command));
  });
});

// The report's Summary as hey prints it, where hey has something particular to say.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { heyText } from '../../src/report/heyText.js';
import { run } from '../helpers.js';

const summaryLines = (text: string) => text.split('\n').filter((l) => /^ {2}(Slowest|Fastest|Average):/.test(l));

describe("the report's Summary", () => {
  it('with no response, reads as hey 0.1.4 prints it: slowest and fastest 0, the average NaN', () => {
    // Every request times out (client.timeout 1 ms against a 1 s query).
    const { summary } = run({ client: { timeout: 0.001 } });
    expect(summary.statusCodes).toEqual({});
    // A real hey run whose every connection was refused (test/fixtures/hey).
    const real = readFileSync('test/fixtures/hey/refused-c2-n10.r1.txt', 'utf8');
    expect(summaryLines(heyText(summary))).toEqual(summaryLines(real));
    expect(summaryLines(real)).toEqual(['  Slowest:\t0.0000 secs', '  Fastest:\t0.0000 secs', '  Average:\t NaN secs']);
  });

  it('with responses, gives each figure to four places', () => {
    const { summary } = run();
    const lines = summaryLines(heyText(summary));
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toMatch(/^ {2}\w+:\t\d+\.\d{4} secs$/);
  });
});

// The PNG's text is drawn in the packaged DejaVu Sans only (src/charts/render.ts), so its
// bytes cannot depend on the fonts a machine has. Each family below is on some machines
// and not on others (DejaVu Serif and DejaVu Sans Mono come with Debian's fonts-dejavu,
// which this project's machines have): if the machine's fonts were loaded again, a text
// asking for one of them would be drawn in it where it is installed, and differ here.
import { describe, expect, it, vi } from 'vitest';
import { PNG_FONT_FAMILY, renderPng } from '../../src/charts/render.js';

vi.setConfig({ testTimeout: 300_000 });

/** Regular and bold text, as the charts have, asking for `family`. */
function textSvg(family: string): string {
  const text = (y: number, weight: string, words: string) =>
    `<text x="6" y="${y}" font-family="${family}" font-size="14px" font-weight="${weight}">${words}</text>`;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="64">',
    text(22, 'normal', 'Requests/sec 0123456789 p99 (s) WMgjy'),
    text(48, 'bold', 'Response time histogram'),
    '</svg>',
  ].join('');
}

const ONLY_ON_SOME_MACHINES = [
  'Liberation Sans, Arial, Helvetica, sans-serif',
  'Arial',
  'Helvetica',
  'DejaVu Serif, sans-serif',
  'DejaVu Sans Mono',
  'Noto Sans, FreeSans, Cantarell',
  'serif',
  'monospace',
  'a family no machine has',
];

describe('text in the PNG', () => {
  it('is drawn in the packaged font whatever family the SVG asks for', async () => {
    const packaged = await renderPng(textSvg(PNG_FONT_FAMILY));
    for (const family of ONLY_ON_SOME_MACHINES) {
      expect(Buffer.compare(await renderPng(textSvg(family)), packaged), family).toBe(0);
    }
  });

  it('is drawn at all (the sameness above is not that of blank pictures)', async () => {
    const blank = await renderPng('<svg xmlns="http://www.w3.org/2000/svg" width="320" height="64"></svg>');
    expect(Buffer.compare(await renderPng(textSvg(PNG_FONT_FAMILY)), blank)).not.toBe(0);
  });

  it('has its bold face: bold and regular text differ', async () => {
    const bold = textSvg(PNG_FONT_FAMILY);
    const regular = bold.replace('font-weight="bold"', 'font-weight="normal"');
    expect(regular).not.toBe(bold);
    expect(Buffer.compare(await renderPng(regular), await renderPng(bold))).not.toBe(0);
  });
});

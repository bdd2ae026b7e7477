// The example charts committed under plots/ (one of them is in the README) are what the
// current code produces: `node plots/make.mjs DIR` regenerates them all into a temporary
// folder (from dist/, which `npm test` builds first) and every file must show the same
// thing, compared by structure, not by bytes (test/charts/structure.ts): a spec's data,
// marks, encodings and titles; an SVG's marks, words and data geometry (within half a
// pixel); a page's report text, charts and scripts. So a Vega update or another machine's
// fonts leave them alone, and a change in what a chart shows does not. After changing a
// chart, `npm run plots` rewrites them. The PNGs alone are compared by bytes, each with
// its committed SVG drawn again (below).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it, vi } from 'vitest';
import { PNG_SCALE, renderPng } from '../../src/charts/render.js';
import { geometryDifference, htmlStructure, specStructure, svgStructure, textsDifference } from './structure.js';

vi.setConfig({ testTimeout: 300_000 });

const fresh = mkdtempSync(join(tmpdir(), 'sim-examples-'));
execFileSync(process.execPath, ['plots/make.mjs', fresh], { stdio: 'pipe' });

const files = (root: string) =>
  readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(root, f)).isFile())
    .sort();
const committed = files('plots').filter((f) => f !== 'make.mjs');
const read = (f: string) => [readFileSync(join('plots', f), 'utf8'), readFileSync(join(fresh, f), 'utf8')];
const kind = (ext: string) => committed.filter((f) => f.endsWith(ext));

describe('the committed example charts', () => {
  it('are exactly the files the generator writes', () => {
    expect(committed).toEqual(files(fresh));
    expect(committed.length).toBe(kind('.vl.json').length * 3 + kind('.html').length + kind('sweep.json').length);
  });

  it.each(kind('.vl.json'))('plots/%s has the data, marks, encodings and titles the current code gives it', (f) => {
    const [shown, current] = read(f).map((t) => specStructure(JSON.parse(t)));
    expect(shown).toEqual(current);
  });

  it.each(kind('.svg'))('plots/%s draws the same marks, words and data as the current code', (f) => {
    const [shown, current] = read(f).map(svgStructure);
    expect(shown.marks.filter((m) => m.mark.includes(' role-mark')).length).toBeGreaterThan(0);
    expect(shown.marks).toEqual(current.marks);
    expect(textsDifference(shown.texts, current.texts)).toBeUndefined();
    expect(geometryDifference(shown.geometry, current.geometry)).toBeUndefined();
  });

  it.each(kind('.html'))('plots/%s shows the same report and charts as the current code', (f) => {
    const [shown, current] = read(f).map(htmlStructure);
    expect(shown.charts.length).toBeGreaterThan(0);
    expect(shown.scripts).toEqual(['vega', 'vega-lite', 'vega-embed']);
    expect(shown).toEqual(current);
  });

  it.each(kind('sweep.json'))('plots/%s holds the points the current code computes', (f) => {
    const [shown, current] = read(f).map((t) => JSON.parse(t));
    expect(shown).toEqual(current);
  });

  // A PNG is the SVG committed beside it drawn at PNG_SCALE, byte for byte: resvg and the
  // font it draws in are pinned packages, not the machine's, so any machine draws the same
  // (a PNG drawn elsewhere in other fonts fails here). After updating either package,
  // `npm run plots` redraws them.
  it.each(kind('.png'))('plots/%s is its SVG drawn at PNG_SCALE, byte for byte', async (f) => {
    const committedPng = readFileSync(join('plots', f));
    const svg = readFileSync(join('plots', f.replace(/\.png$/, '.svg')), 'utf8');
    const png = PNG.sync.read(committedPng);
    const [, width, height] = /^<svg[^>]*\swidth="([\d.]+)"\s+height="([\d.]+)"/.exec(svg)!.map(Number);
    expect([png.width, png.height]).toEqual([Math.round(width * PNG_SCALE), Math.round(height * PNG_SCALE)]);
    expect(Buffer.compare(await renderPng(svg), committedPng), 'not what its SVG draws now').toBe(0);
  });

  it("include the README's example chart, which the README shows", () => {
    const readme = readFileSync('README.md', 'utf8');
    const shown = [...readme.matchAll(/!\[[^\]]*\]\((plots\/[^)]+\.png)\)/g)].map((m) => m[1]);
    expect(shown.length).toBeGreaterThan(0);
    for (const png of shown) expect(committed).toContain(png.slice('plots/'.length));
  });
});

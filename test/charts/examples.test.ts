// The example charts committed under plots/ (one of them is in the README) are what the
// current code produces: `node plots/make.mjs DIR` regenerates them all into a temporary
// folder (from dist/, which `npm test` builds first) and every file must match. Specs,
// SVGs and HTML byte for byte; PNGs in size only, as their text is drawn with the
// machine's fonts. After changing a chart, `npm run plots` rewrites them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 300_000 });

const fresh = mkdtempSync(join(tmpdir(), 'sim-examples-'));
execFileSync(process.execPath, ['plots/make.mjs', fresh], { stdio: 'pipe' });

const files = (root: string) =>
  readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(root, f)).isFile())
    .sort();
const committed = files('plots').filter((f) => f !== 'make.mjs');

describe('the committed example charts', () => {
  it('are exactly the files the generator writes', () => {
    expect(committed).toEqual(files(fresh));
  });

  it.each(committed.filter((f) => !f.endsWith('.png')))('plots/%s is what the current code produces (npm run plots)', (f) => {
    expect(readFileSync(join('plots', f), 'utf8') === readFileSync(join(fresh, f), 'utf8')).toBe(true);
  });

  it.each(committed.filter((f) => f.endsWith('.png')))('plots/%s has the size the current code gives it', (f) => {
    const [a, b] = [join('plots', f), join(fresh, f)].map((p) => PNG.sync.read(readFileSync(p)));
    expect([a.width, a.height]).toEqual([b.width, b.height]);
  });

  it("include the README's example chart, which the README shows", () => {
    const readme = readFileSync('README.md', 'utf8');
    const shown = [...readme.matchAll(/!\[[^\]]*\]\((plots\/[^)]+\.png)\)/g)].map((m) => m[1]);
    expect(shown.length).toBeGreaterThan(0);
    for (const png of shown) expect(committed).toContain(png.slice('plots/'.length));
  });
});

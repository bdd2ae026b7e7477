// npm run build:web: a folder that can be published as it is. Everything the page needs
// is in it (no CDN), and its scenario list is the scenarios folder.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildSite, SITE_FILES } from '../../src/web/buildSite.js';

// Bundling takes a second or two on a busy machine; nothing here is about how long.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const out = join(mkdtempSync(join(tmpdir(), 'sim-site-')), 'site');
let files: string[];
beforeAll(async () => {
  files = await buildSite(out);
});
afterAll(() => rmSync(join(out, '..'), { recursive: true, force: true }));

describe('the static site', () => {
  it('holds the page, its worker, and a copy of every scenario with their index', () => {
    for (const f of SITE_FILES) expect(files).toContain(f);
    const scenarios = readdirSync('scenarios').filter((f) => f.endsWith('.json') && f !== 'schema.json');
    for (const f of scenarios) expect(readFileSync(join(out, 'scenarios', f), 'utf8')).toBe(readFileSync(join('scenarios', f), 'utf8'));
    const index = JSON.parse(readFileSync(join(out, 'scenarios', 'index.json'), 'utf8'));
    expect(index.default).toBe('gevent-100');
    expect(index.scenarios.map((s: { name: string }) => `${s.name}.json`).sort()).toEqual(scenarios.sort());
    expect(index.scenarios.find((s: { name: string }) => s.name === 'gevent-100')).toMatchObject({
      url: 'scenarios/gevent-100.json',
      file: 'scenarios/gevent-100.json',
    });
  });

  it('loads only its own files: relative addresses, no script from elsewhere', () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const refs = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(refs.sort()).toEqual(['data:,', 'page.js', 'style.css']);
    // The page starts its worker beside itself.
    expect(readFileSync(join(out, 'page.js'), 'utf8')).toMatch(/new URL\("\.\/worker\.js",import\.meta\.url\)/);
  });

  it('bundles Vega, Vega-Lite, vega-embed and the simulator, so nothing is fetched from a CDN', () => {
    const page = readFileSync(join(out, 'page.js'), 'utf8');
    const worker = readFileSync(join(out, 'worker.js'), 'utf8');
    expect(page).not.toMatch(/^\s*import\s/m); // one self-contained module
    expect(worker).not.toMatch(/^\s*import\s/m);
    expect(page).toContain('vega-embed');
    expect(worker).toContain('psycopg2.OperationalError'); // the model is in the worker
    expect(page).not.toContain('psycopg2.OperationalError'); // and not in the page
  });
});

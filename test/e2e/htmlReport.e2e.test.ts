// The HTML report as a person opens it: headless Chromium (Debian's package, driven by
// playwright-core) loads report.html from disk with the network cut off, and every
// chart must be drawn with marks in it and nothing logged as an error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, pageProblems } from '../support/chromium.js';

// Starting a browser takes seconds on a busy machine; no test here is about how long.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

// CI installs Chromium (.ci/run) and must run this; elsewhere it is skipped without one.

describe.skipIf(!chromiumAvailable)('the HTML report in Chromium', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sim-e2e-'));
  let browser: BrowserContext;

  beforeAll(async () => {
    browser = await chromium.launchPersistentContext(join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      offline: true,
      viewport: { width: 1280, height: 900 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it.each(['gevent-125', 'gevent-4x100-actors'])('draws every chart of %s, offline, without a console error', async (name) => {
    const dir = join(tmp, name);
    expect(await main(['run', `scenarios/${name}.json`, '--plot', dir], { out: () => {}, err: () => {} })).toBe(0);
    const page = await browser.newPage();
    const problems = pageProblems(page);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));

    const url = pathToFileURL(join(dir, 'report.html')).href;
    await page.goto(url);
    const charts = ['timeline', 'latency', 'status'];
    // vega-embed draws each chart as an SVG whose marks sit in groups of class mark-*.
    // (The page's code is given as text: this project's types do not include the DOM.)
    const ids = JSON.stringify(charts.map((c) => `chart-${c}`));
    await page.waitForFunction(
      `${ids}.every((id) => { const div = document.getElementById(id);
         return div.classList.contains('failed') || div.querySelector('svg.marks .mark-rect path, svg.marks .mark-area path') !== null; })`,
      undefined,
      { timeout: 120_000 },
    );
    const drawn = (await page.evaluate(`Object.fromEntries([...document.querySelectorAll('div.chart')].map((div) => [div.id, {
      marks: div.querySelectorAll('svg.marks .mark-rect path, svg.marks .mark-area path, svg.marks .mark-line path, svg.marks .mark-rule line').length,
      width: div.querySelector('svg.marks').getBoundingClientRect().width,
      failed: div.classList.contains('failed'),
    }]))`)) as Record<string, { marks: number; width: number; failed: boolean }>;
    expect(Object.keys(drawn)).toEqual(charts.map((c) => `chart-${c}`));
    for (const [id, d] of Object.entries(drawn)) {
      expect(d.failed, id).toBe(false);
      expect(d.marks, id).toBeGreaterThan(2);
      expect(d.width, id).toBeGreaterThan(500);
    }
    expect(await page.textContent('pre.report')).toContain('Requests/sec:');
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]); // the page fetched nothing but itself
    await page.close();
  });
});

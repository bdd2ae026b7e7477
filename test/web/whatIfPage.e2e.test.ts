// The what-if page as a person uses it: `sim serve` on loopback, Debian's Chromium driven
// by playwright-core. Change the worker connections of the article's gevent scenario and
// the page must show the numbers `sim run --set` prints for the same change, with nothing
// logged as an error and nothing fetched from anywhere but the server. It also measures
// how long a 1,000-request scenario takes to update (printed, never asserted).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, pageProblems } from '../support/chromium.js';

// Starting a browser takes seconds on a busy machine; no test here is about how long.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

// CI installs Chromium (.ci/run) and must run this; elsewhere it is skipped without one.

/** `UPDATE_SCREENSHOT=1` rewrites the README's picture; otherwise it goes to a temporary folder. */
const README_SCREENSHOT = 'docs/what-if-page.png';

async function sim(...argv: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  if (code !== 0) throw new Error(`sim ${argv.join(' ')}: exit ${code}: ${err}`);
  return out;
}

/** What the page shows: hey's headline figures, exact (data-value), as printed, and hey's report. */
async function shown(page: Page) {
  return (await page.evaluate(`(() => {
    const figure = (name) => document.querySelector('[data-figure="' + name + '"]');
    return {
      requestsPerSec: Number(figure('requestsPerSec').dataset.value),
      requestsPerSecText: figure('requestsPerSec').querySelector('dd').textContent,
      statusCodes: Object.fromEntries([...document.querySelectorAll('[data-status]')].map((f) => [f.dataset.status, Number(f.dataset.value)])),
      errors: Number(figure('errors').dataset.value),
      report: document.getElementById('report').textContent,
      command: document.getElementById('command').textContent,
      search: location.search,
    };
  })()`)) as {
    requestsPerSec: number;
    requestsPerSecText: string;
    statusCodes: Record<string, number>;
    errors: number;
    report: string;
    command: string;
    search: string;
  };
}

/** Waits until the newest what-if's run and sweep are drawn (or the page says it cannot). */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    `(document.body.dataset.state === 'ready' && document.body.dataset.sweep === 'done') || ['invalid', 'failed'].includes(document.body.dataset.state)`,
    undefined,
    { timeout: 240_000 },
  );
  expect(await page.evaluate(`document.body.dataset.state + ': ' + document.getElementById('status').textContent`)).toMatch(/^ready: /);
}

const numberBox = (page: Page, path: string) => page.locator(`[data-path="${path}"] input[type=number]`);

describe.skipIf(!chromiumAvailable)('the what-if page in Chromium, served by sim serve', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sim-web-e2e-'));
  let server: ChildProcess;
  let origin: string;
  let browser: BrowserContext;
  const offSite: string[] = [];
  let serveOutput = '';

  beforeAll(async () => {
    // The real command, on loopback, on a port the system picks.
    server = spawn(process.execPath, ['bin/sim.js', 'serve', 'scenarios/gevent-100.json', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    origin = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (chunk) => {
        out += chunk;
        const url = /Serving the what-if page at (http:\/\/127\.0\.0\.1:\d+)\/.*\n/.exec(out);
        if (url) {
          serveOutput = url[0];
          resolve(url[1]);
        }
      });
      server.stderr!.on('data', (chunk) => reject(new Error(`sim serve: ${chunk}`)));
      server.on('exit', (code) => reject(new Error(`sim serve exited with ${code}: ${out}`)));
    });
    browser = await chromium.launchPersistentContext(join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 1000 },
      acceptDownloads: true,
    });
    // Nothing leaves the machine: a request to anywhere but the server is refused and noted.
    await browser.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      offSite.push(url);
      return route.abort();
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (server !== undefined && server.exitCode === null) {
      const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
      server.kill('SIGTERM');
      // sim serve stops cleanly on SIGTERM: it closes its connections and exits 0.
      expect(await exited).toBe(0);
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  /** A page whose console errors and warnings, page errors and failed requests are collected. */
  async function open(path: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    const problems = pageProblems(page);
    await page.goto(`${origin}${path}`);
    await settled(page);
    return { page, problems };
  }

  it('starts as docs/serve.md shows', () => {
    const readme = readFileSync('docs/serve.md', 'utf8');
    const command = '$ npx sim serve scenarios/gevent-100.json\n';
    const shownLine = `${readme.slice(readme.indexOf(command) + command.length).split('\n')[0]}\n`;
    expect(serveOutput.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:8080')).toBe(shownLine); // the page's port is the default
  });

  it("shows sim run's numbers after the worker connections of the article's gevent scenario change, with no console error", async () => {
    const { page, problems } = await open('/');
    // The scenario sim serve was given opens first, at the article's numbers.
    const before = JSON.parse(await sim('run', 'scenarios/gevent-100.json', '--json'));
    expect((await shown(page)).requestsPerSec).toBe(before.summary.requestsPerSec);

    await numberBox(page, 'server.workerConnections').fill('50');
    await settled(page);

    const cli = JSON.parse(await sim('run', 'scenarios/gevent-100.json', '--json', '--set', 'server.workerConnections=50'));
    const page50 = await shown(page);
    expect(page50.requestsPerSec).toBe(cli.summary.requestsPerSec); // the same number, every digit
    expect(page50.requestsPerSecText).toBe(cli.summary.requestsPerSec.toFixed(4)); // as hey prints it
    expect(page50.statusCodes).toEqual(cli.statusCodes);
    expect(page50.errors).toBe(cli.summary.errors);
    expect(page50.requestsPerSec).not.toBe(before.summary.requestsPerSec); // the change mattered
    expect(page50.report).toBe(await sim('run', 'scenarios/gevent-100.json', '--set', 'server.workerConnections=50'));
    expect(page50.command).toBe('npx sim run scenarios/gevent-100.json --set server.workerConnections=50');
    expect(page50.search).toBe('?scenario=gevent-100&server.workerConnections=50');

    // Every chart drawn: the run's three and the sweep's two, each an SVG with marks.
    const charts = await page.evaluate(
      `[...document.querySelectorAll('.chart')].map((c) => c.id + ':' + c.querySelectorAll('svg.marks path, svg.marks line').length)`,
    );
    expect((charts as string[]).map((c) => c.split(':')[0])).toEqual([
      'chart-sweep-throughput',
      'chart-timeline',
      'chart-latency',
      'chart-status',
      'chart-sweep-latency',
    ]);
    for (const c of charts as string[]) expect(Number(c.split(':')[1]), c).toBeGreaterThan(2);

    const screenshot = process.env.UPDATE_SCREENSHOT === '1' ? README_SCREENSHOT : join(tmp, 'what-if-page.png');
    mkdirSync(join(screenshot, '..'), { recursive: true });
    await page.screenshot({ path: screenshot });
    expect(readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG');

    expect(problems).toEqual([]);
    expect(offSite).toEqual([]);
    await page.close();
  });

  it('reopens a shared link at the same what-if', async () => {
    const { page, problems } = await open('/?scenario=gevent-125&server.workerConnections=50&database.maxConnections=120');
    const cli = JSON.parse(
      await sim(
        'run',
        'scenarios/gevent-125.json',
        '--json',
        '--set',
        'server.workerConnections=50',
        '--set',
        'database.maxConnections=120',
      ),
    );
    const figures = await shown(page);
    expect(figures.requestsPerSec).toBe(cli.summary.requestsPerSec);
    expect(figures.statusCodes).toEqual(cli.statusCodes);
    // The controls show the link's values, marked as changed.
    expect(await numberBox(page, 'server.workerConnections').inputValue()).toBe('50');
    expect(await numberBox(page, 'database.maxConnections').inputValue()).toBe('120');
    expect(
      await page
        .locator('.control.changed')
        .evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { path: string } }).dataset.path)),
    ).toEqual(['server.workerConnections', 'database.maxConnections']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('opens a scenario from the list, and a file dropped on the page', async () => {
    const { page, problems } = await open('/');
    await page.selectOption('#scenario', 'gevent-125');
    await settled(page);
    const listed = JSON.parse(await sim('run', 'scenarios/gevent-125.json', '--json'));
    expect((await shown(page)).statusCodes).toEqual(listed.statusCodes); // 100 x 204, 25 x 500
    expect((await shown(page)).search).toBe('?scenario=gevent-125');

    // A file of the user's own: the article's -c 125 run against PostgreSQL with 200 connections.
    const mine = JSON.parse(readFileSync('scenarios/gevent-125.json', 'utf8'));
    mine.database.maxConnections = 200;
    delete mine.name;
    const file = join(tmp, 'raised-limit.json');
    writeFileSync(file, JSON.stringify(mine));
    const dropped = await page.evaluateHandle(`(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([${JSON.stringify(JSON.stringify(mine))}], 'raised-limit.json', { type: 'application/json' }));
      return transfer;
    })()`);
    await page.dispatchEvent('body', 'drop', { dataTransfer: dropped });
    await settled(page);
    const cli = JSON.parse(await sim('run', file, '--json'));
    const figures = await shown(page);
    expect(figures.requestsPerSec).toBe(cli.summary.requestsPerSec);
    expect(figures.statusCodes).toEqual({ '204': 125 });
    expect(figures.report).toBe(await sim('run', file)); // the name too: the file's, as sim run takes it
    // The link carries the dropped file whole: opened elsewhere, it is the same what-if.
    const again = await open(`/${figures.search}`);
    expect((await shown(again.page)).requestsPerSec).toBe(cli.summary.requestsPerSec);
    expect([...problems, ...again.problems]).toEqual([]);
    await again.page.close();
    await page.close();
  });

  it('downloads the what-if as a scenario that sim run accepts and simulates to the same numbers', async () => {
    const { page, problems } = await open('/?scenario=gevent-100&server.workerConnections=50&database.maxConnections=60');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toBe('gevent-100-what-if.json');
    const file = join(tmp, download.suggestedFilename());
    await download.saveAs(file);
    const fromFile = await sim('run', file, '--json');
    const withSet = await sim(
      'run',
      'scenarios/gevent-100.json',
      '--json',
      '--set',
      'server.workerConnections=50',
      '--set',
      'database.maxConnections=60',
    );
    expect(fromFile).toBe(withSet);
    expect(Number(JSON.parse(fromFile).summary.requestsPerSec)).toBe((await shown(page)).requestsPerSec);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('cancels a run in progress when a newer change comes, and shows the newest', async () => {
    // Four million requests take the worker seconds: the change below, sent as soon as
    // that run has started, finds it in progress.
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    await page.goto(`${origin}/?scenario=gevent-4x100-actors&client.requests=4000000`);
    await page.waitForFunction(`document.body.dataset.started === '1'`, undefined, { timeout: 240_000 });
    expect(await page.evaluate('document.body.dataset.state')).toBe('running');
    // The main thread is free while the worker runs: the page answers at once.
    expect(await page.evaluate('1 + 1')).toBe(2);
    await numberBox(page, 'client.requests').fill('1000');
    await settled(page);
    expect(await page.evaluate('document.body.dataset.cancelled')).toBe('1');
    const cli = JSON.parse(await sim('run', 'scenarios/gevent-4x100-actors.json', '--json', '--set', 'client.requests=1000'));
    const figures = await shown(page);
    expect(figures.requestsPerSec).toBe(cli.summary.requestsPerSec);
    expect(figures.statusCodes).toEqual(cli.statusCodes);
    expect(figures.search).toBe('?scenario=gevent-4x100-actors&client.requests=1000');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('updates a 1,000-request scenario: measured and printed, not asserted', async () => {
    const { page, problems } = await open('/?scenario=gevent-4x100-actors');
    // Main-thread tasks over 50 ms (drawing the charts): how long the page could not answer.
    await page.evaluate(
      `window.longTasks = []; new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' })`,
    );
    const rows: string[] = [];
    for (const workers of ['2', '5', '8', '3', '6']) {
      await numberBox(page, 'server.workers').fill(workers);
      await settled(page);
      const [update, sweep] = (await page.evaluate(
        `['what-if:update', 'what-if:sweep'].map((n) => performance.getEntriesByName(n)[0].duration)`,
      )) as number[];
      rows.push(`server.workers=${workers}: update ${update.toFixed(0)} ms, with the sweep ${sweep.toFixed(0)} ms`);
    }
    const longTasks = (await page.evaluate('window.longTasks')) as number[];
    const longest =
      longTasks.length === 0 ? 'none over 50 ms' : `${longTasks.length} over 50 ms, the longest ${Math.max(...longTasks).toFixed(0)} ms`;
    console.log(
      `gevent-4x100-actors (1,000 requests), from the change to its figures and charts drawn (the 150 ms debounce included):\n  ${rows.join('\n  ')}\n` +
        `  main-thread tasks during the ${rows.length} updates: ${longest}`,
    );
    expect(problems).toEqual([]);
    await page.close();
  });
});

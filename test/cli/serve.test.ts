// sim serve's web server: the built site, the scenario list (the named file first), and
// nothing else; bad options fail before anything listens.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sim } from '../sim.js';
import { startSiteServer, type RunningSite } from '../../src/cli/siteServer.js';
import type { ScenarioIndex } from '../../src/web/scenarioIndex.js';

const tmp = mkdtempSync(join(tmpdir(), 'sim-serve-'));
const siteDir = join(tmp, 'site');
const given = join(tmp, 'mine', 'gevent-125.json');
let site: RunningSite;

beforeAll(async () => {
  mkdirSync(join(siteDir, 'scenarios'), { recursive: true });
  mkdirSync(join(tmp, 'mine'));
  writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>page</title>');
  writeFileSync(join(siteDir, 'page.js'), 'export {};');
  // The static site's own copy of the list; sim serve lists the live folder instead.
  writeFileSync(join(siteDir, 'scenarios', 'index.json'), '{"stale": true}');
  writeFileSync(join(tmp, 'secret.txt'), 'not for the browser');
  writeFileSync(given, JSON.stringify({ ...JSON.parse(readFileSync('scenarios/gevent-125.json', 'utf8')), description: 'my own' }));
  site = await startSiteServer({ siteDir, scenariosDir: 'scenarios', given, host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await site?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const get = (path: string, init?: RequestInit) => fetch(new URL(path, site.url), init);

describe('sim serve', () => {
  it('listens on loopback, on the port the system picked', () => {
    expect(site.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the built page, typed', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<title>page</title>');
    expect((await get('/page.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('lists the named file first and opens it by default, and it wins over the listed file of its name', async () => {
    const index = (await (await get('/scenarios/index.json')).json()) as ScenarioIndex;
    expect(index.default).toBe('gevent-125');
    expect(index.scenarios[0]).toEqual({ name: 'gevent-125', url: 'given/gevent-125.json', file: given, description: 'my own' });
    expect(index.scenarios.filter((s) => s.name === 'gevent-125')).toHaveLength(1);
    expect(JSON.parse(await (await get(index.scenarios[0].url)).text()).description).toBe('my own');
  });

  it('lists every scenario of the folder, not its schema', async () => {
    const index = (await (await get('/scenarios/index.json')).json()) as ScenarioIndex;
    const names = index.scenarios.map((s) => s.name);
    expect(names).toContain('gevent-100');
    expect(names).toContain('plan-800');
    expect(names).not.toContain('schema');
    const gevent100 = index.scenarios.find((s) => s.name === 'gevent-100')!;
    expect(gevent100.file).toBe('scenarios/gevent-100.json');
    expect(await (await get(gevent100.url)).text()).toBe(readFileSync('scenarios/gevent-100.json', 'utf8'));
  });

  it('serves nothing outside the site, the scenarios and the named file', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/scenarios/../../secret.txt',
      '/scenarios/schema.json',
      '/given/other.json',
      '/nothing.html',
    ]) {
      expect((await get(path)).status, path).toBe(404);
    }
    expect((await get('/%E0%A4%A')).status).toBe(400);
  });

  it('answers HEAD without a body, and refuses other methods', async () => {
    const head = await get('/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await get('/', { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('sim serve refuses before listening', () => {
  it("a scenario sim run would refuse, with sim run's message", async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"description": "x", "client": {}, "server": {}, "app": {"steps": [{"kind": "cpu", "time": 1}]}}');
    const r = await sim('serve', bad, '--port', '0');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.json\S*: at client\.requests: expected "requests" \(hey -n\) or "duration" \(hey -z\)/);
    expect(r.err).toBe((await sim('run', bad)).err);
    expect(r.out).toBe('');
  });

  it('a port out of range, and a port in use', async () => {
    expect((await sim('serve', '--port', '70000')).err).toBe('sim: --port 70000: expected at most 65535 (a TCP port), got "70000"\n');
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const port = (taken.address() as { port: number }).port;
    try {
      const r = await sim('serve', '--port', String(port));
      expect(r.code).toBe(2);
      expect(r.err).toBe(`sim: --port ${port}: the port is in use; choose another (--port 0 picks a free one)\n`);
    } finally {
      taken.close();
    }
  });

  it('a port below 1024 without root: one line, exit 2 (was "internal error: listen EACCES", exit 1)', async () => {
    // The kernel's answer to a user without CAP_NET_BIND_SERVICE, given here whoever runs the tests (root binds any port).
    const listen = vi.spyOn(Server.prototype, 'listen').mockImplementation(function (this: Server) {
      process.nextTick(() =>
        this.emit(
          'error',
          Object.assign(new Error('listen EACCES: permission denied 127.0.0.1:80'), { code: 'EACCES', syscall: 'listen' }),
        ),
      );
      return this;
    });
    try {
      const r = await sim('serve', '--port', '80');
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        'sim: --port 80: permission denied: a port below 1024 takes root (or CAP_NET_BIND_SERVICE); choose one from 1024 (--port 0 picks a free one)\n',
      );
      expect(r.out).toBe('');
    } finally {
      listen.mockRestore();
    }
  });
});

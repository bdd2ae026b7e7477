import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// Rendering takes seconds on a busy machine; no test here is about how long it takes.
vi.setConfig({ testTimeout: 300_000 });
import { atomicWrite } from '../../src/cli/atomicWrite.js';
import { sim } from '../sim.js';

const tmp = mkdtempSync(join(tmpdir(), 'sim-plot-'));
const CHARTS = ['timeline', 'latency', 'status'];
const FILES = [...CHARTS.flatMap((c) => [`${c}.vl.json`, `${c}.svg`, `${c}.png`]), 'report.html'].sort();

describe('sim run --plot DIR', () => {
  it('writes a spec, an SVG and a PNG per chart and one HTML report, and prints the same report', async () => {
    const dir = join(tmp, 'a', 'nested'); // created as needed
    const plotted = await sim('run', 'scenarios/gevent-125.json', '--plot', dir);
    const plain = await sim('run', 'scenarios/gevent-125.json');
    expect(plotted.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(FILES); // and no temporary files left behind
    expect(plotted.out).toBe(plain.out);
    expect(plotted.err).toBe(
      `Wrote 10 files to ${dir}: timeline.vl.json, timeline.svg, timeline.png, latency.vl.json, latency.svg, latency.png, ` +
        'status.vl.json, status.svg, status.png, report.html\n',
    );
    const spec = JSON.parse(readFileSync(join(dir, 'timeline.vl.json'), 'utf8'));
    expect(spec.title.subtitle).toMatch(/^gevent-125 \(seed 1\)/);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain(plain.out.match(/Requests\/sec:\t[\d.]+/)![0]);
  });

  it('keeps stdout valid JSON with --json (the file list goes to stderr)', async () => {
    const dir = join(tmp, 'json');
    const { code, out } = await sim('run', 'scenarios/gevent-101.json', '--json', '--plot', dir);
    expect(code).toBe(0);
    expect(JSON.parse(out).statusCodes).toEqual({ '204': 100, '500': 1 });
    expect(readdirSync(dir).sort()).toEqual(FILES);
  });

  it('gives byte-identical specs and SVGs for the same scenario and seed', async () => {
    const [a, b, c] = ['same-1', 'same-2', 'other-seed'].map((d) => join(tmp, d));
    const path = 'scenarios/gevent-4x100-actors.json'; // random accepts: the seed matters
    await sim('run', path, '--plot', a);
    await sim('run', path, '--plot', b);
    await sim('run', path, '--plot', c, '--seed', '2');
    for (const f of FILES.filter((f) => !f.endsWith('.png'))) {
      expect(readFileSync(join(a, f)), f).toEqual(readFileSync(join(b, f)));
    }
    expect(readFileSync(join(a, 'timeline.vl.json'))).not.toEqual(readFileSync(join(c, 'timeline.vl.json')));
  });

  it('replaces files already there', async () => {
    const dir = join(tmp, 'again');
    mkdirSync(dir);
    writeFileSync(join(dir, 'status.svg'), 'old');
    await sim('run', 'scenarios/gevent-10.json', '--plot', dir);
    expect(readFileSync(join(dir, 'status.svg'), 'utf8')).toMatch(/^<svg /);
  });

  it('writes to ./sim-plots/<scenario>/ when --plot has no folder, never into the package', () => {
    const cwd = mkdtempSync(join(tmp, 'cwd-'));
    const r = spawnSync(process.execPath, [resolve('bin/sim.js'), 'run', resolve('scenarios/gevent-10.json'), '--plot'], {
      cwd,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(readdirSync(join(cwd, 'sim-plots', 'gevent-10')).sort()).toEqual(FILES);
    expect(readdirSync(cwd)).toEqual(['sim-plots']);
  });

  it("and a sweep's and a plan's to folders beside it, so that none replaces another's report.html", () => {
    const cwd = mkdtempSync(join(tmp, 'cwd-'));
    const sim = (...args: string[]) => spawnSync(process.execPath, [resolve('bin/sim.js'), ...args], { cwd, encoding: 'utf8' }).status;
    const scenario = resolve('scenarios/gevent-10.json');
    expect(sim('run', scenario, '--plot')).toBe(0);
    expect(sim('sweep', scenario, '--vary', 'client.concurrency=5,10', '--plot')).toBe(0);
    expect(sim('plan', scenario, '-n', '100', '--vary', 'server.workers=1,2', '--target-rps', '1', '--p99', '5', '--plot')).toBe(0);
    expect(readdirSync(join(cwd, 'sim-plots')).sort()).toEqual(['gevent-10', 'gevent-10-plan', 'gevent-10-sweep']);
    for (const dir of ['gevent-10', 'gevent-10-plan', 'gevent-10-sweep'])
      expect(readdirSync(join(cwd, 'sim-plots', dir))).toContain('report.html');
  });
});

describe('a --plot folder that cannot be written', () => {
  const file = join(tmp, 'a-file');
  writeFileSync(file, 'not a folder');

  it.each([
    ['a file in the way of the folder', file],
    ['a file in the way of a parent', join(file, 'plots')],
  ])('%s: one line, exit 2, no report', async (_, dir) => {
    const { code, out, err } = await sim('run', 'scenarios/gevent-10.json', '--plot', dir);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(`sim: --plot ${dir}: cannot write the charts: a file is in the way where a directory should be\n`);
    expect(readFileSync(file, 'utf8')).toBe('not a folder');
  });

  it('the installed command prints no stack trace', () => {
    const r = spawnSync(process.execPath, ['bin/sim.js', 'run', 'scenarios/gevent-10.json', '--plot', join(file, 'x')], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('an atomic write', () => {
  it('leaves the old file and no temporary behind when it fails', () => {
    const dir = join(tmp, 'atomic');
    mkdirSync(join(dir, 'target'), { recursive: true }); // a folder where the file should go
    expect(() => atomicWrite(join(dir, 'target'), 'x')).toThrow();
    expect(readdirSync(dir)).toEqual(['target']);
    expect(existsSync(join(dir, 'target'))).toBe(true);
  });
});

// A what-if is the scenario file plus --set overrides: the page, the downloaded file and
// the command it shows must all mean the scenario `sim run --set` simulates.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sim } from '../sim.js';
import { validateScenario } from '../../src/scenario/load.js';
import {
  runCommand,
  scenarioFileName,
  scenarioFileText,
  whatIfScenario,
  withOverride,
  withoutOverride,
  type WhatIf,
} from '../../src/web/whatIf.js';

const tmp = mkdtempSync(join(tmpdir(), 'sim-what-if-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const gevent100 = (overrides: WhatIf['overrides'] = []): WhatIf => ({
  name: 'gevent-100',
  raw: JSON.parse(readFileSync('scenarios/gevent-100.json', 'utf8')),
  overrides,
});

describe('overrides', () => {
  it('replaces a path set before in place, and appends a new one', () => {
    let o = withOverride([], 'server.workers', '2');
    o = withOverride(o, 'app.psycogreen', 'false');
    o = withOverride(o, 'server.workers', '4');
    expect(o).toEqual([
      { path: 'server.workers', value: '4' },
      { path: 'app.psycogreen', value: 'false' },
    ]);
  });

  it('drops a section with the fields set inside it, and nothing that only shares a prefix', () => {
    const o = [
      { path: 'app.pool', value: '{}' },
      { path: 'app.pool.size', value: '20' },
      { path: 'app.poolish', value: '1' },
    ];
    expect(withoutOverride(o, 'app.pool')).toEqual([{ path: 'app.poolish', value: '1' }]);
  });

  it('reads values as --set does: JSON when it parses, else a string', () => {
    const s = whatIfScenario(
      gevent100([
        { path: 'server.keepalive', value: '500ms' },
        { path: 'server.workerClass', value: 'gthread' },
        { path: 'app.psycogreen', value: 'false' },
        { path: 'app.pool', value: '{}' },
      ]),
    );
    expect(s.server.keepalive).toBe(0.5);
    expect(s.server.workerClass).toBe('gthread');
    expect(s.app.psycogreen).toBe(false);
    expect(s.app.pool).toEqual({ size: 5, maxOverflow: 10, timeout: 30, prePing: false }); // the schema's defaults
  });

  it("refuses an invalid what-if with sim's message, naming the field", () => {
    expect(() => whatIfScenario(gevent100([{ path: 'client.concurrency', value: '150' }]))).toThrow(
      'gevent-100.json (with --set): at client.concurrency: expected concurrency <= requests, 100 here (hey refuses -c larger than -n)',
    );
  });

  it('never changes the file it started from', () => {
    const w = gevent100([{ path: 'server.workers', value: '3' }]);
    const before = JSON.stringify(w.raw);
    whatIfScenario(w);
    scenarioFileText(w);
    expect(JSON.stringify(w.raw)).toBe(before);
  });
});

describe('the downloaded scenario file', () => {
  const overrides = [
    { path: 'server.workerConnections', value: '50' },
    { path: 'server.keepalive', value: '500ms' },
  ];

  it('is a scenario sim run accepts, simulating to the same report as the --set run, byte for byte', async () => {
    const w = gevent100(overrides);
    const file = join(tmp, scenarioFileName(w));
    writeFileSync(file, scenarioFileText(w));
    const downloaded = await sim('run', file, '--json');
    const withSet = await sim('run', 'scenarios/gevent-100.json', '--json', ...overrides.flatMap((o) => ['--set', `${o.path}=${o.value}`]));
    expect(downloaded.code).toBe(0);
    expect(withSet.code).toBe(0);
    expect(downloaded.out).toBe(withSet.out);
    // And it differs from the file without the what-if, or the test would prove nothing.
    expect(downloaded.out).not.toBe((await sim('run', 'scenarios/gevent-100.json', '--json')).out);
  });

  it('says in its description what was changed, and is named as a what-if', () => {
    const w = gevent100(overrides);
    const json = JSON.parse(scenarioFileText(w));
    expect(json.description).toMatch(
      /What-if from the sim serve page, on gevent-100\.json: --set server\.workerConnections=50 --set server\.keepalive=500ms\.$/,
    );
    expect(json.server.workerConnections).toBe(50);
    expect(scenarioFileName(w)).toBe('gevent-100-what-if.json');
    expect(scenarioFileName(gevent100())).toBe('gevent-100.json');
    expect(() => validateScenario(json, 'downloaded')).not.toThrow();
  });
});

describe('the command the page shows', () => {
  it('is sim run with the same --set, quoted for a shell where needed', () => {
    const w = gevent100([
      { path: 'server.workerConnections', value: '50' },
      { path: 'app.pool', value: '{"size":20}' },
    ]);
    expect(runCommand(w)).toBe(`npx sim run scenarios/gevent-100.json --set server.workerConnections=50 --set 'app.pool={"size":20}'`);
    expect(runCommand(w, "my what's.json")).toMatch(/^npx sim run 'my what'\\''s\.json' /);
  });
});

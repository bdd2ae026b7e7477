// sim init: a starter scenario from flags, every cost at its measured default with a note.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { sim } from '../sim.js';
import { simulate } from '../../src/model/system.js';
import { costsOf } from '../../src/scenario/costs.js';
import { scenarioJsonSchema } from '../../src/scenario/jsonSchema.js';
import { validateScenario } from '../../src/scenario/load.js';
import { MEASURED_COSTS } from '../../src/scenario/measuredCosts.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-init-'));
const EXAMPLE = [
  'init',
  '--worker-class',
  'gevent',
  '--workers',
  '4',
  '--worker-connections',
  '100',
  '--max-connections',
  '100',
  '--query',
  '20ms',
];

describe('sim init --worker-class gevent --workers 4 --worker-connections 100 --max-connections 100 --query 20ms', async () => {
  const { code, out, err } = await sim(...EXAMPLE);
  const json = JSON.parse(out);

  it('prints the scenario on stdout and nothing else', () => {
    expect(code).toBe(0);
    expect(err).toBe('');
  });

  it('sets the fields the flags name', () => {
    expect(json.server).toMatchObject({ workerClass: 'gevent', workers: 4, workerConnections: 100 });
    expect(json.database.maxConnections).toBe(100);
    expect(json.app.steps[1]).toMatchObject({ kind: 'dbQuery', time: '20ms' });
    expect(json.app.psycogreen).toBe(true);
  });

  it('validates against the schema and the published JSON Schema, and runs to the end', () => {
    const scenario = validateScenario(structuredClone(json), 'init');
    const ajv = new Ajv2020({ strict: false });
    expect(ajv.validate(scenarioJsonSchema(), json), JSON.stringify(ajv.errors)).toBe(true);
    const result = simulate(scenario, { timeSeries: false });
    expect(result.complete).toBe(true);
  });

  it('writes every cost out, at its measured default, each with a note on how to measure it', () => {
    const scenario = validateScenario(structuredClone(json), 'init');
    for (const cost of costsOf(scenario)) {
      expect(json.notes[cost.path] ?? `no note on ${cost.path}`, cost.path).toMatch(/measure/i);
    }
    expect(json.server).toMatchObject({
      requestCpu: MEASURED_COSTS.server.requestCpu,
      acceptCpu: MEASURED_COSTS.server.acceptCpu,
      switchCpu: MEASURED_COSTS.server.switchCpu,
    });
    expect(json.database).toMatchObject({
      postmasterCpu: MEASURED_COSTS.database.postmasterCpu,
      backendExitCpu: MEASURED_COSTS.database.backendExitCpu,
    });
    expect(json.app.steps[0].cpu).toBe(MEASURED_COSTS.connectCpu['scram-sha-256']);
  });

  // A note says how a cost was measured, not what a measurement came to beside the
  // default it writes: such a figure went stale when the kit measured again.
  it('quotes no measured share in its notes, pointing to the docs instead', () => {
    for (const [path, note] of Object.entries(json.notes as Record<string, string>)) expect(note, path).not.toMatch(/\d ?%/);
    expect(json.notes['database.backendExitTime']).toContain('docs/validation.md, "When a closing backend frees its slot"');
  });

  it('leaves the task grouping unstated, with a note, so that --sensitivity tries it', () => {
    expect(json.machine.taskGroups).toBeUndefined();
    expect(json.notes['machine.taskGroups']).toMatch(/calibration\/autogroup\.sh.*--sensitivity/);
  });
});

describe('sim init options', () => {
  it("takes hey's -c and -n, and --set", async () => {
    const { out } = await sim('init', '-c', '100', '-n', '1000', '--set', 'machine.cores=2');
    const json = JSON.parse(out);
    expect(json.client).toMatchObject({ concurrency: 100, requests: 1000 });
    expect(json.machine.cores).toBe(2);
    expect(json.server.workerClass).toBe('sync');
  });

  // A user's intuition carries over: the flags are gunicorn's and PostgreSQL's own names;
  // the first names of the last two, --connections and --db-max-connections, still work.
  it('names its flags as gunicorn and PostgreSQL do, and still takes the first names', async () => {
    const help = (await sim('help', 'init')).out;
    expect(help).toMatch(/--worker-connections, --connections +gunicorn --worker-connections/);
    expect(help).toMatch(/--max-connections, --db-max-connections +PostgreSQL max_connections/);
    const old = JSON.parse((await sim('init', '--worker-class', 'gevent', '--connections', '50', '--db-max-connections', '60')).out);
    const now = JSON.parse((await sim('init', '--worker-class', 'gevent', '--worker-connections', '50', '--max-connections', '60')).out);
    expect(now).toEqual(old);
    expect(now.server.workerConnections).toBe(50);
    expect(now.database.maxConnections).toBe(60);
  });

  it('sync with --threads > 1 is gthread, as in gunicorn', async () => {
    const json = JSON.parse((await sim('init', '--threads', '8')).out);
    expect(json.server).toMatchObject({ workerClass: 'gthread', threads: 8 });
    expect(json.app.psycogreen).toBe(false);
  });

  it('writes --out atomically and keeps an existing file unless --force', async () => {
    const path = join(dir, 's.json');
    const first = await sim(...EXAMPLE, '--out', path);
    expect(first.code).toBe(0);
    expect(first.err).toBe(`Wrote ${path}; run it: sim run ${path}\n`);
    const run = await sim('run', path, '--json');
    expect(run.code).toBe(0);
    writeFileSync(path, 'mine');
    const again = await sim(...EXAMPLE, '--out', path);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/the file exists; give another name, or --force to overwrite it/);
    expect(readFileSync(path, 'utf8')).toBe('mine');
    expect((await sim(...EXAMPLE, '--out', path, '--force')).code).toBe(0);
    expect(JSON.parse(readFileSync(path, 'utf8')).server.workers).toBe(4);
  });

  it("--cpu adds the handler's own CPU after its query, holding the connection, with a note on measuring it", async () => {
    const json = JSON.parse((await sim('init', '--query', '2ms', '--cpu', '15ms')).out);
    expect(json.app.steps.map((s: { kind: string }) => s.kind)).toEqual(['dbConnect', 'dbQuery', 'cpu', 'dbClose']);
    expect(json.app.steps[2].time).toBe('15ms');
    expect(json.notes['app.steps.2.time']).toMatch(/measure/);
    expect(json.description).toMatch(/a 2ms query, then 15ms of its own CPU and closing it/);
    const plain = validateScenario(JSON.parse((await sim('init', '--query', '2ms')).out), 'init');
    const slow = simulate(validateScenario(structuredClone(json), 'init'), { timeSeries: false });
    // 200 requests x 15 ms of CPU on one sync worker: at least 3 s more than without it.
    expect(slow.total).toBeGreaterThanOrEqual(simulate(plain, { timeSeries: false }).total + 3e6);
  });

  it("--pool gives each worker SQLAlchemy's QueuePool, max_overflow 10 unless given, as create_engine's", async () => {
    const json = JSON.parse((await sim('init', '--worker-class', 'gthread', '--threads', '8', '--pool', '5')).out);
    expect(json.app.pool).toEqual({ size: 5, maxOverflow: 10, timeout: 30 });
    expect(json.description).toMatch(/QueuePool \(pool_size 5, max_overflow 10\).*checking it back in/);
    expect(json.description).toMatch(/^A starter scenario written by sim init: hey against 1 gthread worker x 8 threads, /);
    expect((await sim('init', '--workers', '4')).out).toMatch(/hey against 4 sync workers, each request/);
    expect(json.notes['app.steps']).toMatch(/checked out of the worker's pool/);
    expect(JSON.parse((await sim('init', '--pool', '2+0')).out).app.pool).toMatchObject({ size: 2, maxOverflow: 0 });
    const result = simulate(validateScenario(structuredClone(json), 'init'), { timeSeries: false });
    // 200 requests on at most 15 connections: the pool keeps them, where a connection per request opens 200.
    expect(result.complete).toBe(true);
    expect(result.database!.connections).toBeLessThan(200);
  });

  it("takes gunicorn's --keep-alive, --timeout, --backlog and --max-requests under their own names", async () => {
    const flags = ['--keep-alive', '5', '--timeout', '60', '--backlog', '64', '--max-requests', '1000'];
    const json = JSON.parse((await sim('init', ...flags)).out);
    expect(json.server).toMatchObject({ keepalive: 5, timeout: 60, backlog: 64, maxRequests: 1000 });
    expect(validateScenario(structuredClone(json), 'init').server).toMatchObject({
      keepalive: 5,
      timeout: 60,
      backlog: 64,
      maxRequests: 1000,
    });
    const plain = JSON.parse((await sim('init')).out).server;
    expect(plain).toMatchObject({ keepalive: 2, timeout: 30, backlog: 2048 });
    expect(plain.maxRequests).toBeUndefined();
  });

  it("--auth prices the connect for pg_hba.conf's method, with the notes that say so", async () => {
    for (const auth of ['md5', 'trust'] as const) {
      const json = JSON.parse((await sim('init', '--auth', auth, '--threads', '8')).out);
      expect(json.database.authMethod).toBe(auth);
      expect(json.app.steps[0]).toMatchObject({ cpu: MEASURED_COSTS.connectCpu[auth], contendedCpu: 0 });
      expect(json.notes['app.steps.0.cpu']).toMatch(new RegExp(`with ${auth} `));
      expect(json.description).toMatch(new RegExp(`pg_hba\\.conf: ${auth}`));
      expect(() => validateScenario(structuredClone(json), 'init')).not.toThrow();
    }
    const scram = JSON.parse((await sim('init', '--threads', '8')).out);
    expect(scram.database.authMethod).toBe('scram-sha-256');
    expect(scram.app.steps[0]).toMatchObject({
      cpu: MEASURED_COSTS.connectCpu['scram-sha-256'],
      contendedCpu: MEASURED_COSTS.connectContendedCpu,
    });
  });

  it.each([
    [['--keep-alive', '-1'], /--keep-alive -1: expected a number >= 0, got "-1"/],
    [['--max-requests', '1.5'], /--max-requests 1\.5: expected a whole number >= 0/],
    [['--backlog', '1e20'], /--backlog 1e20: at server\.backlog: expected a number <= 2147483647/],
    [['--auth', 'md6'], /--auth md6: expected one of "scram-sha-256", "md5", "trust", got "md6"; did you mean "md5"\?/],
    [
      ['--pool', '0'],
      /--pool 0: expected pool_size, or pool_size\+max_overflow, whole numbers with pool_size at least 1, e\.g\. 5 or 5\+10/,
    ],
    [['--pool', '5+x'], /--pool 5\+x: expected pool_size, or pool_size\+max_overflow/],
    [['--pool', '5+1e14'], /--pool 5\+1e14: expected pool_size/],
    [['--pool', '5+100000000000000'], /--pool 5\+100000000000000: at app\.pool\.maxOverflow: expected a number <= /],
    [['--cpu', '0'], /--cpu 0: expected the handler's CPU per request > 0, seconds \(0\.005\) or a duration such as 5ms/],
    [['--cpu', 'lots'], /--cpu lots: expected the handler's CPU per request > 0/],
    [['--worker-class', 'gevnt'], /--worker-class gevnt: .*did you mean "gevent"/],
    [
      ['--worker-class', 'uvicorn.workers.UvicornWorker'],
      /--worker-class uvicorn\.workers\.UvicornWorker: .*start from scenarios\/uvicorn-4-asyncpg\.json/,
    ],
    [['--query', 'soon'], /--query soon: expected the query's time > 0, seconds \(0\.02\) or a duration such as 20ms/],
    [['--query', '0'], /--query 0: expected the query's time > 0/],
    // Hardening 6: it was Infinity, refused by the field as "got number Infinity".
    [['--query', '1e400'], /^sim: --query 1e400: the number 1e400 is too large$/m],
    [['--workers', '0'], /--workers 0: expected a whole number >= 1/],
    [['--worker-class', 'gevent', '--threads', '4'], /--threads: only gthread workers have threads/],
    [['--set', 'server.workerz=2'], /unknown key "workerz"; did you mean "workers"\?/],
    // Hardening: was "sim init: at database.superuserReservedConnections: ...", no flag named.
    [
      ['--max-connections', '3'],
      /^sim: --max-connections 3: at database\.superuserReservedConnections: expected fewer reserved connections than maxConnections \(3\), got 3/m,
    ],
  ])('%j is refused with exit 2', async (flags, message) => {
    const { code, err, out } = await sim('init', ...flags);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(out).toBe('');
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });
});

// Input hunt: --query 1e-3 was refused as not "seconds (0.02)", where --p99 takes 3e-1.
it('sim init --query takes seconds in exponent form, as --p99 does', async () => {
  const { code, out } = await sim('init', '--query', '1e-3');
  expect(code).toBe(0);
  expect(JSON.parse(out).app.steps[1]).toMatchObject({ kind: 'dbQuery', time: 0.001 });
});

describe('description is optional', () => {
  it('a scenario without one validates', () => {
    expect(() =>
      validateScenario({ client: { requests: 1, concurrency: 1 }, server: {}, app: { steps: [{ kind: 'sleep', time: 0.01 }] } }, 'x'),
    ).not.toThrow();
  });
});

// The page's controls say what the scenario schema says: the field's own name, its
// description and its bounds, so the page cannot drift from `sim schema`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../src/scenario/jsonSchema.js';
import { validateScenario } from '../../src/scenario/load.js';
import { CONTROL_SPECS, controlsFor, schemaField, withOverrideValues } from '../../src/web/controls.js';
import { whatIfScenario } from '../../src/web/whatIf.js';

const schema = scenarioJsonSchema();
const load = (name: string) => validateScenario(JSON.parse(readFileSync(`scenarios/${name}.json`, 'utf8')), name);
const byPath = (controls: ReturnType<typeof controlsFor>) => Object.fromEntries(controls.map((c) => [c.path, c]));

describe('the controls of the article gevent scenario', () => {
  const gevent = load('gevent-100');
  const controls = byPath(controlsFor(schema, gevent, gevent));

  it('offer what issue 10 names: workers, worker connections and class, max_connections, keep-alive, psycogreen, the pool and the load', () => {
    for (const path of [
      'server.workers',
      'server.workerConnections',
      'server.workerClass',
      'database.maxConnections',
      'server.keepalive',
      'app.psycogreen',
      'app.pool',
      'client.concurrency',
      'client.requests',
    ]) {
      expect(controls[path]?.applies, path).toBe(true);
    }
  });

  it("take the schema's names and descriptions, word for word", () => {
    const published = JSON.parse(readFileSync('scenarios/schema.json', 'utf8'));
    // The fixed controls; a step's are named after the step (tested below).
    for (const c of Object.values(controls).filter((c) => CONTROL_SPECS.some((spec) => spec.path === c.path))) {
      expect(c.name).toBe(c.path.split('.').at(-1));
      expect(c.description).toBe(schemaField(published, c.path)!.description);
      expect(c.description.length, c.path).toBeGreaterThan(5);
    }
    expect(controls['server.workerConnections'].description).toMatch(/^gunicorn --worker-connections/);
  });

  it("take the schema's types and bounds: counts from 1, seconds from 0, a maximum only where the schema has one", () => {
    const published = JSON.parse(readFileSync('scenarios/schema.json', 'utf8'));
    expect(controls['server.workers']).toMatchObject({
      kind: 'integer',
      min: 1,
      max: schemaField(published, 'server.workers')!.maximum,
      value: 1,
    });
    expect(controls['server.workers'].max).toBeLessThan(Number.MAX_SAFE_INTEGER);
    expect(controls['server.workerConnections']).toMatchObject({ min: 1, max: 1_048_576 }); // Linux fs.nr_open: a bound from reality
    expect(controls['server.keepalive']).toMatchObject({ kind: 'seconds', min: 0, value: 2 });
    expect(controls['server.workerClass']).toMatchObject({
      kind: 'choice',
      options: ['sync', 'gthread', 'gevent', 'eventlet', 'uvicorn.workers.UvicornWorker'],
      value: 'gevent',
    });
    expect(controls['app.psycogreen']).toMatchObject({ kind: 'boolean', value: true });
    expect(controls['machine.taskGroups']).toMatchObject({ kind: 'choice', options: ['none', 'session', 'service'], value: 'none' });
    expect(controls['app.pool']).toMatchObject({ kind: 'section', value: false });
    expect(controls.seed).toMatchObject({ kind: 'integer', min: undefined, max: undefined });
  });

  it('give a slider at least twice the value in the file', () => {
    expect(controls['server.workerConnections'].sliderMax).toBe(2000);
    expect(controls['client.concurrency'].sliderMax).toBe(200);
  });

  it('hide what does not apply: threads for gevent, the pool size without a pool', () => {
    expect(controls['server.threads'].applies).toBe(false);
    expect(controls['app.pool.size'].applies).toBe(false);
  });
});

describe('controls follow the what-if', () => {
  const gevent = load('gevent-100');
  const raw = JSON.parse(readFileSync('scenarios/gevent-100.json', 'utf8'));

  it('show the pool size once the pool is switched on, at the schema default', () => {
    const pooled = whatIfScenario({ name: 'gevent-100', raw, overrides: [{ path: 'app.pool', value: '{}' }] });
    const controls = byPath(controlsFor(schema, pooled, gevent));
    expect(controls['app.pool'].value).toBe(true);
    expect(controls['app.pool.size']).toMatchObject({ applies: true, value: 5 });
  });

  it('swap worker connections for threads when the class becomes sync', () => {
    const sync = whatIfScenario({ name: 'gevent-100', raw, overrides: [{ path: 'server.workerClass', value: 'sync' }] });
    const controls = byPath(controlsFor(schema, sync, gevent));
    expect(controls['server.workerConnections'].applies).toBe(false);
    expect(controls['server.threads'].applies).toBe(true);
  });

  it('show the arrival rate, not hey -c, for an open loop', () => {
    const open = load('plan-800');
    const controls = byPath(controlsFor(schema, open, open));
    expect(controls['client.arrivals.rate']).toMatchObject({ applies: true, kind: 'number', value: 800 });
    expect(controls['client.concurrency'].applies).toBe(false);
  });
});

describe('the controls of a uvicorn scenario', () => {
  it("offer limit_concurrency, the handler and the threadpool, asyncpg's pool, and hide gevent's worker connections", () => {
    const sync = load('uvicorn-sync-endpoint');
    const controls = byPath(controlsFor(schema, sync, sync));
    expect(controls['server.limitConcurrency'].applies).toBe(true);
    expect(controls['server.workerConnections'].applies).toBe(false);
    expect(controls['app.handler']).toMatchObject({ kind: 'choice', options: ['async', 'def'], value: 'def' });
    expect(controls['app.threadpool']).toMatchObject({ applies: true, value: 40 });
    const pooled = load('uvicorn-4-asyncpg');
    const pool = byPath(controlsFor(schema, pooled, pooled));
    expect(pool['app.asyncpgPool.minSize']).toMatchObject({ applies: true, value: 10 });
    expect(pool['app.pool'].applies).toBe(false);
  });
});

it('every control names a field of the schema', () => {
  for (const spec of CONTROL_SPECS) expect(schemaField(schema, spec.path), spec.path).toBeDefined();
});

it("shows an invalid what-if's values as the user set them, so the field at fault shows the value the message is about", () => {
  const gevent = load('gevent-100');
  const shown = byPath(
    withOverrideValues(controlsFor(schema, gevent, gevent), [
      { path: 'client.concurrency', value: '150' },
      { path: 'server.keepalive', value: '500ms' },
      { path: 'app.pool', value: '{}' },
    ]),
  );
  expect(shown['client.concurrency'].value).toBe(150);
  expect(shown['server.keepalive'].value).toBe('500ms');
  expect(shown['app.pool'].value).toBe(true); // switched on
  expect(shown['server.workers'].value).toBe(1);
});

describe("the handler's steps and the database's pooling as controls", () => {
  it("offer every step's time and CPU: a number as it is, a distribution by its scale", () => {
    const plan = load('plan-800');
    const controls = byPath(controlsFor(schema, plan, plan));
    // plan-800: cpu 1 ms (exponential), dbConnect, dbQuery 20 ms (exponential), dbClose.
    expect(controls['app.steps.0.time.mean']).toMatchObject({
      group: 'App',
      kind: 'seconds',
      value: 0.001,
      applies: true,
      name: 'step 1 cpu time (mean)',
    });
    expect(controls['app.steps.2.time.mean']).toMatchObject({ kind: 'seconds', value: 0.02 });
    expect(controls['app.steps.2.cpu']).toMatchObject({ kind: 'seconds', value: 0, name: 'step 3 dbQuery cpu' });
    expect(controls['app.steps.2.decodeCpu']).toBeDefined();
    expect(controls['app.steps.2.time.mean'].description).toMatch(/^Time the query waits/);
  });

  it('set a step through --set, as the page does', () => {
    const raw = JSON.parse(readFileSync('scenarios/plan-800.json', 'utf8'));
    const file = load('plan-800');
    const changed = whatIfScenario({ name: 'plan-800', raw, overrides: [{ path: 'app.steps.2.time.mean', value: '0.05' }] });
    expect(byPath(controlsFor(schema, changed, file))['app.steps.2.time.mean'].value).toBe(0.05);
  });

  it("offer PgBouncer's settings once it is switched on, and the pool's timeout", () => {
    const raw = JSON.parse(readFileSync('scenarios/gevent-100.json', 'utf8'));
    const file = load('gevent-100');
    const off = byPath(controlsFor(schema, file, file));
    expect(off['database.pgbouncer']).toMatchObject({ kind: 'section', value: false, applies: true });
    expect(off['database.pgbouncer.defaultPoolSize'].applies).toBe(false);
    const on = whatIfScenario({
      name: 'gevent-100',
      raw,
      overrides: [
        { path: 'database.pgbouncer', value: '{}' },
        { path: 'app.pool', value: '{}' },
      ],
    });
    const controls = byPath(controlsFor(schema, on, file));
    expect(controls['database.pgbouncer.poolMode']).toMatchObject({ kind: 'choice', value: 'session', applies: true });
    expect(controls['database.pgbouncer.defaultPoolSize']).toMatchObject({ kind: 'integer', value: 20, applies: true });
    expect(controls['database.pgbouncer.maxClientConn']).toMatchObject({ value: 100, applies: true });
    expect(controls['app.pool.timeout']).toMatchObject({ kind: 'seconds', value: 30, applies: true });
  });
});

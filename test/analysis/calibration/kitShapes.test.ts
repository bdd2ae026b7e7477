// calibration/shapes.json and shapes-2.json to shapes-6.json describe each shape twice: as gunicorn and
// PostgreSQL run it (shapes.sh) and as the model takes it (predict_shapes.mjs's --set on a
// scenario shaped like gevent-100.json). A prediction is only a test of the model if both
// describe the same configuration.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHeyCommand } from '../../../src/analysis/calibration/heyCommand.js';
import { validateScenario } from '../../../src/scenario/load.js';
import { applyOverride } from '../../../src/scenario/overrides.js';

interface Shape {
  name: string;
  module: string;
  green?: number;
  /** The handler's pg_sleep, seconds (CAL_SLEEP); 1 when absent. */
  sleep?: number;
  /** PostgreSQL's -c options beyond the kit's. */
  postgres?: string;
  gunicorn: string[];
  hey: string;
  runs: number;
  storm?: boolean;
  set: string[];
}

const FILES = [
  'calibration/shapes.json',
  'calibration/shapes-2.json',
  'calibration/shapes-3.json',
  'calibration/shapes-4.json',
  'calibration/shapes-5.json',
  'calibration/shapes-6.json',
];
const shapesOf = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { shapes: Shape[] }).shapes;
// What ACTORS stands for, as calibration/validation.json writes it.
const ACTORS = (JSON.parse(readFileSync('calibration/validation.json', 'utf8')) as { actors: string[] }).actors;

/** The scenario predict_shapes.mjs runs for `shape`, from the shipped defaults. */
function modelled(shape: Shape) {
  const raw = JSON.parse(readFileSync('calibration/defaults-linux-2core.json', 'utf8'));
  const hey = parseHeyCommand(`hey ${shape.hey} http://127.0.0.1:8000/`, shape.name);
  for (const s of shape.set.flatMap((x) => (x === 'ACTORS' ? ACTORS : [x]))) applyOverride(raw, s);
  applyOverride(raw, `client.requests=${hey.requests}`);
  applyOverride(raw, `client.concurrency=${hey.concurrency}`);
  if (hey.rate !== undefined) applyOverride(raw, `client.rate=${hey.rate}`);
  return validateScenario(raw, shape.name);
}

/** gunicorn's value of `--flag=value` in the shape's arguments, or its default. */
function flag(shape: Shape, name: string, fallback: string): string {
  const arg = shape.gunicorn.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : arg.slice(name.length + 3);
}

describe.each(FILES)('%s', (file) => {
  const shapes = shapesOf(file);

  it('names each shape once', () => {
    expect(new Set(shapes.map((s) => s.name)).size).toBe(shapes.length);
  });

  describe.each(shapes.map((s) => [s.name, s] as const))('%s', (_, shape) => {
    const scenario = modelled(shape);

    it('is modelled with the worker class, workers, connections and keep-alive gunicorn runs', () => {
      const workerClass = flag(shape, 'worker-class', 'sync');
      expect(scenario.server.workerClass).toBe(workerClass);
      expect(scenario.server.workers).toBe(Number(flag(shape, 'workers', '1')));
      expect(scenario.server.keepalive).toBe(Number(flag(shape, 'keep-alive', '2')));
      if (workerClass === 'gevent') expect(scenario.server.workerConnections).toBe(Number(flag(shape, 'worker-connections', '1000')));
      if (workerClass === 'gthread') expect(scenario.server.threads).toBe(Number(flag(shape, 'threads', '1')));
    });

    it("runs the app gunicorn loads: psycogreen or not, the actors query or pg_sleep of the shape's length, SQLAlchemy's pool or none", () => {
      const query = scenario.app.steps?.find((s) => s.kind === 'dbQuery');
      // wsgi_pool.py's engine: QueuePool of 5 + 10, pool_timeout 30.
      if (shape.module === 'wsgi_pool') expect(scenario.app.pool).toMatchObject({ size: 5, maxOverflow: 10, timeout: 30 });
      else expect(scenario.app.pool).toBeUndefined();
      if (shape.module === 'wsgi_actors' || shape.module === 'wsgi_pool') {
        expect(scenario.app.psycogreen).toBe((shape.green ?? 1) === 1);
        expect(query).toMatchObject({ time: 0 });
      } else {
        // wsgi_patched installs psycogreen whatever CAL_GREEN says; wsgi_unpatched never does.
        expect(scenario.app.psycogreen).toBe(shape.module === 'wsgi_patched');
        expect(['wsgi_patched', 'wsgi_unpatched']).toContain(shape.module);
        expect(query).toMatchObject({ time: shape.sleep ?? 1 });
      }
    });

    it('is modelled with the max_connections PostgreSQL starts with', () => {
      const set = /-c max_connections=(\d+)/.exec(shape.postgres ?? '');
      expect(scenario.database?.maxConnections).toBe(set === null ? 100 : Number(set[1]));
    });

    it('runs as many times as the kit runs its kind (five for a storm)', () => {
      expect(shape.runs).toBe(shape.storm === true ? 5 : 3);
    });
  });
});

describe('calibration/shapes.sh', () => {
  it('refuses a shape it does not know, naming those it does, before it starts anything', () => {
    const r = spawnSync('bash', ['calibration/shapes.sh', 'gevent9x9'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: process.env.PATH },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown shape gevent9x9');
    expect(r.stderr).toContain('sync4-actors-c50');
  });

  it('refuses a PREFIX whose runs of those shapes are saved already, so that a series never overwrites another', () => {
    const results = mkdtempSync(join(tmpdir(), 'shapes-'));
    writeFileSync(join(results, 'x1207-sync4-actors-c50.r1.txt'), '$ hey -n 1000 -c 50\n');
    const r = spawnSync('bash', ['calibration/shapes.sh', 'sync4-actors-c50'], {
      encoding: 'utf8',
      env: { ...process.env, PREFIX: 'x1207-', RESULTS: results },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('x1207-sync4-actors-c50.r*.txt exist already');
    expect(readdirSync(results)).toEqual(['x1207-sync4-actors-c50.r1.txt']);
  });
});

// calibration/shapes.json describes each shape twice: as gunicorn runs it (shapes.sh) and as
// the model takes it (predict_shapes.mjs's --set on a scenario shaped like gevent-100.json).
// A prediction is only a test of the model if both describe the same configuration.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHeyCommand } from '../../../src/analysis/calibration/heyCommand.js';
import { validateScenario } from '../../../src/scenario/load.js';
import { applyOverride } from '../../../src/scenario/overrides.js';

interface Shape {
  name: string;
  module: string;
  green?: number;
  gunicorn: string[];
  hey: string;
  runs: number;
  storm?: boolean;
  set: string[];
}

const { shapes } = JSON.parse(readFileSync('calibration/shapes.json', 'utf8')) as { shapes: Shape[] };
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

describe('calibration/shapes.json', () => {
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

    it('runs the app gunicorn loads: psycogreen or not, the actors query or pg_sleep(1)', () => {
      expect(scenario.app.psycogreen).toBe((shape.green ?? 1) === 1);
      const query = scenario.app.steps?.find((s) => s.kind === 'dbQuery');
      if (shape.module === 'wsgi_actors') expect(query).toMatchObject({ time: 0 });
      else expect([shape.module, query]).toEqual(['wsgi_patched', expect.objectContaining({ time: 1 })]);
    });

    it('runs as many times as the kit runs its kind (five for a storm)', () => {
      expect(shape.runs).toBe(shape.storm === true ? 5 : 3);
    });
  });

  it('shapes.sh refuses a shape it does not know, naming those it does, before it starts anything', () => {
    const r = spawnSync('bash', ['calibration/shapes.sh', 'gevent9x9'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: process.env.PATH },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown shape gevent9x9');
    expect(r.stderr).toContain('sync4-actors-c50');
  });
});

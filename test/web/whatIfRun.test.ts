// What the page's worker posts for a what-if: the run first, with the numbers sim run
// prints for the same --set, then the sweep around the point, point by point.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { WorkerMessage } from '../../src/web/protocol.js';
import { runWhatIf, SWEEP_SERIES } from '../../src/web/whatIfRun.js';
import type { WhatIf } from '../../src/web/whatIf.js';

const raw = JSON.parse(readFileSync('scenarios/gevent-100.json', 'utf8'));

function posted(whatIf: WhatIf): WorkerMessage[] {
  const messages: WorkerMessage[] = [];
  runWhatIf({ id: 7, whatIf }, (m) => messages.push(structuredClone(m)));
  return messages;
}

async function simRunJson(...sets: string[]) {
  let out = '';
  expect(
    await main(['run', 'scenarios/gevent-100.json', '--json', ...sets.flatMap((s) => ['--set', s])], {
      out: (t) => (out += t),
      err: () => {},
    }),
  ).toBe(0);
  return JSON.parse(out);
}

describe('a what-if run in the worker', () => {
  const messages = posted({ name: 'gevent-100', raw, overrides: [{ path: 'server.workerConnections', value: '50' }] });

  it("posts the run with sim run's figures for the same --set, then the sweep's progress", async () => {
    expect(messages.map((m) => m.kind)).toEqual(['run', ...new Array(9).fill('sweep')]);
    const run = messages[0] as Extract<WorkerMessage, { kind: 'run' }>;
    expect(run.id).toBe(7);
    expect(run.summary).toEqual(await simRunJson('server.workerConnections=50'));
    expect(run.text).toContain('Requests/sec:');
    expect(run.charts.map((c) => c.name)).toEqual(['timeline', 'latency', 'status']);
  });

  it('draws the sweep charts once every point has run, with this what-if marked', () => {
    const sweeps = messages.slice(1) as Extract<WorkerMessage, { kind: 'sweep' }>[];
    expect(sweeps.map((s) => s.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sweeps.slice(0, -1).every((s) => s.charts === null)).toBe(true);
    const last = sweeps.at(-1)!;
    expect(last.charts!.map((c) => c.name)).toEqual(['sweep-throughput', 'sweep-latency']);
    expect(last.points.map((p) => p.parameters['client.concurrency'])).toEqual([25, 50, 75, 90, 100, 110, 125, 150, 200]);
    expect((last.charts![0].spec as any).layer.some((l: any) => l.mark.type === 'rule' && l.data.values[0].x === 100)).toBe(true);
    expect(new Set(last.points.map((p) => p.series))).toEqual(new Set([SWEEP_SERIES]));
  });

  it('gives each sweep point the numbers of sim run at that load, the what-if kept', async () => {
    const last = messages.at(-1) as Extract<WorkerMessage, { kind: 'sweep' }>;
    const at125 = last.points.find((p) => p.parameters['client.concurrency'] === 125)!;
    const cli = await simRunJson('server.workerConnections=50', 'client.concurrency=125', 'client.requests=125');
    expect(at125.requestsPerSec['2xx'] + at125.requestsPerSec['5xx'] + at125.requestsPerSec.errors).toBeCloseTo(
      cli.summary.requestsPerSec,
      9,
    );
  });
});

describe('a what-if the scenario schema refuses', () => {
  it("answers with sim's message and nothing else", () => {
    const messages = posted({ name: 'gevent-100', raw, overrides: [{ path: 'server.workers', value: '0' }] });
    expect(messages).toEqual([
      { id: 7, kind: 'invalid', message: 'gevent-100.json (with --set): at server.workers: expected a number > 0, got number 0' },
    ]);
  });
});

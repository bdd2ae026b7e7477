// The incident scenarios (issue 21): the retry storm stays down after its trigger is gone,
// the same with jittered backoff and a retry budget recovers, and statement_timeout turns
// a slow tail into a few fast errors. Figures from the runs, asserted by what they mean.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/model/system.js';
import { summarize } from '../../src/report/summary.js';
import { parseJson, validateScenario } from '../../src/scenario/load.js';

function runFile(file: string, set: (raw: any) => void = () => {}) {
  const path = `scenarios/${file}`;
  const raw = parseJson(readFileSync(path, 'utf8'), path) as any;
  set(raw);
  const scenario = validateScenario(raw, path);
  return summarize(simulate(scenario), file, scenario.seed).incident!;
}

describe('incident-retry-storm.json: a metastable failure', () => {
  const storm = runFile('incident-retry-storm.json');
  const jitter = runFile('incident-retry-storm-jitter.json');

  it('serves its load before the slowdown', () => {
    expect(storm.goodput.before).toBeGreaterThan(280);
    expect(storm.goodput.before).toBeCloseTo(storm.throughput.before!, 6);
  });

  it('stays down after the slowdown ends: retries keep the load above capacity, and the server works for clients that left', () => {
    expect(storm.recovery.recovered).toBe(false);
    expect(storm.goodput.after).toBeLessThan(0.1 * storm.goodput.before!);
    // Attempts ended per second after the incident: beyond the 500/s the database can serve.
    expect(storm.throughput.after).toBeGreaterThan(1000);
    expect(storm.retries!.amplification).toBeGreaterThan(3);
    expect(storm.lateResponses).toBeGreaterThan(storm.retries!.requests);
  });

  it('recovers with exponential backoff, full jitter and a 10 % retry budget', () => {
    expect(jitter.recovery.recovered).toBe(true);
    expect(jitter.recovery.seconds).toBeLessThan(30);
    expect(jitter.retries!.amplification).toBeLessThan(1.2);
    expect(jitter.retries!.deniedByBudget).toBeGreaterThan(0);
    expect(jitter.goodput.after).toBeGreaterThan(10 * storm.goodput.after!);
  });

  it('recovers without retries too: the retries are what keeps the storm going', () => {
    const none = runFile('incident-retry-storm.json', (raw) => {
      raw.client.retries.count = 0;
    });
    expect(none.recovery.recovered).toBe(true);
  });
});

describe('incident-statement-timeout.json: a slow-query tail', () => {
  it('without statement_timeout, slow queries hold the pool and most requests time out', () => {
    const off = runFile('incident-statement-timeout.json');
    const on = runFile('incident-statement-timeout.json', (raw) => {
      raw.database.statementTimeout = 0.5;
    });
    expect(off.statementTimeouts).toBe(0);
    // Most of the 100/s offered times out: under half is answered within the clients' 2 s.
    expect(off.goodput.before).toBeLessThan(50);
    // With it: a few of the queries cancelled, and goodput near the 100/s offered.
    expect(on.statementTimeouts).toBeGreaterThan(0);
    expect(on.goodput.before).toBeGreaterThan(90);
  });
});

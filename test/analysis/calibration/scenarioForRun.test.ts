// A measured run's client settings that the scenario refuses are named by where they came
// from: the run's file and its hey command's flag, or the tool's output; not the scenario
// file, which does not hold them (src/analysis/calibration/scenarioForRun.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHeyRun } from '../../../src/analysis/calibration/heyRun.js';
import { readMeasuredRun } from '../../../src/analysis/calibration/readMeasuredRun.js';
import { scenarioForRun } from '../../../src/analysis/calibration/scenarioForRun.js';

const raw = JSON.parse(readFileSync('calibration/linux-2core.json', 'utf8'));
const fixture = 'test/fixtures/hey/patched-c10.r1.txt';
/** patched-c10.r1.txt (hey -n 10 -c 10 -t 0) with its command line replaced. */
const heyRun = (command: string) => parseHeyRun(readFileSync(fixture, 'utf8').replace(/^\$ hey .*/, `$ ${command}`), 'run.txt');

describe("a measured run's settings the scenario refuses", () => {
  it("names the hey command's flag in the run's file", () => {
    // This said "s.json (for run.txt): at client.timeout: ...", a field s.json does not have.
    expect(() => scenarioForRun(raw, heyRun('hey -n 10 -c 10 -t 99999999999 http://127.0.0.1:8000/'), [], 's.json')).toThrow(
      /^run\.txt: -t 99999999999 in its hey command: at client\.timeout: expected a number <= 1000000000, got number 99999999999$/,
    );
    expect(() => scenarioForRun(raw, heyRun('hey -n 10 -c 10 -q 1e9 http://127.0.0.1:8000/'), [], 's.json')).toThrow(
      /^run\.txt: -q 1000000000 in its hey command: at client\.rate: expected a number <= 1000000, got number 1000000000$/,
    );
    expect(() => scenarioForRun(raw, heyRun('hey -z 1000000h -c 10 http://127.0.0.1:8000/'), [], 's.json')).toThrow(
      /^run\.txt: -z 3600000000s in its hey command: at client\.duration: expected a number <= 1000000000, got number 3600000000$/,
    );
  });

  it("names another tool's output", () => {
    const text = readFileSync('test/fixtures/wrk/c10-d3s.txt', 'utf8').replace('10 connections', '100000000 connections');
    expect(() => scenarioForRun(raw, readMeasuredRun(text, 'wrk.txt'), [], 's.json')).toThrow(
      /^wrk\.txt: wrk output: at client\.concurrency: expected a number <= 100000, got number 100000000$/,
    );
    const autocannon = JSON.parse(readFileSync('test/fixtures/autocannon/c10-d3.json', 'utf8'));
    const long = readMeasuredRun(JSON.stringify({ ...autocannon, duration: 1e308 }), 'ac.json');
    expect(() => scenarioForRun(raw, long, [], 's.json')).toThrow(
      /^ac\.json: autocannon output: at client\.duration: expected a number <= 1000000000, got number 1e\+308$/,
    );
  });

  it("still names the scenario for its own fields, and a --set for what it set, the run's value given way", () => {
    const bad = structuredClone(raw);
    bad.client.requestCpu = -1;
    expect(() => scenarioForRun(bad, heyRun('hey -n 10 -c 10 http://127.0.0.1:8000/'), [], 's.json')).toThrow(
      /^s\.json \(for run\.txt\): at client\.requestCpu: /,
    );
    const run = heyRun('hey -n 10 -c 10 -t 99999999999 http://127.0.0.1:8000/');
    expect(scenarioForRun(raw, run, ['client.timeout=5'], 's.json').scenario.client.timeout).toBe(5);
    expect(() => scenarioForRun(raw, run, ['client.timeout=-5'], 's.json')).toThrow(
      /^--set client\.timeout=-5 \(for run\.txt\): at client\.timeout: /,
    );
  });
});

// Hardening: sim compare of a scenario file holding null was "internal error: Cannot read
// properties of null (reading 'client')", exit 1; of 5 or "x", "Cannot convert undefined or
// null to object"; of [], "run.txt: -n 10 in its hey command: the scenario is a list".
describe('a scenario file that holds no object', () => {
  it.each([
    [null, 'null'],
    [5, 'number 5'],
    ['x', 'string "x"'],
    [[], 'a list of 0 items'],
  ])('%j is refused as the file, at its top level', (value, found) => {
    const run = heyRun('hey -n 10 -c 10 -t 0 http://127.0.0.1:8000/');
    expect(() => scenarioForRun(value, run, [], 's.json')).toThrow(`s.json: at (top level): expected an object, got ${found}`);
    expect(() => scenarioForRun(value, run, ['seed=1'], 's.json')).toThrow(`s.json: at (top level): expected an object, got ${found}`);
  });
});

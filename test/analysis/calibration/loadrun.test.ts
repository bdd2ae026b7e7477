// The kit's load run (calibration/bench/loadrun.py, procstat.py's run_hey). It counts the
// requests the handlers served from gunicorn's log, where the kit's handlers write one
// record a call (calibration/app/*.py). The workers share that log, and the actors
// handler's print() writes its text and its newline apart, so a record can land after
// another worker's "200 rows fetched" on the same line. And hey -t 0 waits for an answer
// for good: a run past its limit is killed, after recording what it can.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const BENCH = resolve('calibration/bench');

function handlerTimes(log: string, start: number): { ok: number[][]; failed: number[][] } {
  const path = join(mkdtempSync(join(tmpdir(), 'handler-log-')), 'gunicorn.log');
  writeFileSync(path, log);
  const script = `import json, sys, loadrun; ok, failed = loadrun.handler_times(sys.argv[1], 0, ${start}); print(json.dumps({"ok": ok, "failed": failed}))`;
  const r = spawnSync('python3', ['-c', script, path], { cwd: BENCH, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

describe("the load run's count of the handlers' calls", () => {
  it("counts a record that follows another worker's output on the same line as what it says it is", () => {
    const log = [
      '[2026-12-06 16:40:01 +0000] [6796] [INFO] Booting worker with pid: 6796',
      '200 rows fetched',
      'handled request start=100.500000 end=100.540000 pid=6796',
      '200 rows fetched200 rows fetchedhandled request start=100.510000 end=100.560000 pid=6797',
      '',
      'handled request start=100.520000 end=100.570000 pid=6801',
      'failed request start=100.600000 end=100.650000 pid=6805',
      '200 rows fetchedfailed request start=100.610000 end=100.640000 pid=6806',
      '',
    ].join('\n');
    const { ok, failed } = handlerTimes(log, 100);
    expect(ok.map(([s]) => s.toFixed(2))).toEqual(['0.50', '0.51', '0.52']);
    expect(failed.map(([s, e]) => [s.toFixed(2), e.toFixed(2)])).toEqual([
      ['0.60', '0.65'],
      ['0.61', '0.64'],
    ]);
  });

  it("reads gunicorn's own lines, which carry no record, as no call", () => {
    const log = '[2026-12-06 16:40:02 +0000] [6796] [ERROR] Error handling request /\nTraceback (most recent call last):\n';
    expect(handlerTimes(log, 0)).toEqual({ ok: [], failed: [] });
  });
});

/** procstat.run_hey with `program` in hey's place: whether it hung, and the pid on_hang heard. */
function runHey(program: string, args: string[], hangAfter: number): { hung: boolean; heard: boolean; status: number } {
  const script = [
    'import json, subprocess, sys, procstat',
    'heard = []',
    `h = procstat.run_hey(${JSON.stringify(args)}, subprocess.DEVNULL, hang_after=${hangAfter}, on_hang=heard.append, program=${JSON.stringify(program)})`,
    'print(json.dumps({"hung": h["hung"], "heard": heard != [], "status": h["status"]}))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { cwd: BENCH, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

describe('the load run past its limit', () => {
  it('kills a run that outlasts the limit, after on_hang heard of it, and says it hung', () => {
    expect(runHey('sleep', ['30'], 0.2)).toEqual({ hung: true, heard: true, status: -9 });
  });

  it('leaves a run that ends within the limit as it ended', () => {
    expect(runHey('true', [], 30)).toEqual({ hung: false, heard: false, status: 0 });
    expect(runHey('false', [], 30)).toEqual({ hung: false, heard: false, status: 1 });
  });
});

// The kit's measure (calibration/lib.sh), run here as the kit sources it, with the load run
// itself (bench/loadrun.py, hey) and the machine's checks replaced by stand-ins that only
// write the files a run leaves. run.sh's ALTERNATE runs the series round by round: round N
// takes every configuration's Nth run (measure under KIT_ROUND), so that a slow spell of the
// machine falls on every configuration alike. A run whose hey hung (loadrun.py killed it
// past KIT_HANG_AFTER) is kept apart and run again.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LIB = resolve('calibration/lib.sh');

/**
 * The files `script` leaves in a fresh results directory, after measure's stand-ins, the
 * first `hangs` load runs reporting that hey hung.
 */
function runsLeft(script: string, hangs = 0): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'kit-measure-'));
  const results = join(dir, 'results');
  const loadrun = join(dir, 'loadrun');
  writeFileSync(join(dir, 'postgres.log'), '');
  // Writes hey's output and the CPU record where measure asks for them (and, while it counts
  // a hang, the line loadrun.py writes then and its record of the connections).
  writeFileSync(
    loadrun,
    [
      '#!/usr/bin/env bash',
      `n=$(( $(cat "${dir}/calls" 2>/dev/null || echo 0) + 1 )); echo "$n" >"${dir}/calls"`,
      `hung() { [ "$n" -le ${hangs} ]; }`,
      'while [ $# -gt 0 ]; do case "$1" in',
      '  --out) echo "  Requests/sec: 1" >>"$2"; shift ;;',
      '  --cpu) { echo "hey share: 0.01"; if hung; then echo "hey hung: killed after 120 s"; fi; } >"$2"; shift ;;',
      '  --hung) if hung; then echo "ss" >"$2"; fi; shift ;;',
      '  --) break ;;',
      'esac; shift; done',
      '',
    ].join('\n'),
  );
  chmodSync(loadrun, 0o755);
  const stand_ins = `PYTHON="${loadrun}"; quiet_begin() { :; }; server_summary() { :; }; postmaster_pid() { echo 1; }; sleep() { :; }; WORK="${dir}"; GUNICORN_LOG=/dev/null`;
  const r = spawnSync(
    'bash',
    ['-c', `set -euo pipefail; . "${LIB}"; mkdir -p "${results}"; RESULTS="${results}"; ONLY=.; ${stand_ins}; ${script}`],
    { encoding: 'utf8' },
  );
  expect(r.status, r.stderr).toBe(0);
  return readdirSync(results)
    .filter((f) => f.endsWith('.txt') && !f.endsWith('.cpu.txt'))
    .sort();
}

describe("the kit's load runs, back to back or round by round", () => {
  it('measures every repeat of a configuration in a row without KIT_ROUND', () => {
    expect(runsLeft('measure storm 3 -n 1 http://127.0.0.1:1/')).toEqual(['storm.r1.txt', 'storm.r2.txt', 'storm.r3.txt']);
  });

  it("measures only the round's run under KIT_ROUND, numbered by the round", () => {
    expect(runsLeft('KIT_ROUND=2; measure storm 3 -n 1 http://127.0.0.1:1/')).toEqual(['storm.r2.txt']);
  });

  it("measures nothing in a round past the configuration's count", () => {
    expect(runsLeft('KIT_ROUND=4; measure storm 3 -n 1 http://127.0.0.1:1/')).toEqual([]);
  });

  it('leaves, over the rounds, the same runs as back to back', () => {
    const rounds = 'for KIT_ROUND in 1 2 3 4 5; do measure storm 5 -n 1 u; measure wave 3 -n 1 u; done';
    expect(runsLeft(rounds)).toEqual(runsLeft('measure storm 5 -n 1 u; measure wave 3 -n 1 u'));
    expect(runsLeft(rounds)).toHaveLength(8);
  });
});

describe("the kit's load run whose hey hung", () => {
  it('keeps the hung run apart, with its record of the connections, and runs it again', () => {
    expect(runsLeft('measure storm 2 -n 1 u', 1)).toEqual([
      'storm.r1.hung.connections.txt',
      'storm.r1.hung.txt',
      'storm.r1.txt',
      'storm.r2.txt',
    ]);
  });

  it("numbers a run's later hangs, and gives up on it past KIT_HANG_RERUNS", () => {
    expect(runsLeft('KIT_HANG_RERUNS=1; measure storm 2 -n 1 u', 2)).toEqual([
      'storm.r1.hung.connections.txt',
      'storm.r1.hung.txt',
      'storm.r1.hung2.connections.txt',
      'storm.r1.hung2.txt',
      'storm.r2.txt',
    ]);
  });

  it("runs the round's run again under KIT_ROUND, and no other", () => {
    expect(runsLeft('KIT_ROUND=3; measure storm 5 -n 1 u', 1)).toEqual([
      'storm.r3.hung.connections.txt',
      'storm.r3.hung.txt',
      'storm.r3.txt',
    ]);
  });
});

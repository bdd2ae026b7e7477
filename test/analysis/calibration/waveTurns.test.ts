// calibration/bench/wave_turns.py reads the lines app/wsgi_wave.py logs through one wave and
// says how the gevent worker's loop took it. Here it reads a wave of eight greenlets written
// by hand: the loop's turns resume them in an order chosen for each turn, and one of them
// is answered a turn late.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = resolve('calibration/bench/wave_turns.py');
const greenlets = [1, 2, 3, 4, 5, 6, 7, 8];

/** The log of the wave, its clock advancing 1 µs a line unless a step says how long it ran. */
function waveLog(): string {
  const lines: string[] = [];
  let t = 1000;
  const log = (what: string, iter: number, g: number, kind = '', ran = 1e-6) => {
    t += ran;
    lines.push(`wave ${what} t=${t.toFixed(6)} iter=${iter} g=${g} n=0 kind=${kind}`);
  };
  // Turn 1: the handlers start in order, each connect waits for its socket.
  for (const g of greenlets) {
    log('start', 1, g);
    log('wait', 1, g, 'W');
  }
  // Turn 2: the connected sockets, newest first; each ran 5 µs before its next wait.
  for (const g of [...greenlets].reverse()) {
    log('resume', 2, g, 'W');
    log('wait', 2, g, 'R', 5e-6);
  }
  // Turn 3: in the order they began to wait (8 first); the proof, 3 ms each.
  for (const g of [...greenlets].reverse()) {
    log('resume', 3, g, 'R');
    log('connected', 3, g, '', 3e-3);
    log('wait', 3, g, 'R');
  }
  // Turn 4: BEGIN answered for all but greenlet 1, whose answer misses this turn's poll.
  for (const g of greenlets.slice(1).reverse()) {
    log('resume', 4, g, 'R');
    log('wait', 4, g, 'R', 20e-6);
  }
  log('resume', 5, 1, 'R');
  log('wait', 5, 1, 'R', 20e-6);
  // A second later, pg_sleep's answers, in the order the queries were sent.
  t += 1;
  for (const g of [...greenlets.slice(1).reverse(), 1]) {
    log('resume', 100, g, 'R');
    log('done', 100, g);
  }
  return `${lines.join('\n')}\n`;
}

function read(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wave-turns-'));
  writeFileSync(join(dir, 'c8.r1.log'), waveLog());
  writeFileSync(join(dir, 'c8.r1.hey.txt'), 'Summary:\n  Slowest:\t1.2000 secs\n  Fastest:\t1.1000 secs\n');
  const r = spawnSync('python3', [SCRIPT, join(dir, 'c8.r1.log')], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

describe("wave_turns.py, the gevent worker's loop through a wave", () => {
  const out = read();

  it("counts each turn's resumes by the wait they ended", () => {
    expect(out).toContain('2: r1x8 ');
    expect(out).toContain('3: r2x8 ');
    expect(out).toContain('4: r3x7 ');
    expect(out).toContain('5: r3x1 ');
  });

  it('counts a connection answered after the turn that followed its wait as a turn skipped, up to the query', () => {
    // The query's own wait (pg_sleep's second) is left out: no turn can catch it.
    expect(out).toContain('resumed after a turn skipped, by wait: r2 0/8 r3 1/8\n');
  });

  it('tells a turn that resumes its greenlets in the order they began to wait from one that reverses it', () => {
    // Turn 2 reverses turn 1's order; turn 3 and pg_sleep's answers keep theirs; turn 4 has
    // only seven resumes, too few to say.
    expect(out).toContain('against the order they began to wait (rank correlation, +1 the same): -1.00 +1.00 +1.00\n');
  });

  it('gives how long each step ran from its resume to its next line', () => {
    expect(out).toContain('median us by wait: r1 5 r2 3000 r3 20 r4 1\n');
  });

  it("reads hey's Slowest - Fastest beside the log", () => {
    expect(out).toMatch(/^c8\.r1: 8 handlers; Slowest - Fastest 0\.100 s/);
  });
});

// The kit's measure (calibration/lib.sh) runs a load run again when other processes shared
// the machine during it: shared_cores reads bench/loadrun.py's "other processes cpu" line,
// and set_aside moves the run's files out of the way of the readers that glob NAME.r*.txt.
// Both are plain shell functions, run here as the kit sources them (nothing starts).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LIB = resolve('calibration/lib.sh');

function kit(script: string, results: string): { out: string; code: number | null } {
  const r = spawnSync('bash', ['-c', `set -euo pipefail; . "${LIB}"; RESULTS="${results}"; ${script}`], { encoding: 'utf8' });
  return { out: r.stdout.trim(), code: r.status };
}

function cpuFile(dir: string, share: string): string {
  const path = join(dir, `run.${share}.cpu.txt`);
  writeFileSync(path, `hey share: 0.0135\nother processes cpu: 1.38 (share ${share} cores; bash 44.53; /proc/PID/stat, 0.01 s ticks)\n`);
  return path;
}

describe("the kit's rerun of a load run that shared the machine", () => {
  const dir = mkdtempSync(join(tmpdir(), 'kit-rerun-'));

  it('names the cores other processes used from a fifth of a core up, and nothing below', () => {
    expect(kit(`shared_cores "${cpuFile(dir, '1.0573')}"`, dir)).toEqual({ out: '1.0573', code: 0 });
    expect(kit(`shared_cores "${cpuFile(dir, '0.2')}"`, dir)).toEqual({ out: '0.2', code: 0 });
    expect(kit(`shared_cores "${cpuFile(dir, '0.0238')}"`, dir)).toEqual({ out: '', code: 0 });
  });

  it('says nothing for a run written before the line existed', () => {
    const old = join(dir, 'old.cpu.txt');
    writeFileSync(old, 'hey share: 0.0135\nworkers cpu: 0.1775 (share 0.1355)\n');
    expect(kit(`shared_cores "${old}"`, dir)).toEqual({ out: '', code: 0 });
  });

  it("sets one run's files aside in shared/, numbered, and leaves every other run's", () => {
    const results = join(dir, 'results');
    mkdirSync(results);
    for (const f of ['spread-c50.r1.txt', 'spread-c50.r1.cpu.txt', 'spread-c50.r1.server.log', 'spread-c50.r10.txt', 'spread-c100.r1.txt'])
      writeFileSync(join(results, f), f);
    expect(kit('set_aside spread-c50.r1 1', results).code).toBe(0);
    expect(readdirSync(join(results, 'shared')).sort()).toEqual([
      'spread-c50.r1.1.cpu.txt',
      'spread-c50.r1.1.server.log',
      'spread-c50.r1.1.txt',
    ]);
    expect(readdirSync(results).sort()).toEqual(['shared', 'spread-c100.r1.txt', 'spread-c50.r10.txt']);
    // Its second rerun's files sit beside the first's.
    writeFileSync(join(results, 'spread-c50.r1.txt'), 'again');
    expect(kit('set_aside spread-c50.r1 2', results).code).toBe(0);
    expect(readdirSync(join(results, 'shared'))).toContain('spread-c50.r1.2.txt');
  });
});

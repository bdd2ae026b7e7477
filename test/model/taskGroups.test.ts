// The kit's actors storm (4 gevent workers x 100, hey -n 1000 -c 1000) on the kit's measured
// costs, with and without Linux's task groups. The kit's processes are grouped by session
// (calibration/autogroup.sh): each PostgreSQL backend and the postmaster alone, gunicorn's
// workers and hey together. Grouped, the postmaster gets a session's share of the cores
// instead of one process's among hundreds, keeps up with the first wave of connects (the
// real one did: no listen-queue overflow), and more of that wave is refused.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/model/system.js';
import { applyOverride } from '../../src/scenario/overrides.js';
import { validateScenario } from '../../src/scenario/load.js';

function storm(taskGroups: 'none' | 'session') {
  const raw = JSON.parse(readFileSync('calibration/measured-linux-2core.json', 'utf8'));
  const set = [
    'server.workers=4',
    'server.workerConnections=100',
    'client.requests=1000',
    'client.concurrency=1000',
    'app.steps.1.time=0',
    'app.steps.1.cpu=0.001086',
    `machine.taskGroups=${taskGroups}`,
  ];
  for (const o of set) applyOverride(raw, o);
  return simulate(validateScenario(raw, 'storm'));
}

describe('task groups in the storm', () => {
  const grouped = storm('session');
  const flat = storm('none');

  it('by session, the postmaster keeps up: nothing overflows its listen queue', () => {
    expect(flat.database!.synDrops).toBeGreaterThan(0);
    expect(grouped.database!.synDrops).toBe(0);
  });

  it('by session, more of the first wave is refused', () => {
    expect(grouped.database!.refused).toBeGreaterThan(flat.database!.refused + 50);
  });
});

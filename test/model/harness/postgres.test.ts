// PostgreSQL alone, past the handshake (test/model/database/ has it step by step):
// queries on the backends' cores, and what a close frees and when.
import { describe, expect, it } from 'vitest';
import { TOO_MANY_CLIENTS, type PostgresSettings } from '../../../src/model/database/postgres.js';
import { postgresAlone, postgresSettings } from './harness.js';

function setup(changes: Partial<PostgresSettings>, cores = 1) {
  return postgresAlone(postgresSettings({ maxConnections: 2, ...changes }), cores);
}

describe('PostgreSQL, alone: queries and closes', () => {
  it("runs a query's CPU on the database's cores, then its wait", () => {
    // One core: 1's CPU 0-100 then 200 of wait; 2's CPU waits for the core, 100-200, then 200 of wait.
    const { h, pg, query } = setup({});
    h.at(0, () => {
      query(1, 100, 200);
      query(2, 100, 200);
    });
    expect(h.run()).toEqual(['300 result 1', '400 result 2']);
    expect([pg.queries, pg.inQuery, pg.backendCpuUsed]).toEqual([2, 0, 200]);
  });

  it('frees the slot backendExitTime after a close; the process exits backendExitCpu later', () => {
    const { h, pg, open } = setup({ maxConnections: 1, backendExitTime: 50, backendExitCpu: 100 });
    h.at(0, () => open(1));
    h.at(10, () => pg.close());
    // 2 at 40 finds the slot still held; 3 at 70 gets it, while the exiting process still
    // runs (60-160): two children until then.
    h.at(40, () => open(2));
    h.at(70, () => open(3));
    h.at(100, () => h.note(`children ${pg.postmaster.children}`));
    h.at(200, () => h.note(`children ${pg.postmaster.children}`));
    expect(h.run()).toEqual([
      '0 ready 1',
      '40 2 FATAL:  sorry, too many clients already',
      '70 ready 3',
      '100 children 2',
      '200 children 1',
    ]);
  });

  it("a connection attempt after a dead end is no dead end itself, though it reuses the dead end's record", () => {
    // One child at most. 1 forks the child and is ready at 0; 2 finds the one child alive:
    // a dead end, refused at 0. 1 closes at 10: its backend exits, no child is alive. 3 at
    // 20 forks the only child there is, and is ready.
    const { h, pg, open } = setup({ maxChildren: 1 });
    h.at(0, () => {
      open(1);
      open(2);
    });
    h.at(10, () => pg.close());
    h.at(20, () => open(3));
    expect(h.run()).toEqual(['0 ready 1', `0 2 ${TOO_MANY_CLIENTS}`, '20 ready 3']);
    expect([pg.deadEnds, pg.postmaster.children]).toEqual([1, 1]);
  });
});

// sim sweep, sim plan and sim serve refuse a scenario whose work is predictably beyond its
// budgets, as sim run refuses it (src/scenario/budgets.ts), and the refusal says how to
// raise the budget in a way the command itself accepts. Before, all three said sim run's
// "--max-events" or "--max-sim-time", which each of them rejects as an unknown option:
//
//   $ sim sweep s.json --set limits.maxEvents=50 --vary client.concurrency=10,20
//   sim: ... raise the budget (--max-events, at most 1000000000) or send fewer requests
//   $ sim sweep s.json --vary client.concurrency=10,20 --max-events 200
//   sim: unknown option --max-events
//
// sim sweep and sim plan take --set (as sim compare and sim fit do); sim serve takes no
// overrides at all, so its message names the field in the file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sim } from '../sim.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-grid-serve-budgets-'));
const scenario = (limits: object = {}) => ({
  description: 'budgets',
  client: { requests: 20, concurrency: 5 },
  app: { steps: [{ kind: 'sleep', time: '20ms' }] },
  server: {},
  limits,
});
const FILE = join(dir, 'scenario.json');
writeFileSync(FILE, JSON.stringify(scenario()));

const EVENTS = `at limits.maxEvents: the run could not finish within its event budget of 10: client.requests = 20: at least 20 events (one or more each); raise the budget`;
const TIME = `at limits.maxSimTime: the run could not finish within its simulated-time budget of 3600 s: client.duration = 7200 s of sending (hey -z): at least 7200 simulated seconds; raise the budget`;
const PLAN = ['--target-rps', '10', '--p99', '1'];

describe.each([
  ['sweep', []],
  ['plan', PLAN],
])('sim %s: the refusal names --set, which it takes, not --max-events, which it does not', (command, extra) => {
  it('a point of more requests than the event budget: exit 2, one line, nothing run', async () => {
    const r = await sim(command, FILE, '--vary', 'server.workers=1,2', ...extra, '--set', 'limits.maxEvents=10');
    expect(r.err).toBe(
      `sim: ${FILE} with --vary server.workers=1,2 (at server.workers=1): ${EVENTS} (--set limits.maxEvents=N, at most 1000000000) or send fewer requests\n`,
    );
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    // sim run's flag is not one of this command's.
    expect((await sim(command, FILE, '--vary', 'server.workers=1,2', ...extra, '--max-events', '20')).err).toBe(
      'sim: unknown option --max-events\n',
    );
    // Raising the budget as the message says lets the points run.
    const raised = await sim(command, FILE, '--vary', 'server.workers=1,2', ...extra, '--set', 'limits.maxEvents=1000');
    expect(raised.err).not.toContain('budget');
    expect(raised.code).not.toBe(2);
    expect(raised.out).toContain('server.workers');
  });

  it('a point longer than the time budget', async () => {
    const r = await sim(command, FILE, '--vary', 'client.duration=10m,2h', ...extra);
    expect(r.err).toBe(
      `sim: ${FILE} with --vary client.duration=10m,2h (at client.duration=2h): ${TIME} (--set limits.maxSimTime=T) or shorten client.duration\n`,
    );
    expect(r.code).toBe(2);
    expect((await sim(command, FILE, '--vary', 'client.duration=10m,2h', ...extra, '--max-sim-time', '3h')).err).toBe(
      'sim: unknown option --max-sim-time\n',
    );
  });

  it('a budget the grid itself varies is raised in its --vary: a --set of it would be overridden', async () => {
    const r = await sim(command, FILE, '--vary', 'limits.maxEvents=10,1000', ...extra);
    expect(r.err).toBe(
      `sim: --vary limits.maxEvents=10,1000 (limits.maxEvents=10): ${EVENTS} (the values of --vary limits.maxEvents=10,1000, at most 1000000000) or send fewer requests\n`,
    );
    expect(r.code).toBe(2);
  });
});

describe('sim serve: the refusal names the field in the file, since serve takes neither --max-events nor --set', () => {
  it('a scenario of more requests than the event budget: exit 2, one line, before listening', async () => {
    const beyond = join(dir, 'beyond.json');
    writeFileSync(beyond, JSON.stringify(scenario({ maxEvents: 10 })));
    const r = await sim('serve', beyond, '--port', '0');
    expect(r.err).toMatch(/^sim: \S*beyond\.json:1:\d+: /);
    expect(r.err).toContain(`: ${EVENTS} (limits.maxEvents in ${beyond}, at most 1000000000) or send fewer requests\n`);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    // Neither of the ways the other commands name is one of serve's.
    expect((await sim('serve', beyond, '--port', '0', '--max-events', '20')).err).toBe('sim: unknown option --max-events\n');
    expect((await sim('serve', beyond, '--port', '0', '--set', 'limits.maxEvents=20')).err).toBe('sim: unknown option --set\n');
    // Raised in the file, as the message says, the scenario passes: serve goes on to listen
    // (refused here for an address not of this machine, or for a page not built).
    const raised = join(dir, 'raised.json');
    writeFileSync(raised, JSON.stringify(scenario({ maxEvents: 20 })));
    const served = await sim('serve', raised, '--port', '0', '--host', '192.0.2.1');
    expect(served.err).toMatch(/^sim: (--host 192\.0\.2\.1: not an address of this machine|the page is not built)/);
  });

  it('a scenario longer than the time budget', async () => {
    const long = join(dir, 'long.json');
    writeFileSync(long, JSON.stringify({ ...scenario(), client: { duration: '2h', concurrency: 5 } }));
    const r = await sim('serve', long, '--port', '0');
    expect(r.err).toMatch(/^sim: \S*long\.json:1:\d+: /);
    expect(r.err).toContain(`: ${TIME} (limits.maxSimTime in ${long}) or shorten client.duration\n`);
    expect(r.code).toBe(2);
  });
});

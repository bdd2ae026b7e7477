#!/usr/bin/env node
// The simulated actors storm in the figures storm_wire.sh reads from the real one's
// packets (results/storm-wire/summary.txt): hey's dials and requests, the handlers' start,
// each connection's steps to PostgreSQL over time, and the median waits between them.
// Node only (npm run build first).
//
//   node calibration/storm_wire_model.mjs [cN: c1000, c400...] [seeds] [scenario] [--set path=value ...]
import { recordConnects } from './connect_record.mjs';
import { plan, wireStorm } from './storm.mjs';

const args = process.argv.slice(2);
const extra = [];
for (let i = args.indexOf('--set'); i >= 0; i = args.indexOf('--set')) extra.push(...args.splice(i, 2).slice(1));
const [storm = 'c1000', seedsArg = '1', file = plan.scenario] = args;
const clients = Number(storm.slice(1));
const AT = [100_000, 200_000, 300_000, 500_000, 1_000_000];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log(`${storm}, ${file}${extra.length ? ` ${extra.join(' ')}` : ''}`);
for (let seed = 1; seed <= Number(seedsArg); seed++) {
  const storm = wireStorm({ clients, seed, file, extra });
  const system = storm.system;
  const pg = system.postgres;
  const now = () => system.sim.now;
  const dials = [],
    written = [],
    started = [];
  const client = system.client;
  const syn = client.listener.syn.bind(client.listener);
  client.listener.syn = (conn) => {
    dials.push(now());
    syn(conn);
  };
  const write = client.written.bind(client);
  client.written = (req) => {
    if (req.conn.request === req && !req.conn.idleOnServer) written.push(now());
    write(req);
  };
  // The workers' CPU work, counted when each piece ends (the real storm's cpu samples).
  const workerCpu = [];
  const cpu = system.app.cpu;
  const run = cpu.run.bind(cpu);
  cpu.run = (w, fn, a, b, process) =>
    run(
      w,
      (x, y) => {
        workerCpu.push([now(), w]);
        fn(x, y);
      },
      a,
      b,
      process,
    );
  // hey runs in the workers' session (client.taskGroup), on the same view of the cores: its own apart.
  const heyCpu = [];
  const hey = client.process;
  if (hey !== undefined) {
    const heyRun = hey.run.bind(hey);
    hey.run = (w, fn, a, b) =>
      heyRun(
        w,
        (x, y) => {
          heyCpu.push([now(), w]);
          fn(x, y);
        },
        a,
        b,
      );
  }
  // A handler starts when its worker has parsed the request and calls the app (the real
  // handlers log it then): the app's first step, after the worker's CPU on its loop.
  const next = system.app.next.bind(system.app);
  const byWorker = new Map();
  system.app.next = (req) => {
    if (req.step === 0) {
      started.push(now());
      if (!byWorker.has(req.host)) byWorker.set(req.host, []);
      byWorker.get(req.host).push(now());
    }
    next(req);
  };
  // Each connection's steps, by its request (attempt records are reused).
  const conns = recordConnects(system);
  storm.run();

  const all = [...conns.values()];
  for (const r of all) {
    const slotted = r.turns.filter((t) => t.slotted);
    r.slot = slotted[0]?.asked;
    r.proof = slotted.at(-1)?.answered;
  }
  const by = (xs) => AT.map((t) => xs.filter((x) => x !== undefined && x <= t).length).join('/');
  const wave = all.filter((r) => r.syn <= 1_000_000);
  const wait = (f) => {
    const d = wave.map(f).filter((x) => x !== undefined && !Number.isNaN(x));
    return (median(d) / 1000).toFixed(1);
  };
  // Before the slot: the connected socket's turns (then libpq sends the SSL request), then reading the 'N' and writing the startup packet.
  const before = (r, i) => r.turns.filter((t) => !t.slotted).at(i);
  // The connected socket's turns, then the 'N''s.
  const k = pg.settings.connectTurns;
  const after = (r) => r.turns.filter((t) => t.slotted);
  console.log(`seed ${seed}:`);
  console.log(`  hey: dials ${by(dials)}, first requests written ${by(written)}; handlers started ${by(started)}`);
  console.log(
    `  libpq: SYNs ${by(all.map((r) => r.syn))}, startup packets ${by(all.map((r) => r.startup))}, proofs sent ${by(all.map((r) => r.proof))}`,
  );
  console.log(
    `  PostgreSQL: slots taken ${by(all.map((r) => r.slot))}, refused ${by(all.map((r) => r.refused))}, authenticated ${by(all.map((r) => r.ok))}`,
  );
  console.log(
    `  waits: connect to SSLRequest (worker) ${wait((r) => before(r, k - 1)?.answered - before(r, 0)?.asked)}; ` +
      `SSLRequest to 'N' (postmaster, backend) ${wait((r) => before(r, k)?.asked - before(r, k - 1)?.answered)}; ` +
      `'N' to startup packet (worker) ${wait((r) => before(r, -1)?.answered - before(r, k)?.asked)}; ` +
      `slot to client-first (worker) ${wait((r) => after(r)[0]?.answered - r.slot)}; ` +
      `server-first to proof (worker) ${wait((r) => (after(r).length > 1 ? after(r).at(-1).answered - after(r).at(-1).asked : undefined))}; ` +
      `proof to authenticated (backend) ${wait((r) => r.ok - r.proof)}; authenticated to query (worker) ${wait((r) => r.query - r.ok)}`,
  );
  const pre = AT.map((t) => all.filter((r) => r.syn <= t && !(r.startup <= t) && !(r.refused <= t)).length);
  const sumBy = (xs, t) => xs.filter(([at]) => at <= t).reduce((sum, [, w]) => sum + w, 0) / 1e6;
  const heyBy = AT.map((t) => sumBy(heyCpu, t));
  const workersBy = AT.map((t, i) => (sumBy(workerCpu, t) - (cpu === hey?.host ? heyBy[i] : 0)).toFixed(3));
  console.log(`  handlers started by worker: ${[...byWorker.values()].map((xs) => by(xs)).join('; ')}`);
  console.log(
    `  at those times: connections before their startup packet ${pre.join('/')}; CPU: workers ${workersBy.join('/')} s, hey ${heyBy.map((x) => x.toFixed(3)).join('/')} s; 500s in all ${pg.refused}`,
  );
}

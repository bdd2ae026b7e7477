#!/usr/bin/env node
// The simulated wave of spread_wire.sh (one gevent worker x 1000, pg_sleep(1), hey -n C
// -c C) as storm_wire.py's events CSV, so that `storm_wire.py tail` reads the model's
// connects as it reads the real ones' packets: when each proof was sent, when its
// backend was ready, when the worker's loop got back to send the query. Node only (npm run
// build first).
//
//   node calibration/spread_wire_model.mjs OUTDIR [seeds] [scenario] [--set path=value ...]
//     writes OUTDIR/c50.sN.events.csv and OUTDIR/c100.sN.events.csv
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wireAtSpeed } from '../dist/model/system.js';
import { runSystem } from '../dist/model/run.js';
import { validateScenario } from '../dist/scenario/load.js';
import { applyOverride } from '../dist/scenario/overrides.js';
import { recordConnects } from './connect_record.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const extra = [];
for (let i = args.indexOf('--set'); i >= 0; i = args.indexOf('--set')) extra.push(...args.splice(i, 2).slice(1));
const [out, seedsArg = '5', file = 'calibration/measured-linux-2core.json'] = args;
if (!out) {
  console.error('usage: spread_wire_model.mjs OUTDIR [seeds] [scenario] [--set path=value ...]');
  process.exit(2);
}
mkdirSync(out, { recursive: true });

for (const c of [50, 100]) {
  for (let seed = 1; seed <= Number(seedsArg); seed++) {
    const raw = JSON.parse(readFileSync(join(root, file), 'utf8'));
    for (const o of [`client.requests=${c}`, `client.concurrency=${c}`, `seed=${seed}`, ...extra]) applyOverride(raw, o);
    const system = wireAtSpeed(validateScenario(raw, file), { timeSeries: false }).system;
    const http = [];
    const response = system.client.response.bind(system.client);
    system.client.response = (req, status) => {
      http.push({ resp: system.sim.now, status });
      response(req, status);
    };
    const conns = recordConnects(system);
    runSystem(system, { maxEvents: 10_000_000, maxSimTime: 3600e6 });
    const f = (x) => (x === undefined ? '' : (x / 1000).toFixed(3));
    const lines = ['kind,port,syn,a,b,c,d,e,f,g,h,i,j,k,l,m'];
    for (const h of http) lines.push(`http,,0.000,0.000,${f(h.resp)},${h.status}`);
    for (const r of conns.values()) {
      const slotted = r.turns.filter((t) => t.slotted);
      // syn, ssl, n, startup, authreq, refused, cfirst, sfirst, cfinal, ok, query, term, answered, query2
      const cells = [
        r.syn,
        r.ssl,
        r.ssl === undefined || r.started === undefined ? undefined : Math.max(r.ssl, r.started),
        r.startup,
        slotted[0]?.asked,
        undefined,
        slotted[0]?.answered,
        slotted.at(-1)?.asked,
        slotted.at(-1)?.answered,
        r.ok,
        r.query,
        undefined,
        r.answered,
        r.query2,
      ];
      lines.push(`pg,,${cells.map(f).join(',')}`);
    }
    writeFileSync(join(out, `c${c}.s${seed}.events.csv`), `${lines.join('\n')}\n`);
  }
}

#!/usr/bin/env node
// The model's side of bench/pool_iterations.py: for a pooled configuration, how many
// connections SQLAlchemy's pool opened and closed (and how many closes came while
// greenlets waited), and how many checkins each turn of a worker's loop held. A checkin
// that finds pool_size connections queued closes its own, and the greenlets it wakes take
// theirs only after the turn (hubLoop.ts), so turns with more than pool_size checkins are
// where the overflow churns. Node only (npm run build first).
//
//   node calibration/pool_iterations_model.mjs [scenario] [path=value ...]
//     e.g. server.workers=2 server.workerConnections=100 'app.pool={"size":5,"maxOverflow":10,"timeout":30}'
//          app.steps.1.time=0 client.requests=5000 client.concurrency=200
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wireAtSpeed } from '../dist/model/system.js';
import { ConnectionPool } from '../dist/model/database/pool.js';
import { HubLoop } from '../dist/model/hubLoop.js';
import { runSystem } from '../dist/model/run.js';
import { validateScenario } from '../dist/scenario/load.js';
import { applyOverride } from '../dist/scenario/overrides.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const file = args[0] !== undefined && !args[0].includes('=') ? args.shift() : 'calibration/measured-linux-2core.json';

// A loop's turn ends when its batch and callbacks have run (HubLoop.release finds neither).
const turns = new Map();
const release = HubLoop.prototype.release;
HubLoop.prototype.release = function () {
  if (this.batch === 0 && this.callbacks.length === 0) turns.set(this, (turns.get(this) ?? 0) + 1);
  release.call(this);
};
const count = { checkins: 0, opened: 0, closed: 0, closedWithWaiters: 0, taken: 0, pairs: 0 };
const perTurn = new Map();
// The queue as each turn's last checkin left it: the next checkin of the turn finding fewer
// means a request took one in between (bench/pool_iterations.py counts the real ones so).
const left = new Map();
const checkin = ConnectionPool.prototype.checkin;
ConnectionPool.prototype.checkin = function (req) {
  count.checkins++;
  const key = `${this.loop?.name}:${turns.get(this.loop) ?? 0}`;
  perTurn.set(key, (perTurn.get(key) ?? 0) + 1);
  if (left.has(key)) {
    count.pairs++;
    if (left.get(key) > this.idle) count.taken++;
  }
  left.set(key, this.idle < this.settings.size ? this.idle + 1 : this.idle);
  if (this.idle >= this.settings.size) {
    count.closed++;
    if (this.waiting.length > 0) count.closedWithWaiters++;
  }
  checkin.call(this, req);
};

const raw = JSON.parse(readFileSync(join(root, file), 'utf8'));
for (const o of args) applyOverride(raw, o);
const system = wireAtSpeed(validateScenario(raw, file), { timeSeries: false }).system;
runSystem(system, { maxEvents: 100_000_000, maxSimTime: 3600e6 });
count.opened = system.postgres.connections;
const hist = {};
for (const n of perTurn.values()) hist[n] = (hist[n] ?? 0) + 1;
const size = raw.app.pool?.size ?? 5;
const beyond = Object.entries(hist).reduce((s, [k, n]) => s + (Number(k) > size ? n : 0), 0);
console.log(
  `${file} ${args.join(' ')}: ${count.checkins} checkins, ${count.opened} connections opened, ${count.closed} closed (${count.closedWithWaiters} while greenlets waited); turns holding k checkins: ${JSON.stringify(hist)}; turns with more than ${size}: ${beyond}; a connection taken between two checkins of a turn: ${count.taken} of ${count.pairs}`,
);

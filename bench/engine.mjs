// The event loop alone against a hand-written heap of the reference's kind (typed arrays,
// inlined): six chains of events, each scheduling its next at a pseudo-random delay, as a
// B1 run keeps a handful of events pending. node bench/engine.mjs [events=4000000]
// (after npm run build). Prints both loops' wall times; the difference is what the engine's
// generality (callbacks with arguments, priorities, lanes, checks) costs per event.
import { Simulation } from '../dist/engine/simulation.js';
const N = Number(process.argv[2] ?? 4_000_000);
const sim = new Simulation();
let y = 1;
let left = N;
/** A pseudo-random delay of 1 to 5000 (a linear congruential step: the same in both loops). */
function delay() {
  y = (Math.imul(y, 1103515245) + 12345) | 0;
  return 1 + ((y >>> 8) % 5000);
}
function tick(chain, _b) {
  if (--left > 0) sim.schedule(delay(), tick, chain);
}
for (let i = 0; i < 6; i++) sim.schedule(i, tick, i);
const t = performance.now();
sim.run();
const engineMs = performance.now() - t;

// The same chains on the reference's heap: time and sequence in Float64Arrays, the chain in an Int32Array.
const hT = new Float64Array(64);
const hS = new Float64Array(64);
const hP = new Int32Array(64);
let hn = 0;
let seq = 0;
function push(time, p) {
  const s = seq++;
  let i = hn++;
  while (i > 0) {
    const par = (i - 1) >> 1;
    const pt = hT[par];
    if (pt < time || (pt === time && hS[par] < s)) break;
    hT[i] = pt;
    hS[i] = hS[par];
    hP[i] = hP[par];
    i = par;
  }
  hT[i] = time;
  hS[i] = s;
  hP[i] = p;
}
function popRoot() {
  const n = --hn;
  if (n === 0) return;
  const time = hT[n];
  const s = hS[n];
  const p = hP[n];
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    let ct = hT[c];
    let cs = hS[c];
    const r = c + 1;
    if (r < n) {
      const rt = hT[r];
      if (rt < ct || (rt === ct && hS[r] < cs)) {
        c = r;
        ct = rt;
        cs = hS[r];
      }
    }
    if (time < ct || (time === ct && s < cs)) break;
    hT[i] = ct;
    hS[i] = cs;
    hP[i] = hP[c];
    i = c;
  }
  hT[i] = time;
  hS[i] = s;
  hP[i] = p;
}
y = 1;
left = N;
let events = 0;
for (let i = 0; i < 6; i++) push(i, i);
const t1 = performance.now();
while (hn > 0) {
  const now = hT[0];
  const p = hP[0];
  popRoot();
  events++;
  if (--left > 0) push(now + delay(), p);
}
const rawMs = performance.now() - t1;
const ns = (ms, n) => ((ms * 1e6) / n).toFixed(1);
console.log(`engine: ${sim.eventsRun} events in ${engineMs.toFixed(1)} ms (${ns(engineMs, sim.eventsRun)} ns/event)`);
console.log(`reference's heap: ${events} events in ${rawMs.toFixed(1)} ms (${ns(rawMs, events)} ns/event)`);

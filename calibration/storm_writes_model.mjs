#!/usr/bin/env node
// When the model's hey writes the storm's requests: how many it has written by 0.1, 0.2,
// 0.3 and 0.5 s (a handler starts only once its request is in). The storm as
// storm_model.mjs wires it, from the scenario of the Intel machine's fourth series unless
// --scenario says otherwise. Node only (npm run build first).
//
//   node calibration/storm_writes_model.mjs [--scenario FILE] [path=value ...]
import { LoadGenerator } from '../dist/model/client/loadGenerator.js';
import { wireStorm } from './storm.mjs';
const settings = process.argv.slice(2);
const at = settings.indexOf('--scenario');
const file = at >= 0 ? settings.splice(at, 2)[1] : 'calibration/measured-linux-2core-intel1204d.json';
const orig = LoadGenerator.prototype.written;
let now = () => 0;
const times = [];
LoadGenerator.prototype.written = function (req) {
  times.push(now());
  return orig.call(this, req);
};
const storm = wireStorm({ clients: 1000, seed: 1, file, extra: settings });
now = () => storm.system.sim.now;
storm.run();
const by = (t) => times.filter((x) => x <= t * 1e6).length;
console.log(settings.join(' '), 'requests written by 0.1/0.2/0.3/0.5 s:', [0.1, 0.2, 0.3, 0.5].map(by).join('/'));

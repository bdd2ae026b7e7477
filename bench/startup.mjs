// Preloaded into a benchmarked `sim run` (node --import): reports on exit what its start-up
// built and loaded that a run does not need. Intl segmenters (string-width builds them, for
// yargs' help text) and node:crypto (a sweep's digest) cost milliseconds a small run should
// not pay; npm run bench checks the counts, since they are about time, not behaviour.
import { writeSync } from 'node:fs';

let segmenters = 0;
const Segmenter = Intl.Segmenter;
Intl.Segmenter = class extends Segmenter {
  constructor(...args) {
    super(...args);
    segmenters++;
  }
};

process.on('exit', () => {
  const crypto = process.moduleLoadList.includes('NativeModule crypto');
  writeSync(2, `\n__startup__ ${JSON.stringify({ segmenters, crypto })}\n`);
});

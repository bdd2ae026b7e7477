// Preloaded into a benchmarked process (node --import): reports its peak RSS on exit, so
// the simulator and the reference are measured the same way.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\n__maxrss_kb__ ${process.resourceUsage().maxRSS}\n`);
});

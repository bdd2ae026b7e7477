// Preloaded into a process bench/pairs.mjs runs (node --import): reports on exit the main
// thread's time on a core and its time waiting for one (ms, Linux's schedstat of the
// calling thread), and the whole process's CPU time (ms, every thread).
import { readFileSync, writeSync } from 'node:fs';

process.on('exit', () => {
  const [onCore, waited] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
  const { user, system } = process.cpuUsage();
  writeSync(2, `\n__thread_cpu__ ${onCore / 1e6} ${waited / 1e6} ${(user + system) / 1e3}\n`);
});

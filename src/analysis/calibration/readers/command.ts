// The command line saved before a tool's output ("$ wrk -t2 -c10 -d3s URL"), for what the
// output does not state: wrk2's -R, ab's -k, siege's -c, locust's -u. Only the flags that
// set the client are read; the others are skipped.
import { UserError } from '../../../scenario/errors.js';
import { secondsWithUnit, type StatedClient, type Tool } from '../measuredRun.js';

type Kind = 'count' | 'seconds' | 'number' | 'switch';
interface Flag {
  names: string[];
  field: keyof StatedClient | 'reps' | 'none';
  kind: Kind;
}

const WRK: Flag[] = [
  { names: ['-c', '--connections'], field: 'concurrency', kind: 'count' },
  { names: ['-d', '--duration'], field: 'duration', kind: 'seconds' },
  { names: ['-R', '--rate'], field: 'targetRate', kind: 'number' },
  // wrk's short form is -T (its -t is the threads): -T5s was skipped as a flag that sets nothing.
  { names: ['-T', '--timeout'], field: 'timeout', kind: 'seconds' },
  { names: ['-t', '--threads', '-s', '--script', '-H', '--header'], field: 'none', kind: 'number' },
];

const FLAGS: Partial<Record<string, Flag[]>> = {
  wrk: WRK,
  wrk2: WRK,
  ab: [
    { names: ['-n'], field: 'requests', kind: 'count' },
    { names: ['-c'], field: 'concurrency', kind: 'count' },
    { names: ['-t'], field: 'duration', kind: 'number' },
    { names: ['-s'], field: 'timeout', kind: 'number' },
    { names: ['-k'], field: 'keepAlive', kind: 'switch' },
  ],
  siege: [
    { names: ['-c', '--concurrent'], field: 'concurrency', kind: 'count' },
    { names: ['-r', '--reps'], field: 'reps', kind: 'count' },
    { names: ['-t', '--time'], field: 'duration', kind: 'seconds' },
    { names: ['-d', '--delay'], field: 'thinkTime', kind: 'number' },
  ],
  locust: [
    { names: ['-u', '--users'], field: 'concurrency', kind: 'count' },
    { names: ['-t', '--run-time'], field: 'duration', kind: 'seconds' },
  ],
  k6: [
    { names: ['-u', '--vus'], field: 'concurrency', kind: 'count' },
    { names: ['-d', '--duration'], field: 'duration', kind: 'seconds' },
    { names: ['-i', '--iterations'], field: 'requests', kind: 'count' },
  ],
  vegeta: [
    { names: ['-rate', '--rate'], field: 'targetRate', kind: 'number' },
    { names: ['-duration', '--duration'], field: 'duration', kind: 'seconds' },
    { names: ['-timeout', '--timeout'], field: 'timeout', kind: 'seconds' },
    { names: ['-keepalive', '--keepalive'], field: 'keepAlive', kind: 'switch' },
  ],
  autocannon: [
    { names: ['-c', '--connections'], field: 'concurrency', kind: 'count' },
    { names: ['-d', '--duration'], field: 'duration', kind: 'number' },
    { names: ['-a', '--amount'], field: 'requests', kind: 'count' },
    { names: ['-R', '--overallRate'], field: 'targetRate', kind: 'number' },
    { names: ['-t', '--timeout'], field: 'timeout', kind: 'number' },
  ],
};

/** The program a command line runs ("wrk", "ab"...), or undefined. */
export function commandProgram(line: string): string | undefined {
  const first = line
    .replace(/^\s*\$\s*/, '')
    .trim()
    .split(/\s+/)[0];
  return first === undefined ? undefined : first.slice(first.lastIndexOf('/') + 1);
}

/** The client settings a command line sets for `tool`'s family; `where` is file:line. */
export function statedByCommand(line: string, tool: Tool, where: string): StatedClient {
  const family = tool.replace(/-.*$/, '');
  const flags = FLAGS[family] ?? [];
  const words = line
    .replace(/^\s*\$\s*/, '')
    .trim()
    .split(/\s+/)
    .slice(1);
  const client: StatedClient = {};
  let reps: number | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '|') break; // vegeta attack ... | vegeta report
    let flag: Flag | undefined;
    let value: string | undefined;
    for (const f of flags) {
      for (const name of f.names) {
        if (w === name) flag = f;
        else if (w.startsWith(`${name}=`)) [flag, value] = [f, w.slice(name.length + 1)];
        // wrk's and ab's -c10, -d3s
        else if (!name.startsWith('--') && name.length === 2 && w.startsWith(name) && !w.startsWith('--') && f.kind !== 'switch')
          [flag, value] = [f, w.slice(2)];
        if (flag !== undefined) break;
      }
      if (flag !== undefined) break;
    }
    if (flag === undefined) continue;
    if (flag.kind === 'switch') {
      if (flag.field !== 'none' && flag.field !== 'reps')
        (client as Record<string, unknown>)[flag.field] = value === undefined ? true : value !== 'false';
      continue;
    }
    if (value === undefined) value = words[++i];
    if (value === undefined) throw new UserError(`${where}: ${w} needs a value in the command line`);
    let v: number | undefined;
    if (flag.kind === 'seconds') {
      // siege writes 3S, 1M, 1H; vegeta's -rate may be 50/1s (per second only here).
      v = /^\d+(\.\d+)?$/.test(value)
        ? Number(value)
        : secondsWithUnit(value.replace(/^(\d+(?:\.\d+)?)([SMH])$/, (_, n: string, u: string) => n + u.toLowerCase()));
    } else {
      const n = Number(value.replace(/\/1?s$/, '').replace(/k$/i, '000'));
      v = Number.isFinite(n) && (flag.kind !== 'count' || Number.isInteger(n)) ? n : undefined;
    }
    if (v === undefined || v < 0)
      throw new UserError(
        `${where}: ${w} ${value}: expected ${flag.kind === 'seconds' ? 'a duration such as 10s' : flag.kind === 'count' ? 'a whole number' : 'a number'}`,
      );
    if (flag.field === 'reps') reps = v;
    else if (flag.field !== 'none') (client as Record<string, unknown>)[flag.field] = v;
  }
  if (reps !== undefined) client.requests = reps * (client.concurrency ?? 25); // siege's default -c is 25
  if (family === 'ab' && client.keepAlive === undefined) client.keepAlive = false;
  if (family === 'vegeta' && client.targetRate !== undefined) client.openLoop = true;
  if (family === 'autocannon' && client.targetRate !== undefined) client.openLoop = false;
  return client;
}

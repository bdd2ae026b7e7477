// The model's statement_timeout against PostgreSQL 15's (calibration/statement_timeout.sh,
// results/statement-timeout.txt): for each query the kit ran under the limit, the real
// time to the result, its outcome and whether the backend survived, beside what the model
// gives for the same query (one pooled connection, every other cost 0). The section of
// docs/validation.md between the STATEMENT_TIMEOUT_BEGIN/END markers is this output
// (node calibration/incidents.mjs writes it; a test checks it is current).
import { simulate } from '../../model/system.js';
import { summarize } from '../../report/summary.js';
import { validateScenario } from '../../scenario/load.js';

export const STATEMENT_TIMEOUT_BEGIN = '<!-- calibration/incidents.mjs: begin -->';
export const STATEMENT_TIMEOUT_END = '<!-- calibration/incidents.mjs: end -->';

interface RealQuery {
  name: string;
  median: number;
  min: number;
  max: number;
  runs: number;
  outcomes: string[];
  sameBackend: boolean;
}

/** The kit's output, read back. */
export function readStatementTimeoutRun(text: string): { limit: number; server: string; queries: RealQuery[] } {
  const limit = Number(/^statement_timeout (\d+) ms/m.exec(text)![1]) / 1000;
  const server = /^postgres \(PostgreSQL\) (\S+)/m.exec(text)?.[1] ?? '?';
  const queries: RealQuery[] = [];
  for (const m of text.matchAll(/^(\w+): median ([\d.]+) s \(range ([\d.]+)-([\d.]+), (\d+) runs\)$/gm)) {
    const reps = [...text.matchAll(new RegExp(`^${m[1]} rep \\d+: [\\d.]+ s, (.*), sqlstate (\\S+), same backend after: (\\w+)`, 'gm'))];
    queries.push({
      name: m[1],
      median: Number(m[2]),
      min: Number(m[3]),
      max: Number(m[4]),
      runs: Number(m[5]),
      outcomes: [...new Set(reps.map((r) => (r[2] === '-' ? r[1] : `${r[1]} (SQLSTATE ${r[2]})`)))],
      sameBackend: reps.every((r) => r[3] === 'yes'),
    });
  }
  return { limit, server, queries };
}

/** What each of the kit's queries is in the model: its wait and its backend CPU (s). */
const AS_STEPS: Record<string, { label: string; time: number; cpu: number }> = {
  sleep: { label: 'SELECT pg_sleep(2)', time: 2, cpu: 0 },
  cpu: { label: 'SELECT count(*) FROM generate_series(1, 3e8) (CPU-bound)', time: 0, cpu: 2 },
  under: { label: 'SELECT pg_sleep(0.2) (under the limit)', time: 0.2, cpu: 0 },
};

function simulated(limit: number, q: { time: number; cpu: number }, runs: number) {
  const scenario = validateScenario(
    {
      client: { requests: runs, concurrency: 1, timeout: 0, requestCpu: 0, dialCpu: 0 },
      server: { workerClass: 'gevent', workers: 1, requestCpu: 0, acceptCpu: 0, switchCpu: 0, errorCpu: 0 },
      app: {
        steps: [{ kind: 'dbConnect', cpu: 0, startCpu: 0 }, { kind: 'dbQuery', time: q.time, cpu: q.cpu }, { kind: 'dbClose' }],
        pool: { size: 1, maxOverflow: 0 },
      },
      database: {
        cores: 1,
        statementTimeout: limit,
        postmasterCpu: 0,
        postmasterWakeCpu: 0,
        backendStartupCpu: 0,
        backendStartCpu: 0,
        backendExitCpu: 0,
        refusedCpu: 0,
      },
    },
    'statement_timeout check',
  );
  const result = simulate(scenario);
  const s = summarize(result, 'statement_timeout check', scenario.seed);
  const exceptions = Object.keys(s.simulation.exceptions);
  return {
    // The first request also opened the connection (no cost here): every latency is the query's.
    seconds: s.summary.average ?? 0,
    outcome: exceptions.length === 0 ? 'ok' : `${exceptions.join(', ')} (a 500)`,
    connections: s.simulation.database!.connections,
  };
}

export function statementTimeoutSection(text: string): string {
  const real = readStatementTimeoutRun(text);
  const rows = real.queries.map((q) => {
    const spec = AS_STEPS[q.name];
    const sim = simulated(real.limit, spec, q.runs);
    const f = (x: number) => x.toFixed(4);
    return `| ${spec.label} | ${f(q.median)} s (${f(q.min)}-${f(q.max)}) | ${f(sim.seconds)} s | ${q.outcomes.join('; ')} | ${sim.outcome} | ${q.sameBackend ? 'yes' : '**no**'} | ${sim.connections === 1 ? 'yes' : `**no** (${sim.connections} connections)`} |`;
  });
  return [
    `statement_timeout = ${real.limit * 1000} ms, PostgreSQL ${real.server}, psycopg2, ${real.queries[0]?.runs ?? 0} runs of each query on one connection (calibration/statement_timeout.sh).`,
    '',
    '| query | real: time to the result, median (range) | simulated | real outcome | simulated outcome | real: same backend after | simulated: same connection after |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

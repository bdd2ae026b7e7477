// The report as hey prints it (requester/print.go, defaultTmpl): Summary, response-time
// histogram, latency distribution, status codes, errors; then what only a simulator can
// tell, under its own heading.
import { fleetServers, fleetText } from './fleetReport.js';
import { partialReason } from './partial.js';
import type { RunSummary } from './summary.js';
import type { PoolResult } from '../model/results.js';
import { THREAD_PHASE_LABELS, threadPhaseOf } from '../model/threadPhase.js';
import { incidentText } from './incidentText.js';
import { validatedText } from './validated.js';
import { workersPhrase } from './workersPhrase.js';

const BAR = '■';

// `thread` is named by the run's worker class (threadPhaseOf).
const PHASE_LABELS: Record<string, string> = {
  connect: 'connect (SYN retries)',
  backlog: 'accept queue',
  loop: 'waiting for loop/GIL',
  cpu: 'CPU (and waiting for a core)',
  dbConnect: 'DB connect',
  dbQuery: 'DB query',
  io: 'other IO',
  balancer: 'load balancer',
};
// The longest label, its colon and a space: the figures line up in one column, the same whatever the class.
const LABEL_WIDTH = Math.max(...[...Object.values(PHASE_LABELS), ...Object.values(THREAD_PHASE_LABELS)].map((l) => l.length)) + 2;

export function heyText(s: RunSummary): string {
  const f4 = (x: number | null) => (x === null ? 'NaN' : x.toFixed(4));
  const out: string[] = [];
  out.push('');
  out.push('Summary:');
  out.push(`  Total:\t${f4(s.summary.total)} secs`);
  // With no response hey never sets its fastest and slowest (0), and its average is 0/0,
  // which Go's %4.4f prints as " NaN".
  out.push(`  Slowest:\t${s.summary.slowest === null ? '0.0000' : f4(s.summary.slowest)} secs`);
  out.push(`  Fastest:\t${s.summary.fastest === null ? '0.0000' : f4(s.summary.fastest)} secs`);
  out.push(`  Average:\t${s.summary.average === null ? ' NaN' : f4(s.summary.average)} secs`);
  out.push(`  Requests/sec:\t${f4(s.summary.requestsPerSec)}`);
  out.push('');
  if (s.histogram.length > 0) {
    out.push('');
    out.push('Response time histogram:');
    const max = Math.max(...s.histogram.map((b) => b.count));
    for (const b of s.histogram) {
      const barLen = max > 0 ? Math.floor((b.count * 40 + Math.floor(max / 2)) / max) : 0;
      out.push(`  ${b.mark.toFixed(3)} [${b.count}]\t|${BAR.repeat(barLen)}`);
    }
    out.push('');
    out.push('');
    out.push('Latency distribution:');
    for (const [key, v] of Object.entries(s.latency)) {
      // hey prints a zero entry ("0% in 0.0000 secs") for a percentile it has no value for.
      if (v !== null && v > 0) out.push(`  ${key.slice(1)}% in ${f4(v)} secs`);
      else out.push('  0% in 0.0000 secs');
    }
    out.push('');
  }
  // Responses whose latencies a counting timeout (wrk's) left out have their statuses still.
  if (s.summary.responses > 0) {
    if (s.histogram.length === 0) out.push('');
    out.push('Status code distribution:');
    for (const [code, n] of Object.entries(s.statusCodes)) out.push(`  [${code}]\t${n} responses`);
    out.push('');
  }
  if (Object.keys(s.errors).length > 0) {
    out.push('Error distribution:');
    for (const [message, n] of Object.entries(s.errors)) out.push(`  [${n}]\t${message}`);
    out.push('');
  }
  out.push(...simulationText(s));
  return `${out.join('\n')}\n`;
}

function simulationText(s: RunSummary): string[] {
  const sim = s.simulation;
  const out = ['Simulation:'];
  out.push(`  Scenario:\t${s.scenario} (seed ${s.seed})`);
  out.push(`  Events:\t${sim.events}`);
  const srv = sim.server;
  out.push(
    `  Server:\t${s.fleet !== undefined ? fleetServers(s.fleet) : workersPhrase(srv)}` +
      (srv.kills > 0 ? `, ${srv.kills} killed (WORKER TIMEOUT)` : '') +
      (srv.restarts > 0 ? `, ${srv.restarts} restarted gracefully (max_requests, reload)` : ''),
  );
  if (srv.startup !== undefined) {
    out.push(
      `  Start-up:\t${srv.startup.duration.toFixed(4)} secs before the first request (the app's startup: asyncpg's pools)` +
        (srv.startup.halted !== null ? `; gunicorn halted: ${srv.startup.halted}` : ''),
    );
  }
  if (srv.threadpool !== undefined) {
    const t = srv.threadpool;
    out.push(`  Threadpool:\t${t.threads} threads per worker, peak ${t.peakInUse} in use, ${t.waited} requests waited for one`);
  }
  if (!sim.complete) out.push(`  PARTIAL:\t${partialReason(s)}`);
  if (s.summary.timeouts !== undefined) {
    out.push(
      `  Timeouts:\t${s.summary.timeouts} responses later than client.timeout, counted as wrk counts them (client.timeoutMode count): in the responses and Requests/sec, their latencies left out of the figures above`,
    );
  }
  out.push(`  Backlog:\tpeak ${sim.backlog.peak} of ${sim.backlog.capacity}, ${sim.backlog.synDrops} SYNs dropped`);
  if (sim.database !== null) {
    const db = sim.database;
    out.push(
      `  PostgreSQL:\tpeak ${db.peakOpen} of ${db.maxConnections} connections, ${db.refused} refused, ${db.connections} opened, ${db.queries} queries`,
    );
    const pm = db.postmaster;
    if (pm.synDrops > 0 || pm.deadEnds > 0) {
      out.push(
        `  Postmaster:\tlisten queue peak ${pm.peakAcceptQueue} of ${pm.listenBacklog}, ${pm.synDrops} SYNs dropped` +
          (pm.deadEnds > 0 ? `, ${pm.deadEnds} refused by dead-end children (2 x MaxBackends alive)` : ''),
      );
    }
    const r = db.atRefusal;
    if (r.held > 0) {
      out.push(
        `  Refusals:\twhen one was refused, the ${r.held.toFixed(0)} slots were held by backends (means): ${r.awaitingClient.toFixed(1)} waiting for their worker to answer authentication, ${r.startingUp.toFixed(1)} starting up, ${r.inQuery.toFixed(1)} in a query, ${r.idle.toFixed(1)} idle, waiting for their worker to query or close`,
      );
    }
    if (db.pool !== null) {
      out.push(`  Pool:\t\tper worker ${poolSizes(db.pool)}, peak ${db.pool.peakPerWorker}, ${db.pool.timeouts} timed out`);
    }
    if (db.asyncpgPool !== undefined) {
      const p = db.asyncpgPool;
      out.push(
        `  asyncpg pool:\tper worker min_size ${p.minSize}, max_size ${p.maxSize}, peak ${p.peakPerWorker}, ${p.waited} acquires waited, ${p.timeouts} timed out` +
          (p.startupRefusals > 0 || p.failedPools > 0
            ? `; at start-up ${p.startupRefusals} connects refused, ${p.failedPools} of ${srv.workers} pools failed`
            : ''),
      );
    }
    if (db.pgbouncer !== null) {
      const b = db.pgbouncer;
      out.push(
        `  PgBouncer:\t${b.poolMode} mode, ${b.defaultPoolSize} server connections, peak ${b.peakClients} clients, ${b.refused} refused, ${b.timeouts} timed out; ${b.serversOpened} server connections opened` +
          (b.serversClosed > 0 ? `, ${b.serversClosed} closed by a client leaving inside its transaction` : '') +
          `; its CPU ${b.cpu.toFixed(2)} s`,
      );
    }
  }
  if (s.fleet !== undefined) out.push(...fleetText(s.fleet));
  const cpu = sim.cpu;
  if (cpu.client > 0 || cpu.postmaster > 0 || cpu.backends > 0) {
    out.push(
      `  CPU used:\tworkers ${cpu.workers.toFixed(2)} s, backends ${cpu.backends.toFixed(2)} s, postmaster ${cpu.postmaster.toFixed(2)} s, client ${cpu.client.toFixed(2)} s`,
    );
  }
  if (sim.machineSpeed !== undefined) {
    const m = sim.machineSpeed;
    out.push(
      `  Speed:\tevery CPU cost x${m.factor.toFixed(3)} this run (machine.speedVariation ${m.variation}: the machine's speed drawn for seed ${s.seed})`,
    );
  }
  if (sim.slowSpells !== undefined) {
    const w = sim.slowSpells;
    out.push(
      `  Slow spells:\tthe cores slow (each piece of work x${w.slowdown} of a fast core's) ${(100 * w.slowShare).toFixed(1)} % of this run's core-time (machine.slowSpells)`,
    );
  }
  if (sim.binding !== undefined) out.push(`  Bound by:\t${sim.binding.limit}: ${sim.binding.evidence}`);
  if (sim.validated !== undefined) out.push(`  Validated:\t${validatedText(sim.validated)}`);
  for (const w of sim.warnings) out.push(`  WARNING:\t${w}`);
  for (const [e, n] of Object.entries(sim.exceptions)) out.push(`  [${n}]\t${e}`);
  const avg = Object.values(s.breakdown).reduce((a, b) => a + b, 0);
  if (avg > 0) {
    out.push('');
    out.push(`Where the time went (mean per request${s.summary.errors > 0 ? ', errors included' : ''}):`);
    const labels: Record<string, string> = { ...PHASE_LABELS, thread: THREAD_PHASE_LABELS[threadPhaseOf(s)] };
    for (const [phase, secs] of Object.entries(s.breakdown)) {
      if (secs <= 0) continue;
      const label = `${labels[phase] ?? phase}:`.padEnd(LABEL_WIDTH);
      const share = `${((100 * secs) / avg).toFixed(1)} %`.padStart(7);
      out.push(`  ${label}${secs.toFixed(4)} secs ${share}`);
    }
  }
  if (s.incident !== undefined) out.push(...incidentText(s.incident));
  return out;
}

/** A pool's sizes per worker; a fleet's groups' each, where they differ. */
function poolSizes(pool: PoolResult): string {
  if (pool.groups === undefined) return `${pool.size} + ${pool.maxOverflow} overflow`;
  return `by group ${pool.groups.map((g) => `${g.name} ${g.size} + ${g.maxOverflow} overflow`).join(', ')}`;
}

// What the database tests share: PostgreSQL's settings as the tests start from them, and
// connection attempts run through the whole handshake with a log of what the client saw.
import { FifoCpu } from '../../../src/engine/cpu/fifo.js';
import { GroupedCpu } from '../../../src/engine/cpu/grouped.js';
import { SharedCpu } from '../../../src/engine/cpu/shared.js';
import { Simulation } from '../../../src/engine/simulation.js';
import { Postgres, type PostgresSettings } from '../../../src/model/database/postgres.js';
import { Connection, HttpRequest } from '../../../src/model/request.js';
import { Timeline } from '../../../src/stats/timeline.js';
import { postgresSettings } from '../harness/harness.js';

// µs after the previous SYN (Linux: 1, 2, 4... s).
export const LINUX_SYN = [1, 2, 4, 8, 16, 32, 64].map((s) => s * 1e6);
export const gauge = () => new Timeline().gauge('dbConnections');
const ledger = new Float64Array(9);
export const request = (id: number) => new HttpRequest(id, new Connection(id, undefined as never), 0, ledger, 0);
export const settings = (changes: Partial<PostgresSettings>): PostgresSettings =>
  postgresSettings({
    maxConnections: 100,
    superuserReservedConnections: 3,
    superuser: true,
    listenBacklog: 244,
    maxChildren: 244,
    forkTime: 1000,
    backendStartTime: 5000,
    authTurns: 1,
    ...changes,
  });

/**
 * Attempts at the given times, with a log of what the client saw. On `cpu` cores (FIFO,
 * processor sharing, or task groups with the postmaster in a session of its own; plenty
 * unless said), beside `otherProcessCpu` of a CPU-bound process started at 0. The client
 * answers each message `clientAnswersAfter` µs after it arrives, or goes away (EOF)
 * `clientGoneAfter` µs after. `childrenAt`: times to log how many children the
 * postmaster has.
 */
export function handshake(
  changes: Partial<PostgresSettings>,
  opts: {
    at?: number[];
    cores?: number;
    cpu?: 'fifo' | 'shared' | 'grouped';
    otherProcessCpu?: number;
    clientAnswersAfter?: number;
    clientGoneAfter?: number;
    childrenAt?: number[];
  } = {},
) {
  const sim = new Simulation();
  const log: string[] = [];
  const cores = opts.cores ?? 100;
  const s = settings({ forkTime: 0, backendStartTime: 0, ...changes });
  const cpu =
    opts.cpu === 'grouped' ? new GroupedCpu(sim, cores) : opts.cpu === 'shared' ? new SharedCpu(sim, cores) : new FifoCpu(sim, cores);
  const session = cpu instanceof GroupedCpu ? cpu.group() : cpu;
  const pg = new Postgres(sim, s, cpu, gauge(), LINUX_SYN, session);
  if (opts.otherProcessCpu !== undefined) cpu.run(opts.otherProcessCpu, () => {}, undefined);
  const after = opts.clientAnswersAfter ?? opts.clientGoneAfter;
  if (after !== undefined) {
    const error = opts.clientGoneAfter === undefined ? undefined : 'EOF';
    pg.client = {
      turn(attempt, work) {
        log.push(`${sim.now} ${work > 0 ? 'challenge' : 'message'} ${attempt.req.id}`);
        sim.schedule(after, () => attempt.answered(error), undefined);
      },
    };
  }
  for (const [i, t] of (opts.at ?? [0]).entries()) {
    sim.schedule(
      t,
      () => {
        const req = request(i);
        pg.open(req, opts.clientAnswersAfter ?? 0, (r, error) => log.push(`${sim.now} ${r.id} ${error ?? 'ready'}`), req);
      },
      undefined,
    );
  }
  for (const t of opts.childrenAt ?? []) sim.schedule(t, () => log.push(`${t} children ${pg.postmaster.children}`), undefined);
  sim.run();
  return { pg, log };
}

// A handler's steps, as scenario files write them: one section of the scenario format
// (schema.ts assembles them).
import * as z from 'zod';
import * as msg from '../messages.js';
import { inMs, MEASURED_COSTS as M } from './measuredCosts.js';
import { durationSpec, MAX_CACHE_KEYS, MAX_FDS, positiveCountOptional, seconds } from './units.js';

const io = z.enum(['cooperative', 'blocking']).meta({
  description:
    'cooperative: yields to other greenlets while waiting (gevent-patched IO). blocking: stalls the whole worker process (a C extension gevent cannot patch, e.g. psycopg2 without psycogreen).',
});

export const stepSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('cpu'),
    time: durationSpec.meta({ description: 'Python CPU time; serialized within a worker (the GIL).' }),
  }),
  z.strictObject({
    kind: z.literal('dbConnect'),
    io: io.optional().meta({ description: 'Default: cooperative when app.psycogreen is true, else blocking.' }),
    cpu: durationSpec.optional().meta({
      description: `Client CPU to connect: libpq's share of authentication (scram-sha-256 computes its proof here), run on the worker's loop when the backend's challenge arrives, while the backend holds its slot (a blocking connect on a thread of its own, gthread or a \`def\` handler, computes it on a core without the GIL: psycopg2 runs PQconnectdb with the GIL released). Default: for database.authMethod, the median of the calibration kit's Linux machines (scram-sha-256 ${inMs(M.connectCpu['scram-sha-256'])} ms, md5 ${inMs(M.connectCpu.md5)}, trust ${inMs(M.connectCpu.trust)}: src/scenario/measuredCosts.ts).`,
    }),
    startCpu: seconds.default(M.connectStartCpu).meta({
      description:
        "The part of `cpu` spent when the connect starts (psycopg2's connection object, libpq's PQconnectStart), before the first wait; the rest comes with the challenge. Default: the median of the calibration kit's machines (psycopg2.connect with async_=1 returns after PQconnectStart: calibration/bench/connect_start.py; calibration/defaults-linux-2core.json). At most `cpu`.",
    }),
    backToBackShare: z.number().min(0).max(1).default(M.connectBackToBackShare).meta({
      description:
        "Fraction of startCpu and turnCpu that a cooperative connect's turn costs when another connect's turn ran since the worker's loop last slept (the same code just run costs about half as much as after a wake-up; one connect at a time, every turn pays in full). Default: the median of the calibration kit's machines (calibration/warm_turns.sh: a gevent worker's CPU per connect beside the proof at hey -c 50 over -c 1; calibration/defaults-linux-2core.json).",
    }),
    contendedCpu: seconds.optional().meta({
      description: `A blocking connect's extra client CPU when another thread of the same worker process is connecting at the same moment (gthread, a \`def\` handler's threadpool): with the GIL released the proofs run side by side, and OpenSSL 3 takes a process-wide lock in each of scram-sha-256's 4096 HMAC_Init_ex calls, so the cores fight over it. A gevent worker's connects run on one thread and never pay it. Default: with scram-sha-256, the median of the calibration kit's machines (${inMs(M.connectContendedCpu)} ms; calibration/connect_threads.sh: one thread's connects against eight threads'); with md5 or trust, whose answer has no such loop of HMACs, 0.`,
    }),
    turnCpu: seconds.default(M.connectTurnCpu).meta({
      description:
        "A cooperative connect's extra worker CPU at each of its turns (psycogreen's wait callback: conn.poll() and a new watcher per wait), beyond server.switchCpu and beyond `cpu`. Default: the median of the calibration kit's machines (calibration/defaults-linux-2core.json). calibration/warm_turns.sh measures the whole connect inside a gevent worker, and calibration/bench/make_scenario.py puts what its proof's turn and startCpu leave over the turns (where warm_turns.sh did not run, calibration/connect_in_worker.sh: the connect inside a worker beside the same in a plain process).",
    }),
  }),
  z.strictObject({
    kind: z.literal('dbQuery'),
    time: durationSpec
      .default(0)
      .meta({ description: 'Time the query waits without using CPU, e.g. 1 for SELECT pg_sleep(1.0), or disk IO.' }),
    cpu: durationSpec.default(0).meta({ description: "Backend CPU time of the query, on the database's cores." }),
    decodeCpu: durationSpec
      .default(0)
      .meta({ description: "Worker CPU to read and decode the result rows (psycopg2's fetchall), after the query." }),
    io: io.optional().meta({ description: 'Default: cooperative when app.psycogreen is true, else blocking.' }),
  }),
  z.strictObject({ kind: z.literal('dbClose') }),
  z.strictObject({
    kind: z.literal('sleep'),
    time: durationSpec,
    io: io.default('cooperative').meta({ description: 'time.sleep is patched by gevent: cooperative by default.' }),
  }),
  z.strictObject({
    kind: z.literal('http'),
    time: durationSpec.meta({ description: 'Latency of an outbound HTTP call.' }),
    io: io.default('cooperative').meta({ description: 'Sockets are patched by gevent: cooperative by default.' }),
    timeout: seconds.optional().meta({
      description:
        "The app's own HTTP client timeout (requests' timeout=): a call that takes longer raises (requests.exceptions.ReadTimeout, a 500) when it runs out; the third party's work goes on. Absent or 0: none.",
    }),
    limit: positiveCountOptional(
      'The third party serves at most this many calls at once (all workers together); others wait in its queue. At most 1,048,576 (fs.nr_open: connections one process can hold).',
      MAX_FDS,
    ),
  }),
  z
    .strictObject({
      kind: z.literal('cache'),
      time: durationSpec.meta({ description: "The cache's own latency for a lookup (and again for storing a miss's result)." }),
      io: io.default('cooperative').meta({ description: 'A Redis or memcached client on patched sockets: cooperative by default.' }),
      covers: z
        .number()
        .int()
        .positive()
        .meta({ description: 'How many of the following steps a hit skips: what a miss costs (e.g. dbConnect, dbQuery, dbClose: 3).' }),
      hitRatio: z.number().min(0).max(1).optional().meta({ description: 'Fraction of lookups that hit.' }),
      ttl: seconds.optional().meta({ description: 'With keys: a result is kept this long after a miss stored it.' }),
      keys: positiveCountOptional(
        'With ttl: requests ask for one of this many keys, uniformly. At most 10 million, over every cache step and every instance of a fleet together: the simulator keeps an expiry per key (8 bytes each); with more keys than requests nearly every lookup misses, so use hitRatio for a larger key space.',
        MAX_CACHE_KEYS,
      ),
    })
    .refine((c) => (c.hitRatio !== undefined) !== (c.ttl !== undefined && c.keys !== undefined), {
      message: msg.hitRatioOrTtl,
      path: ['hitRatio'],
    }),
]);
export type Step = z.infer<typeof stepSchema>;

// The machine and the gunicorn server, as scenario files write them (gunicorn's settings): one section of the scenario format (schema.ts assembles them).
import * as z from 'zod';
import * as msg from '../messages.js';
import { inMs, MEASURED_COSTS as M } from './measuredCosts.js';
import {
  count,
  durationSpec,
  MAX_BACKLOG,
  MAX_CORES,
  MAX_FDS,
  MAX_REQUESTS,
  MAX_SYN_RETRIES,
  MAX_WORKERS,
  positiveCount,
  positiveCountOptional,
  seconds,
} from './units.js';

/** gunicorn's --worker-class for uvicorn's worker (uvicorn/workers.py). */
export const UVICORN_WORKER = 'uvicorn.workers.UvicornWorker';

/** machine.taskGroups where a scenario does not state it: Linux's autogroup, or none on macOS. */
export function defaultTaskGroups(os: 'linux' | 'darwin'): 'none' | 'session' {
  return os === 'linux' ? 'session' : 'none';
}

export const machineSchema = z.strictObject({
  cores: positiveCount('CPU cores shared by all worker processes; at most 8192 (Linux: CONFIG_NR_CPUS).', MAX_CORES).default(4),
  scheduler: z.enum(['shared', 'fifo']).default('shared').meta({
    description:
      "How the cores serve CPU work: shared (a time-sharing kernel such as Linux's: n runnable tasks on c cores each run at min(1, c/n) speed) or fifo (a task keeps a core until done, others wait in line).",
  }),
  taskGroups: z.enum(['none', 'session', 'service']).optional().meta({
    description:
      "How a shared scheduler groups processes before it shares the cores (Linux's group scheduling; sched(7)): none (every runnable process gets an equal share), session (kernel.sched_autogroup_enabled = 1 with processes outside cpu cgroups, e.g. started from a shell: the runnable sessions share the cores equally, then each session's processes; every PostgreSQL backend and the postmaster are sessions of their own, gunicorn's arbiter and workers one, the client one unless client.taskGroup says it shares gunicorn's), or service (systemd services or containers, each a cpu cgroup: PostgreSQL's processes share one group, gunicorn's one, PgBouncer's one, the client's one). Default: session with machine.os linux (Debian's and Ubuntu's kernels enable autogroup, and calibration/autogroup.sh found it, the kit in the root cpu cgroup, on every machine the kit measured), none with darwin (macOS has no group scheduling). Measure yours with calibration/autogroup.sh.",
  }),
  runQueues: z.enum(['shared', 'per-core']).default('shared').meta({
    description:
      "Where a shared scheduler keeps runnable tasks: shared (one queue for all cores: a runnable task never waits while a core is idle, the ideal) or per-core (Linux's per-CPU run queues: a process wakes on the core it last ran on, a new one starts on its parent's core unless another is lighter (the kernel's fork placement, which counts a new process on its core at once: a burst of forks spreads over the cores), and a runnable task waits for its own core while another is idle until the busy core's next scheduler tick, every 4 ms, when the idle core pulls a task; uvicorn's workers, woken together by a new connection, take an idle core when theirs is busy, as select_idle_sibling places them). At most 256 cores a host (one domain of cores sharing a cache). Measure yours with calibration/wakeups.sh.",
  }),
  timeSlices: z.enum(['none', 'eevdf']).default('none').meta({
    description:
      "With per-core run queues: how a core serves its runnable tasks. none (processor sharing: all of them at once, each at its share) or eevdf (one at a time, as Linux's EEVDF does since 6.6: the eligible task with the earliest virtual deadline runs, a slice of 0.70 ms x (1 + log2 cores) at a time, and keeps the core for it; the pick runs when the task blocks, at the 4 ms scheduler tick, or when a woken task would preempt; a task that sleeps keeps its lag, a new one gets half a slice; a core that goes idle pulls a task that has not run for 0.5 ms; a task group weighs its part of the group by PELT's load averages, as calc_group_shares does). Not the default: with 6.18's wake-ups (machine.wakeupPreemption pick) it spreads a wave's responses over a shorter time than the real runs and than processor sharing; with next-buddy, what the kit's kernel does, it gets the -c 50 wave right and spreads -c 100 too wide, and brings the p95 latency nearer the real one where several workers or threads take turns on the cores (docs/validation.md, \"EEVDF's time slices\", \"A group's weight from PELT's load averages\", \"Who takes the core\" and \"The tail under EEVDF's pick\", for the figures).",
  }),
  wakeupPreemption: z.enum(['pick', 'next-buddy']).default('pick').meta({
    description:
      "With machine.timeSlices eevdf: when a woken task takes its core from the running one. pick (Linux 6.6-6.18's check_preempt_wakeup_fair: when the running task is past its protected slice, or the woken one is the eligible task with the earliest deadline; a new process too) or next-buddy (at once, as the core's next buddy, unless it is a new process, whose wake-up preempts nothing, as Linux 6.19 ignores WF_FORK). The kit's KVM guests behave as next-buddy: a task woken onto a busy worker's core ran a median 4 µs later, and a new backend waited 0.8-4.1 ms for its core (calibration/pool_switches.sh WAKEUPS=yes, wave_backends.sh; docs/validation.md, \"Who takes the core\"). calibration/measure.sh sets it, with timeSlices eevdf, where wakeups.sh finds a woken task taking the running worker's core at the next switch in most cases.",
  }),
  wakeupLatency: durationSpec.default(0).meta({
    description:
      "With per-core run queues: how long a task woken onto an idle core waits for the core to wake (the waker's interrupt, the core's exit from idle; on a VM, the host running that virtual CPU again). Time, not CPU: nothing runs on that core meanwhile. A distribution gives each wake-up its own. Default 0 (none). Measure yours with calibration/wakeup_latency.sh.",
  }),
  speedVariation: z.number().min(0).max(1).default(0).meta({
    description:
      "How much the machine's speed changes from one run to the next, minutes apart (a shared virtual machine's neighbours, its host's caches): the standard deviation of the logarithm of its speed. Each seed then runs at one speed for the whole run, every CPU cost of the scenario (its hosts' too) multiplied by the same factor, drawn from a lognormal of median 1 and this sigma; consecutive seeds take evenly spaced quantiles, so a median over seeds is the median speed's. The report gives the factor. Default 0: every run at the costs as written. Measure yours with calibration/drift.sh (the workers' CPU per request over identical runs). At most 1.",
  }),
  slowSpells: z
    .strictObject({
      slowdown: z.number().min(1).max(100).meta({
        description:
          "A slow spell's CPU cost over a fast one's: the same work takes this many times the CPU while its core is slow; at least 1, at most 100.",
      }),
      slow: durationSpec.meta({ description: 'How long a core stays slow each time: a duration or a distribution of them, seconds.' }),
      fast: durationSpec.meta({
        description: 'How long a core stays fast between two slow spells: a duration or a distribution, seconds.',
      }),
    })
    .optional()
    .meta({
      description:
        "Each core's speed over time, within a run: each core alternates fast and slow spells (on a shared virtual machine, a host's other tenant on the same physical core, by all appearances), and a piece of CPU work costs its CPU times the mean of the cores' slowdowns when it starts, scaled so that the run's mean speed stays the scenario's (machine.speedVariation draws that one). It moves a run's speed about within the run, and with it the latency's spread: a load run's slow seconds. Default: none, every core at one speed. Measure yours with calibration/core_speed.sh (both figures and the spells' lengths; docs/validation.md, \"Each core's speed over time\"). Each spell's mean at least 1 ms.",
    }),
  os: z.enum(['linux', 'darwin']).default('linux').meta({
    description:
      "The client's TCP stack: when it retransmits a SYN the server dropped (linux: 1, 3, 7 s...; darwin: 1, 2, 3, 4, 5, 7 s...).",
  }),
  synRetries: count(
    'net.ipv4.tcp_syn_retries of the client (Linux): SYN retransmissions before "connection timed out". 0: a dropped SYN fails after 1 s. At most 127, the kernel\'s limit (MAX_TCP_SYNCNT).',
    MAX_SYN_RETRIES,
  ).default(6),
  somaxconn: positiveCount(
    'kern.ipc.somaxconn / net.core.somaxconn: caps the listen backlog (Linux >= 5.4: 4096; older Linux and macOS: 128). At most 2^31 - 1 (a C int).',
    MAX_BACKLOG,
  ).default(4096),
});

export const serverSchema = z.strictObject({
  workerClass: z.enum(['sync', 'gthread', 'gevent', 'eventlet', UVICORN_WORKER]).default('sync').meta({
    description:
      "gunicorn --worker-class. gevent and eventlet share the async mechanics; sync with threads > 1 becomes gthread, as in gunicorn. uvicorn.workers.UvicornWorker: uvicorn's ASGI server in each worker process (one asyncio loop; `def` handlers in the app's threadpool).",
  }),
  workers: positiveCount(
    'gunicorn --workers: worker processes; at most 10,000, each an object made before the run starts.',
    MAX_WORKERS,
  ).default(1),
  threads: positiveCount(
    'gunicorn --threads: threads per gthread worker; at most 10,000 (each thread reserves a stack, 8 MB by default).',
    MAX_WORKERS,
  ).default(1),
  workerConnections: positiveCount(
    'gunicorn --worker-connections: greenlets per async worker; connections (keep-alive ones included) per gthread worker. At most 1,048,576 (Linux fs.nr_open: file descriptors per process).',
    MAX_FDS,
  ).default(1000),
  backlog: positiveCount(
    'gunicorn --backlog: listen queue length, capped by machine.somaxconn; at most 2^31 - 1 (a C int).',
    MAX_BACKLOG,
  ).default(2048),
  keepalive: seconds
    .default(2)
    .meta({ description: 'gunicorn --keep-alive: seconds to wait for the next request on a connection; 0 closes after each response.' }),
  timeout: seconds
    .default(30)
    .meta({ description: 'gunicorn --timeout: a worker silent for this long is killed with its requests; 0 disables.' }),
  gracefulTimeout: seconds.default(30).meta({
    description:
      "gunicorn --graceful-timeout: a worker told to stop gracefully (max_requests, a reload on the timeline) stops accepting and finishes its requests for at most this long, then its remaining handlers are killed (gevent's and gthread's own loops do this; a sync worker finishes its one request).",
  }),
  bootTime: seconds.default(0.5).meta({
    description:
      'Time for a replacement worker to be ready (fork + importing the app). An assumption: measure yours from "Booting worker" to its first request.',
  }),
  bootCpu: seconds.optional().meta({
    description:
      "uvicorn, with an app that works at start-up (app.asyncpgPool's min_size connects): a worker's CPU from its fork to its app's startup event (the UvicornWorker's set-up, importing the app), on its host's cores. At the first boot gunicorn forks the workers one after another, sleeping 0.1 x random() s between forks (arbiter.py spawn_workers), so their boots and start-ups overlap; the load starts once every worker has started. Default: as measured on Linux for the kit's FastAPI app, 0.2209 s (calibration/uvicorn.sh uvicorn-boot-cpu; src/scenario/measuredCosts.ts). Replacements are ready server.bootTime after their predecessor is gone.",
  }),
  maxRequests: count(
    'gunicorn --max-requests: a worker restarts gracefully after this many requests; 0 disables. At most 500 million, the most requests a run sends.',
    MAX_REQUESTS,
  ).default(0),
  maxRequestsJitter: count(
    'gunicorn --max-requests-jitter: adds randint(0, jitter) to max_requests, per worker. At most 500 million.',
    MAX_REQUESTS,
  ).default(0),
  requestCpu: seconds
    .default(M.server.requestCpu)
    .meta({ description: "The worker's CPU per request outside the handler (parse, WSGI call, write the response), on its loop." }),
  acceptCpu: seconds
    .default(M.server.acceptCpu)
    .meta({ description: "The worker's extra CPU per new connection (accept, a greenlet or thread to read it, close), on its loop." }),
  switchCpu: seconds.default(M.server.switchCpu).meta({
    description:
      "The worker's CPU to resume a request whose IO completed (gevent's hub switching back to its greenlet, psycogreen's wait callback, the Python up to the next wait), on its loop: each resume waits its turn there. 0: the glue is free and does not queue.",
  }),
  cacheRefillCpu: z
    .array(
      z.strictObject({
        others: positiveCount('Distinct other workers that ran on the core since this one last did; at most 10,000.', MAX_WORKERS),
        cpu: seconds,
      }),
    )
    .min(1)
    .max(MAX_WORKERS)
    .refine((points) => points.every((p, i) => i === 0 || p.others > points[i - 1].others), { message: msg.refillOrder })
    .optional()
    .meta({
      description:
        'With per-core run queues: the CPU a worker pays to refill its caches when it wakes on a core after other workers ran there (under machine.timeSlices eevdf: each time its core switches to it, preempted before or not), by how many distinct others did since it last ran there (linear between the points, from none at 0, the last value beyond). Two workers whose working sets fit in the caches together cost each other nothing; several evict each other. Default: none. Measure yours with calibration/switch_in.sh (RING=N: N + 1 others).',
    }),
  errorCpu: seconds.default(M.server.errorCpu).meta({
    description:
      "The worker's extra CPU for a request whose handler raised (the exception, gunicorn's handle_error with its traceback and log line, the 500 page), on its loop.",
  }),
  limitConcurrency: positiveCountOptional(
    "uvicorn's limit_concurrency (UvicornWorker: CONFIG_KWARGS): a request that finds this many connections open in its worker (keep-alive ones and its own included) or this many requests running gets a 503 and its connection is closed. Default: none. At most 1,048,576 (fs.nr_open).",
    MAX_FDS,
  ),
  threadpoolCpu: seconds.optional().meta({
    description: `uvicorn: the worker's extra CPU for a request whose handler is a \`def\` (Starlette's run_in_threadpool: handing the call to a thread and its result back to the loop), on its loop. Default: as measured on Linux, ${inMs(M.uvicorn.threadpoolCpu)} ms (calibration/uvicorn.sh; src/scenario/measuredCosts.ts).`,
  }),
  acceptPolicy: z.enum(['random', 'round-robin', 'first']).default('random').meta({
    description:
      'Which idle worker wins a new connection. Real workers race on one socket (random, seeded); first always prefers the lowest-numbered worker. uvicorn: every idle worker is woken and runs its accept loop once it has a core (with every core taken, after up to a scheduler slice), while a worker already accepting takes what arrives; the policy orders the wake-ups.',
  }),
});

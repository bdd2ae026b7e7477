// gunicorn's arbiter (arbiter.py): forks `workers` processes of the configured class,
// kills a worker that has not notified it for `timeout` seconds (murder_workers), and
// boots a replacement for any worker that exits, killed or retired after max_requests;
// a new worker is ready `bootTime` after its predecessor is gone (fork + app import).
// When the app works at start-up (uvicorn's pools), the first boot is modelled as it runs:
// spawn_workers forks a worker, sleeps 0.1 x random() s, forks the next; each worker
// imports the app (`bootCpu`, on the host's cores, where the boots overlap) and then runs
// its start-up. Without start-up work the run begins with every worker up, as a load test
// begins once gunicorn is ready.
// The arbiter checks at the exact deadline here; the real one wakes at most once a second.
// A worker whose app fails to start (a UvicornWorker exiting with WORKER_BOOT_ERROR) halts
// the arbiter (reap_workers raises HaltServer "Worker failed to boot."): it stops every
// worker and exits, and the listening socket closes with it.
import { CacheRefill } from '../../engine/cpu/cacheRefill.js';
import type { Callback } from '../../engine/eventQueue.js';
import type { Uniform } from '../../engine/random.js';
import type { Simulation } from '../../engine/simulation.js';
import type { Time } from '../../engine/time.js';
import type { App } from '../app.js';
import type { Listener } from '../listener.js';
import { GeventWorker } from './gevent.js';
import { SyncWorker } from './sync.js';
import { ThreadWorker } from './gthread.js';
import { UvicornWorker } from './uvicorn.js';
import { UVICORN_WORKER, type ArbiterSettings, type WorkerSettings } from '../../scenario/resolve.js';
import type { Worker, WorkerGauges, WorkerOwner } from './worker.js';

export { GEVENT_MAX_ACCEPT, type ArbiterSettings, type WorkerClass } from '../../scenario/resolve.js';

/** A pod's memory, watched as its workers take requests: the worker to kill when it is over its limit. */
export interface MemoryWatch {
  over(workers: readonly Worker[]): Worker | undefined;
}

export class Arbiter implements WorkerOwner {
  readonly workers: Worker[] = [];
  private readonly lastNotify = new Map<Worker, Time>();
  private readonly watched = new Set<Worker>();
  kills = 0;
  restarts = 0;
  /** A pod's memory limit, in a fleet (fleet/memoryLimit.ts): exceeding it gets a worker OOM-killed. */
  private memory: MemoryWatch | undefined = undefined;
  /** Set only with a memory limit: without one, a worker makes no call per request for it. */
  requestStarted: ((worker: Worker) => void) | undefined = undefined;
  /** Workers the kernel's OOM killer ended. */
  oomKills = 0;
  /** Retiring workers whose graceful_timeout ran out with requests still running. */
  gracefulTimeouts = 0;
  /** Workers a reload replaced that are still finishing their requests. */
  private readonly retiring = new Set<Worker>();
  /** Requests started by each worker slot, replacements included. */
  readonly served: number[] = [];
  /** Why gunicorn stopped (HaltServer's reason), if it did. */
  halted: string | undefined = undefined;
  /** Workers of the first boot whose app is still starting up, and who waits for them all. */
  private starting = 0;
  private onStarted: Callback<any, any> | undefined = undefined;
  private onStartedArg: unknown = undefined;
  /** When every worker of the first boot had started (µs). */
  startedAt = 0;
  /** The highest peaks of workers that have exited. */
  private readonly exitedPeaks = { connections: 0, handlers: 0 };

  constructor(
    private readonly sim: Simulation,
    private readonly listener: Listener,
    private readonly app: App,
    private readonly settings: ArbiterSettings,
    private readonly gauges: WorkerGauges,
    private readonly jitter: Uniform,
    /** spawn_workers' sleep between forks at the first boot: 0.1 x random() s. */
    private readonly spawnSleep: Uniform,
  ) {
    // A refill is the workers' CPU: it counts with the rest of theirs.
    this.cacheRefill =
      settings.cacheRefill !== undefined ? new CacheRefill(settings.cacheRefill, (cpu) => (app.cpuUsed += cpu)) : undefined;
  }

  /** Stopping (its pod is being removed): workers that exit are not replaced. */
  stopped = false;

  /** What each worker pays to refill its caches on a core others ran on (server.cacheRefillCpu). */
  private readonly cacheRefill: CacheRefill | undefined;

  start(): void {
    this.stopped = false;
    if (this.settings.workerClass === UVICORN_WORKER && this.app.db?.opensAtStartup) {
      this.starting = this.settings.workers;
      if (this.settings.bootCpu > 0) {
        this.spawnInTurn(0);
        return;
      }
    }
    for (let i = 0; i < this.settings.workers; i++) this.spawn(i);
  }

  /** @internal spawn_workers at the first boot: fork worker `index`, sleep, fork the next. */
  spawnInTurn(index: number): void {
    if (this.halted !== undefined) return;
    const worker = this.create(index);
    // Its boot (the app's import) runs on the host's cores beside the others'.
    this.app.cpuUsed += this.settings.bootCpu;
    this.app.cpu.run(this.settings.bootCpu, importedApp, worker, this.settings.bootCpu, worker);
    if (index + 1 < this.settings.workers) this.sim.schedule(Math.round(SPAWN_SLEEP * this.spawnSleep()), spawnNext, this, index + 1);
  }

  /** Its pod is removed (a scale-down): the workers finish what they hold and exit (gunicorn's graceful stop on SIGTERM), none is booted again. */
  stop(): void {
    this.stopped = true;
    for (const w of this.workers) w.retire();
  }

  /** Every worker has exited since stop(). */
  get drained(): boolean {
    return this.stopped && this.workers.every((w) => w.dead);
  }

  /** Calls fn(a) once every worker of the first boot has started (at once when none has a start-up). */
  whenStarted<A>(fn: Callback<A, undefined>, a: A): void {
    if (this.starting === 0) {
      fn(a, undefined);
      return;
    }
    this.onStarted = fn;
    this.onStartedArg = a;
  }

  booted(_worker: Worker, error: string | undefined): void {
    if (error !== undefined && this.app.db?.asyncpgPool?.onStartupError === 'exit') this.halt('Worker failed to boot.');
    else this.oneStarted();
  }

  private oneStarted(): void {
    if (this.starting === 0) return;
    if (--this.starting > 0) return;
    this.startedAt = this.sim.now;
    const fn = this.onStarted;
    this.onStarted = undefined;
    fn?.(this.onStartedArg, undefined);
  }

  /** HaltServer: every worker stops, the listening socket closes. */
  private halt(reason: string): void {
    if (this.halted !== undefined) return;
    this.halted = reason;
    for (const w of this.workers) if (!w.dead) w.kill();
    this.listener.close();
    if (this.starting > 0) {
      this.starting = 1;
      this.oneStarted();
    }
  }

  /** Requests started by each worker slot so far. */
  servedByWorker(): number[] {
    const served = this.workers.map((w, i) => (this.served[i] ?? 0) + (w.dead ? 0 : w.served));
    // A replaced worker still finishing, once its replacement holds its slot.
    for (const w of this.retiring) if (this.workers[w.index] !== w) served[w.index] += w.served;
    return served;
  }

  /** Most threads of its threadpool any live worker used at once (uvicorn). */
  peakThreadsInUse(): number {
    let peak = 0;
    for (const w of this.workers) peak = Math.max(peak, w.threadpool?.peakInUse ?? 0);
    return peak;
  }

  /** Most connections any worker held at once, and most handlers it ran at once. */
  peaks(): { connections: number; handlers: number } {
    let { connections, handlers } = this.exitedPeaks;
    for (const w of [...this.workers, ...this.retiring]) {
      connections = Math.max(connections, w.peakOpen);
      handlers = Math.max(handlers, w.peakRunning);
    }
    return { connections, handlers };
  }

  private spawn(index: number): void {
    this.create(index).boot();
  }

  private create(index: number): Worker {
    const s = this.settings;
    // gunicorn: max_requests + randint(0, max_requests_jitter), drawn per worker.
    const maxRequests = s.maxRequests > 0 ? s.maxRequests + Math.floor(this.jitter() * (s.maxRequestsJitter + 1)) : 0;
    const settings: WorkerSettings = { ...s.worker, maxRequests };
    const args = [index, this.sim, this.listener, this.app, settings, this.gauges, this] as const;
    const worker =
      s.workerClass === 'sync'
        ? new SyncWorker(...args)
        : s.workerClass === 'gthread'
          ? new ThreadWorker(...args)
          : s.workerClass === UVICORN_WORKER
            ? new UvicornWorker(...args)
            : new GeventWorker(...args);
    // Forked one after another, each busy importing the app as the next is forked: fork
    // balancing starts each on the least loaded core, so they take the cores in turn.
    worker.cpuCore = index % this.app.cpu.cores;
    worker.cacheRefill = this.cacheRefill;
    this.workers[index] = worker;
    return worker;
  }

  notified(worker: Worker): void {
    this.lastNotify.set(worker, this.sim.now);
    if (this.settings.timeout > 0 && !this.watched.has(worker)) {
      this.watched.add(worker);
      this.sim.schedule(this.settings.timeout, watchdog, this, worker);
    }
  }

  /** @internal the timeout since the worker's last notification may have run out. */
  check(worker: Worker): void {
    this.watched.delete(worker);
    if (worker.dead) return;
    const deadline = this.lastNotify.get(worker)! + this.settings.timeout;
    if (worker.heartbeatOk()) {
      this.notified(worker);
    } else if (this.sim.now >= deadline) {
      this.kills++;
      worker.kill();
    } else {
      this.watched.add(worker);
      this.sim.schedule(deadline - this.sim.now, watchdog, this, worker);
    }
  }

  /** Workers report each request they start to `memory`, which names one to kill when the pod is over its limit. */
  watchMemory(memory: MemoryWatch): void {
    this.memory = memory;
    this.requestStarted = this.checkMemory;
  }

  private readonly checkMemory = (): void => {
    const victim = this.memory!.over(this.workers);
    // The OOM killer acts from the allocation that failed, not within the worker's own call.
    if (victim !== undefined) this.sim.schedule(0, oomKill, this, victim);
  };

  /** @internal the kernel's OOM killer ends `worker` (SIGKILL): its requests are lost, the arbiter boots another. */
  oomKill(worker: Worker): void {
    if (worker.dead) return;
    this.oomKills++;
    worker.kill();
  }

  /** SIGKILL from outside the arbiter (the OOM killer, the timeline): the `n` lowest-numbered workers alive. */
  killWorkers(n: number): void {
    for (const w of this.workers) {
      if (n === 0) return;
      if (w.dead) continue;
      this.kills++;
      w.kill();
      n--;
    }
  }

  /**
   * gunicorn's reload (SIGHUP): new workers boot (ready bootTime later) while the old ones
   * stop gracefully: they accept no more and finish their requests, for at most
   * graceful_timeout.
   */
  reload(): void {
    if (this.halted !== undefined) return;
    for (const w of this.workers) {
      if (w.dead || !w.alive) continue;
      w.replaced = true;
      this.retiring.add(w);
      this.sim.schedule(this.settings.bootTime, respawn, this, w.index);
      w.retire();
    }
  }

  exited(worker: Worker, killed: boolean): void {
    this.gracefulTimeouts += worker.gracefulKills;
    this.served[worker.index] = (this.served[worker.index] ?? 0) + worker.served;
    if (this.halted !== undefined) return;
    if ((!killed || worker.replaced) && !this.stopped) this.restarts++;
    this.exitedPeaks.connections = Math.max(this.exitedPeaks.connections, worker.peakOpen);
    this.exitedPeaks.handlers = Math.max(this.exitedPeaks.handlers, worker.peakRunning);
    this.lastNotify.delete(worker);
    if (worker.replaced) {
      // A reload replaced it: its replacement is booting already.
      this.retiring.delete(worker);
      return;
    }
    if (this.stopped) return;
    this.sim.schedule(this.settings.bootTime, respawn, this, worker.index);
  }

  /** @internal */
  respawn(index: number): void {
    if (!this.stopped) this.spawn(index);
  }
}

function watchdog(a: Arbiter, w: Worker): void {
  a.check(w);
}

function oomKill(a: Arbiter, w: Worker): void {
  a.oomKill(w);
}

function respawn(a: Arbiter, index: number): void {
  a.respawn(index);
}

/** arbiter.py spawn_workers: time.sleep(0.1 * random.random()) after each fork (µs). */
const SPAWN_SLEEP = 100_000;

function spawnNext(a: Arbiter, index: number): void {
  a.spawnInTurn(index);
}

/** The run has stopped with this task unfinished (Cpu.unfinished): if it is a worker's boot (its CPU the task's second argument), the workers' CPU keeps the part done. */
export function settleBootCpu(fn: unknown, a: unknown, b: unknown, left: number): boolean {
  if (fn !== importedApp) return false;
  (a as Worker).app.cpuUsed -= Math.round((b as number) * left);
  return true;
}

function importedApp(w: Worker): void {
  // Halted meanwhile (another worker's start-up failed): it was killed before it got this far.
  if (!w.dead) w.boot();
}

// Reruns the what-if off the main thread, so the page stays responsive. Changes are
// debounced (a slider drag is one run, not fifty); a change that arrives while a run is in
// progress ends it: the busy worker is terminated, a spare one that has already loaded
// the simulator takes over, and a new spare is started. Answers carry the request's id,
// and only the newest request's answers reach the page.
import { isFinal, type RunRequest, type WorkerMessage } from './protocol.js';
import type { WhatIf } from './whatIf.js';

/** What the runner needs of a Web Worker (a test gives it a fake). */
export interface WorkerLike {
  postMessage(message: RunRequest): void;
  terminate(): void;
  onmessage: ((event: { data: WorkerMessage }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RunnerOptions {
  createWorker: () => WorkerLike;
  /** Answers to the newest request only. */
  onMessage: (message: WorkerMessage) => void;
  /** Quiet time after the last change before a run starts. */
  debounceMs: number;
  /** A run was sent to a worker (after the debounce). */
  onRun?: (id: number) => void;
  timers?: Timers;
}

export class WhatIfRunner {
  private worker: WorkerLike;
  private spare: WorkerLike;
  private lastId = 0;
  private busy = false;
  private pending: unknown;
  /** Runs ended early by a newer change: the page shows it, a test checks it. */
  cancelled = 0;
  private readonly timers: Timers;

  constructor(private readonly options: RunnerOptions) {
    this.timers = options.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) };
    this.worker = this.start();
    this.spare = this.start();
  }

  /** Runs `whatIf` once changes have stopped for the debounce time. */
  request(whatIf: WhatIf): void {
    if (this.pending !== undefined) this.timers.clearTimeout(this.pending);
    this.pending = this.timers.setTimeout(() => {
      this.pending = undefined;
      this.run(whatIf);
    }, this.options.debounceMs);
  }

  /** Runs `whatIf` now, ending any run in progress. */
  run(whatIf: WhatIf): void {
    this.stop();
    this.busy = true;
    this.worker.postMessage({ id: ++this.lastId, whatIf });
    this.options.onRun?.(this.lastId);
  }

  /** Ends the run in progress and drops a change waiting for its debounce: nothing more reaches the page. */
  cancel(): void {
    if (this.pending !== undefined) this.timers.clearTimeout(this.pending);
    this.pending = undefined;
    this.stop();
    // Whatever the last run still posts is no longer current.
    this.lastId++;
  }

  private stop(): void {
    if (!this.busy) return;
    this.worker.terminate();
    this.cancelled++;
    this.worker = this.spare;
    this.spare = this.start();
    this.busy = false;
  }

  /** Whether `id` is the newest what-if: no run was asked for since, and no change waits for its debounce. */
  isCurrent(id: number): boolean {
    return id === this.lastId && this.pending === undefined;
  }

  private start(): WorkerLike {
    const worker = this.options.createWorker();
    worker.onmessage = ({ data }) => {
      if (worker !== this.worker || data.id !== this.lastId) return;
      if (isFinal(data)) this.busy = false;
      this.options.onMessage(data);
    };
    worker.onerror = (event) => {
      if (worker !== this.worker) return;
      this.busy = false;
      this.options.onMessage({ id: this.lastId, kind: 'failed', message: event.message ?? 'the simulation worker failed' });
    };
    return worker;
  }
}

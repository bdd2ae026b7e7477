// What a request's time in Phase.thread is, by the worker class that runs it: the one
// place the report, the plan's bottleneck and the timeline chart take its name from.
//
// A request is in Phase.thread from the moment its worker has it until something runs it
// (worker.ts: accept, firstRequestArrived), while a uvicorn `def` handler's call waits for
// the threadpool (app.ts: toThreadpool), and from its send on a kept-alive connection
// (loadGenerator.ts: send), so the client's writing of it is counted here. Hence:
// - gthread: waiting for one of the worker's threads (ThreadWorker.dispatch);
// - uvicorn with `def` handlers: waiting for a thread of the threadpool;
// - sync, gevent, eventlet, uvicorn's `async def` handlers: a handler starts the moment
//   its worker has the request, so what is left is the client writing a request on a
//   kept-alive connection (its CPU, and its wait for a core). On a new connection that
//   write falls in the connect or accept-queue phases instead; in gthread and the
//   threadpool it is counted with the wait.
export const THREAD_PHASE_LABELS = {
  thread: 'waiting for a thread',
  threadpool: 'waiting for the threadpool',
  write: 'client writing the request',
} as const;

export type ThreadPhaseKind = keyof typeof THREAD_PHASE_LABELS;

/**
 * The timeline's requests that are neither in the backlog nor running a handler: those
 * connecting, and those in Phase.thread before a handler runs (a request waiting for
 * uvicorn's threadpool counts as running: its worker runs it from the hand-off on).
 */
export const WAITING_STATE_LABELS: Record<ThreadPhaseKind, string> = {
  thread: 'connecting or waiting for a thread',
  threadpool: 'connecting or writing the request',
  write: 'connecting or writing the request',
};

/**
 * What Phase.thread is in a run whose instances run `classes`; `threadpool`: uvicorn's
 * `def` handlers use its threadpool. A fleet with gthread among its classes calls it the
 * wait for a thread, which is what it is there.
 */
export function threadPhaseKind(classes: readonly string[], threadpool: boolean): ThreadPhaseKind {
  if (classes.includes('gthread')) return 'thread';
  return threadpool ? 'threadpool' : 'write';
}

/** The run's threadPhaseKind, read from its summary (report/summary.ts's RunSummary, or its JSON). */
export function threadPhaseOf(s: {
  simulation: { server: { workerClass: string; threadpool?: unknown } };
  fleet?: { instances: readonly { workerClass: string }[] };
}): ThreadPhaseKind {
  const classes = s.fleet !== undefined ? s.fleet.instances.map((i) => i.workerClass) : [s.simulation.server.workerClass];
  return threadPhaseKind(classes, s.simulation.server.threadpool !== undefined);
}

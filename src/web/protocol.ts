// The messages between the page and its Web Worker. Everything is plain data (structured
// clone): the page sends a what-if, the worker answers with the run and then the sweep.
import type { NamedChart } from '../charts/namedChart.js';
import type { SweepPoint } from '../charts/sweep/sweep.js';
import type { RunSummary } from '../report/summary.js';
import type { Scenario } from '../scenario/schema.js';
import type { WhatIf } from './whatIf.js';

export interface RunRequest {
  /** Increases with every request; an answer to an older one is ignored. */
  id: number;
  whatIf: WhatIf;
}

export type WorkerMessage =
  /** The run itself: hey's report, its figures and its charts. */
  | { id: number; kind: 'run'; scenario: Scenario; summary: RunSummary; text: string; charts: NamedChart[] }
  /** The sweep so far; `charts` once every point has run. */
  | { id: number; kind: 'sweep'; done: number; total: number; points: SweepPoint[]; charts: NamedChart[] | null; note: string }
  /** The what-if is not a valid scenario: the message sim run would print. */
  | { id: number; kind: 'invalid'; message: string }
  /** A bug: the simulator failed on a valid scenario. */
  | { id: number; kind: 'failed'; message: string };

/** Whether this is the last message of its run: the worker is free after it. */
export function isFinal(m: WorkerMessage): boolean {
  return m.kind === 'invalid' || m.kind === 'failed' || (m.kind === 'sweep' && m.charts !== null);
}

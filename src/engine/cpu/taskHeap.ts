// The runnable tasks of the processor-sharing disciplines (shared.ts, grouped.ts,
// quota.ts): a binary heap ordered by the virtual time at which each task's work is done,
// ties broken by start order, so tasks that finish together end oldest first.
import type { Callback } from '../eventQueue.js';

export interface VirtualTask {
  /** The virtual time at which its work is done. */
  finish: number;
  /** Its work, as given (a cancelled task's share left is (finish - virtual now) / work). */
  work: number;
  /** Start order, which breaks ties; also the task's id. */
  seq: number;
  fn: Callback<any, any>;
  a: unknown;
  b: unknown;
}

function before(x: VirtualTask, y: VirtualTask): boolean {
  return x.finish < y.finish || (x.finish === y.finish && x.seq < y.seq);
}

export function pushTask(h: VirtualTask[], t: VirtualTask): void {
  let i = h.length;
  h.push(t);
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!before(t, h[p])) break;
    h[i] = h[p];
    i = p;
  }
  h[i] = t;
}

export function popTask(h: VirtualTask[]): VirtualTask {
  const top = h[0];
  const last = h.pop()!;
  if (h.length > 0) {
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= h.length) break;
      if (c + 1 < h.length && before(h[c + 1], h[c])) c++;
      if (!before(h[c], last)) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = last;
  }
  return top;
}

/** The share of `t`'s work not done by the virtual time `virtual` (0 to 1). */
export function shareLeft(t: VirtualTask, virtual: number): number {
  return t.work > 0 ? Math.min(1, Math.max(0, (t.finish - virtual) / t.work)) : 0;
}

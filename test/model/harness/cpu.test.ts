// A host's CPU alone: the two disciplines of its cores, and a process with a fixed number
// of threads (the postmaster: one; hey: GOMAXPROCS) competing with other work there.
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/engine/cpu/cpu.js';
import { FifoCpu } from '../../../src/engine/cpu/fifo.js';
import { ProcessCpu } from '../../../src/engine/cpu/process.js';
import { SharedCpu } from '../../../src/engine/cpu/shared.js';
import { harness, type Harness } from './harness.js';

/** `name` needs `work` µs of CPU from `at` on; the log says when it is done. */
function task(h: Harness, cpu: Cpu, name: string, at: number, work: number): void {
  h.at(at, () => cpu.run(work, (n: string) => h.note(`${n} done`), name));
}

describe("a host's CPU, alone", () => {
  it('fifo: a task keeps its core until done; the others wait in line', () => {
    const h = harness();
    const cpu = new FifoCpu(h.sim, 1);
    task(h, cpu, 'a', 0, 100);
    task(h, cpu, 'b', 0, 50);
    task(h, cpu, 'c', 10, 10);
    expect(h.run()).toEqual(['100 a done', '150 b done', '160 c done']);
  });

  it('shared: n tasks on c cores each run at min(1, c/n) of a core', () => {
    const h = harness();
    const cpu = new SharedCpu(h.sim, 1);
    // a and b share the core: b's 50 µs take 100; a, alone from then, is done at 150.
    task(h, cpu, 'a', 0, 100);
    task(h, cpu, 'b', 0, 50);
    expect(h.run()).toEqual(['100 b done', '150 a done']);
  });

  it('shared, on two cores: two tasks run at full speed, a third slows all three', () => {
    const h = harness();
    const cpu = new SharedCpu(h.sim, 2);
    // From 0 to 30 a and b run alone (30 µs each done). From 30, three share two cores:
    // 2/3 of a core each. c's 20 µs take 30 (done at 60); a and b have done 50 by then,
    // and finish their last 50 at full speed, at 110.
    task(h, cpu, 'a', 0, 100);
    task(h, cpu, 'b', 0, 100);
    task(h, cpu, 'c', 30, 20);
    expect(h.run()).toEqual(['60 c done', '110 a done', '110 b done']);
  });

  it('a cancelled task never ends, and its core goes to the next in line', () => {
    const h = harness();
    const cpu = new FifoCpu(h.sim, 1);
    let id = 0;
    h.at(0, () => (id = cpu.run(100, (n: string) => h.note(`${n} done`), 'a')));
    task(h, cpu, 'b', 0, 50);
    h.at(20, () => cpu.cancel(id));
    expect(h.run()).toEqual(['70 b done']);
  });

  it("a one-thread process runs its work one piece after another, sharing the host's cores with the rest", () => {
    const h = harness();
    const host = new SharedCpu(h.sim, 1);
    const postmaster = new ProcessCpu(host, 1, 'postmaster');
    const fork = (name: string) => h.at(0, () => postmaster.run(100, (n: string) => h.note(`${n} done`), name));
    // fork 1 and a backend's 100 µs share the core (both done at 200); fork 2 waits for
    // the postmaster's one thread, then has the core alone: 200-300.
    fork('fork 1');
    fork('fork 2');
    task(h, host, 'backend', 0, 100);
    expect(h.run()).toEqual(['200 fork 1 done', '200 backend done', '300 fork 2 done']);
    expect(postmaster.used).toBe(200);
  });

  it('shared: a host losing a core mid-run slows its tasks from that instant (setCores)', () => {
    const h = harness();
    const cpu = new SharedCpu(h.sim, 2);
    // a and b have a core each until 100 (100 of their 300 done); from 100 to 300 they
    // share one (100 more each); back on 2 cores, their last 100 take 100: done at 400.
    task(h, cpu, 'a', 0, 300);
    task(h, cpu, 'b', 0, 300);
    h.at(100, () => cpu.setCores(1));
    h.at(300, () => cpu.setCores(2));
    expect(h.run()).toEqual(['400 a done', '400 b done']);
  });
});

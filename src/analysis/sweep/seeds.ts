// Seeds of replications. Replication 0 runs with the scenario's own seed, so a sweep
// without --replications reproduces `sim run` point by point; replication r > 0 gets a
// seed mixed from the base seed and r alone (never from timing or thread order). Every
// point of a sweep uses the same seeds (common random numbers): the differences between
// points then come from the swept values, not from luck.

/** The seed of replication `r` of a scenario whose seed is `base`. */
export function replicationSeed(base: number, r: number): number {
  if (r === 0) return base;
  // splitmix32-style finalizer over (base, r): neighbouring bases or replications give
  // unrelated seeds, so base 1 replication 1 is not base 2 replication 0.
  let h = (Math.imul(base | 0, 0x9e3779b1) ^ Math.imul(r, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}

export function replicationSeeds(base: number, replications: number): number[] {
  return Array.from({ length: replications }, (_, r) => replicationSeed(base, r));
}

// Simulated time is an integer count of microseconds, so sums never drift and a run is
// reproducible bit for bit; seconds appear only at the edges (scenario files, reports).
export type Time = number;

export const MICROSECONDS_PER_SECOND = 1_000_000;

/**
 * Zero, for a field that will hold times or sums of times: V8 stores a field that has only
 * held small integers as one, and the first value past 2^31 (2^31 µs is 36 simulated
 * minutes; a sum of latencies gets there sooner) switches it to a double and deoptimizes
 * every function that used it, in mid-run: in the benchmark models that redid much of the
 * optimizing compiler's work (docs/internals.md, "Performance"). -0 is not a small integer
 * to V8, so such a field is a double from the start. It is 0 in every sum, comparison and printout.
 */
export const DOUBLE_ZERO: Time = -0;

/** Seconds (a float from a scenario file) to integer simulated time. */
export function fromSeconds(seconds: number): Time {
  return Math.round(seconds * MICROSECONDS_PER_SECOND);
}

/** Integer simulated time to seconds, for reports. */
export function toSeconds(t: Time): number {
  return t / MICROSECONDS_PER_SECOND;
}

// Simulated time is an integer count of microseconds, so sums never drift and a run is
// reproducible bit for bit; seconds appear only at the edges (scenario files, reports).
export type Time = number;

export const MICROSECONDS_PER_SECOND = 1_000_000;

/** Seconds (a float from a scenario file) to integer simulated time. */
export function fromSeconds(seconds: number): Time {
  return Math.round(seconds * MICROSECONDS_PER_SECOND);
}

/** Integer simulated time to seconds, for reports. */
export function toSeconds(t: Time): number {
  return t / MICROSECONDS_PER_SECOND;
}

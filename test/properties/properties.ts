// Settings shared by the property tests: a fixed seed, so a run is reproducible and CI
// sees the same cases every time, and case counts that matter yet keep the suite fast.
export const PROPERTY_SEED = 20_251_129;
export const VALID_RUNS = 1000;
export const INVALID_RUNS = 600;
/**
 * Not a speed limit: vitest's default of 5 s per test is too close to what hundreds of
 * cases take on a slow CI machine, so the property tests get as long as the CI itself.
 */
export const PROPERTY_TIMEOUT = 30 * 60_000;

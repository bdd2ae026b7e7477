// Settings shared by the property tests: a fixed seed, so a run is reproducible and CI
// sees the same cases every time, and case counts that matter yet keep the suite fast.
export const PROPERTY_SEED = 20_251_129;
export const VALID_RUNS = 400;
export const INVALID_RUNS = 400;

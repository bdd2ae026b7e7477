// The defaults of every CPU cost: what the calibration kit measured on Linux with
// PostgreSQL 15 and scram-sha-256 (calibration/costs.sh; medians of calibration/results/
// costs.json, methods in calibration/measured-linux-2core.json's "measured" block;
// docs/validation.md). A scenario of another stack states its own; `sim run --sensitivity`
// moves every cost a scenario does not list as measured.

/** Seconds of CPU per operation. */
export const MEASURED_COSTS = {
  client: { requestCpu: 0.0000929, dialCpu: 0.0001185 },
  server: { requestCpu: 0.0001275, acceptCpu: 0.0001, switchCpu: 0.000026, errorCpu: 0.0011812 },
  database: {
    /** Forking back to back; one connection at a time adds postmasterWakeCpu (calibration/bench/fork_burst.py). */
    postmasterCpu: 0.0006413,
    postmasterWakeCpu: 0.0001819,
    backendStartupCpu: 0.0004702,
    backendStartCpu: 0.0023326,
    backendExitCpu: 0.0026787,
    refusedCpu: 0.0019539,
  },
  /** libpq's side of connect + close, by pg_hba.conf method (dbConnect's cpu). */
  connectCpu: { 'scram-sha-256': 0.004763, md5: 0.000653, trust: 0.000587 },
  /** Of that, the part before the first wait (psycopg2.connect(async_=1): PQconnectStart; calibration/bench/connect_start.py). */
  connectStartCpu: 0.000227,
} as const;

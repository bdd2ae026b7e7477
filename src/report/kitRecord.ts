// Each kind of stack's row of docs/validation.md's table "By kind of stack": written by
// calibration/validate.mjs with the page, from the same rows (a test checks it is current).
import type { StackKind } from './stackKind.js';
import type { KindRecord } from './validated.js';

export const KIT_RECORD: Partial<Record<StackKind, KindRecord>> = {
  pgbouncer: {
    rows: 13,
    withinTargets: 11,
    requestsPerSecError: { median: -0.0047, p10: -0.1043, p90: 0.1554 },
    shipped: { rows: 5, withinTargetsOwn: 5, withinTargets: 3 },
  },
  pool: {
    rows: 19,
    withinTargets: 8,
    requestsPerSecError: { median: 0.1824, p10: 0.0128, p90: 0.6956 },
    shipped: { rows: 8, withinTargetsOwn: 5, withinTargets: 6 },
  },
  uvicorn: {
    rows: 19,
    withinTargets: 10,
    requestsPerSecError: { median: 0.1033, p10: -0.1192, p90: 0.4607 },
  },
  fleet: {
    rows: 10,
    withinTargets: 4,
    requestsPerSecError: { median: 0.1602, p10: -0.3744, p90: 0.2811 },
  },
  gthread: {
    rows: 25,
    withinTargets: 16,
    requestsPerSecError: { median: 0.0329, p10: -0.0563, p90: 0.2839 },
    shipped: { rows: 20, withinTargetsOwn: 11, withinTargets: 8 },
  },
  sync: {
    rows: 22,
    withinTargets: 17,
    requestsPerSecError: { median: 0.075, p10: -0.0101, p90: 0.1595 },
    shipped: { rows: 17, withinTargetsOwn: 13, withinTargets: 1 },
  },
  noDatabase: {
    rows: 10,
    withinTargets: 1,
    requestsPerSecError: { median: 0.2925, p10: -0.4107, p90: 0.3764 },
    shipped: { rows: 9, withinTargetsOwn: 1, withinTargets: 6 },
  },
  storm: {
    rows: 107,
    withinTargets: 82,
    requestsPerSecError: { median: 0.0375, p10: -0.1476, p90: 0.1486 },
    shipped: { rows: 86, withinTargetsOwn: 66, withinTargets: 21 },
  },
  waitingQuery: {
    rows: 316,
    withinTargets: 314,
    requestsPerSecError: { median: 0.0078, p10: -0.0535, p90: 0.0589 },
    shipped: { rows: 245, withinTargetsOwn: 243, withinTargets: 227 },
  },
  oneWorker: {
    rows: 280,
    withinTargets: 208,
    requestsPerSecError: { median: -0.0077, p10: -0.1823, p90: 0.1267 },
    shipped: { rows: 220, withinTargetsOwn: 170, withinTargets: 76 },
  },
};

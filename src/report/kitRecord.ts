// Each kind of stack's row of docs/validation.md's table "By kind of stack": written by
// calibration/validate.mjs with the page, from the same rows (a test checks it is current).
import type { StackKind } from './stackKind.js';
import type { KindRecord } from './validated.js';

export const KIT_RECORD: Partial<Record<StackKind, KindRecord>> = {
  pgbouncer: {
    rows: 13,
    withinTargets: 11,
    requestsPerSecError: { median: -0.0047, p10: -0.1043, p90: 0.1554 },
    shipped: { rows: 13, withinTargetsOwn: 11, withinTargets: 8 },
  },
  pool: {
    rows: 19,
    withinTargets: 8,
    requestsPerSecError: { median: 0.1824, p10: 0.0128, p90: 0.6956 },
    shipped: { rows: 19, withinTargetsOwn: 8, withinTargets: 5 },
  },
  uvicorn: {
    rows: 19,
    withinTargets: 10,
    requestsPerSecError: { median: 0.0945, p10: -0.1768, p90: 0.4607 },
  },
  fleet: {
    rows: 10,
    withinTargets: 4,
    requestsPerSecError: { median: 0.1602, p10: -0.3744, p90: 0.2811 },
    shipped: { rows: 10, withinTargetsOwn: 4, withinTargets: 2 },
  },
  gthread: {
    rows: 41,
    withinTargets: 24,
    requestsPerSecError: { median: 0.0652, p10: -0.1086, p90: 0.2839 },
    shipped: { rows: 41, withinTargetsOwn: 24, withinTargets: 23 },
  },
  sync: {
    rows: 36,
    withinTargets: 20,
    requestsPerSecError: { median: 0.1222, p10: -0.0556, p90: 0.3802 },
    shipped: { rows: 36, withinTargetsOwn: 20, withinTargets: 22 },
  },
  noDatabase: {
    rows: 10,
    withinTargets: 1,
    requestsPerSecError: { median: 0.2925, p10: -0.4107, p90: 0.3764 },
    shipped: { rows: 10, withinTargetsOwn: 1, withinTargets: 5 },
  },
  storm: {
    rows: 111,
    withinTargets: 87,
    requestsPerSecError: { median: 0.038, p10: -0.1462, p90: 0.1405 },
    shipped: { rows: 96, withinTargetsOwn: 74, withinTargets: 55 },
  },
  waitingQuery: {
    rows: 333,
    withinTargets: 330,
    requestsPerSecError: { median: 0.0078, p10: -0.0542, p90: 0.0561 },
    shipped: { rows: 277, withinTargetsOwn: 274, withinTargets: 274 },
  },
  oneWorker: {
    rows: 293,
    withinTargets: 222,
    requestsPerSecError: { median: -0.0057, p10: -0.1818, p90: 0.1285 },
    shipped: { rows: 253, withinTargetsOwn: 190, withinTargets: 170 },
  },
  severalWorkers: {
    rows: 2,
    withinTargets: 1,
    requestsPerSecError: { median: -0.1092, p10: -0.2116, p90: -0.0068 },
    shipped: { rows: 2, withinTargetsOwn: 1, withinTargets: 2 },
  },
};

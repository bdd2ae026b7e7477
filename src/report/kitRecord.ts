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
    rows: 40,
    withinTargets: 23,
    requestsPerSecError: { median: 0.0788, p10: -0.1086, p90: 0.2839 },
    shipped: { rows: 40, withinTargetsOwn: 23, withinTargets: 22 },
  },
  sync: {
    rows: 34,
    withinTargets: 19,
    requestsPerSecError: { median: 0.1262, p10: -0.0202, p90: 0.3802 },
    shipped: { rows: 34, withinTargetsOwn: 19, withinTargets: 21 },
  },
  noDatabase: {
    rows: 10,
    withinTargets: 1,
    requestsPerSecError: { median: 0.2925, p10: -0.4107, p90: 0.3764 },
    shipped: { rows: 10, withinTargetsOwn: 1, withinTargets: 5 },
  },
  storm: {
    rows: 110,
    withinTargets: 86,
    requestsPerSecError: { median: 0.0397, p10: -0.1476, p90: 0.1405 },
    shipped: { rows: 95, withinTargetsOwn: 73, withinTargets: 54 },
  },
  waitingQuery: {
    rows: 330,
    withinTargets: 328,
    requestsPerSecError: { median: 0.0078, p10: -0.0522, p90: 0.0561 },
    shipped: { rows: 274, withinTargetsOwn: 272, withinTargets: 271 },
  },
  oneWorker: {
    rows: 290,
    withinTargets: 220,
    requestsPerSecError: { median: -0.0059, p10: -0.1818, p90: 0.1285 },
    shipped: { rows: 250, withinTargetsOwn: 188, withinTargets: 168 },
  },
};

// Each kind of stack's row of docs/validation.md's table "By kind of stack": written by
// calibration/validate.mjs with the page, from the same rows (a test checks it is current).
import type { StackKind } from './stackKind.js';
import type { KindRecord } from './validated.js';

export const KIT_RECORD: Partial<Record<StackKind, KindRecord>> = {
  pgbouncer: {
    rows: 13,
    withinTargets: 11,
    requestsPerSecError: { median: -0.0047, p10: -0.1043, p90: 0.1554 },
    p95Error: { median: 0.0379, p10: -0.1177, p90: 0.1497 },
    p99Error: { median: 0.0302, p10: -0.1218, p90: 0.1388 },
    shipped: { rows: 13, withinTargetsOwn: 11, withinTargets: 8 },
  },
  pool: {
    rows: 19,
    withinTargets: 8,
    requestsPerSecError: { median: 0.1824, p10: 0.0128, p90: 0.6956 },
    p95Error: { median: -0.1648, p10: -0.3905, p90: 0.3971 },
    p99Error: { median: -0.1617, p10: -0.4772, p90: 0.0263 },
    shipped: { rows: 19, withinTargetsOwn: 8, withinTargets: 5 },
  },
  uvicorn: {
    rows: 19,
    withinTargets: 10,
    requestsPerSecError: { median: 0.0945, p10: -0.1768, p90: 0.4607 },
    p95Error: { median: -0.185, p10: -0.4566, p90: 0.1608 },
    p99Error: { median: -0.1242, p10: -0.5541, p90: 0.7019 },
  },
  fleet: {
    rows: 10,
    withinTargets: 4,
    requestsPerSecError: { median: 0.1602, p10: -0.3744, p90: 0.2811 },
    p95Error: { median: -0.1826, p10: -0.6273, p90: -0.1205 },
    p99Error: { median: -0.2428, p10: -0.6914, p90: -0.0506 },
    shipped: { rows: 10, withinTargetsOwn: 4, withinTargets: 2 },
  },
  gthread: {
    rows: 42,
    withinTargets: 24,
    requestsPerSecError: { median: 0.063, p10: -0.144, p90: 0.2785 },
    p95Error: { median: -0.1102, p10: -0.2326, p90: 0.1502 },
    p99Error: { median: -0.1153, p10: -0.2626, p90: 0.1188 },
    shipped: { rows: 42, withinTargetsOwn: 24, withinTargets: 33 },
  },
  sync: {
    rows: 37,
    withinTargets: 21,
    requestsPerSecError: { median: 0.1211, p10: -0.0688, p90: 0.3802 },
    p95Error: { median: -0.1157, p10: -0.2692, p90: 0.0336 },
    p99Error: { median: -0.1246, p10: -0.2693, p90: 0.0327 },
    shipped: { rows: 37, withinTargetsOwn: 21, withinTargets: 22 },
  },
  noDatabase: {
    rows: 10,
    withinTargets: 1,
    requestsPerSecError: { median: 0.2925, p10: -0.4107, p90: 0.3764 },
    p95Error: { median: -0.5044, p10: -0.595, p90: -0.425 },
    p99Error: { median: -0.6768, p10: -0.7657, p90: -0.5317 },
    shipped: { rows: 10, withinTargetsOwn: 1, withinTargets: 5 },
  },
  storm: {
    rows: 112,
    withinTargets: 88,
    requestsPerSecError: { median: 0.0378, p10: -0.1462, p90: 0.1405 },
    p95Error: { median: -0.016, p10: -0.1243, p90: 0.1898 },
    p99Error: { median: -0.0174, p10: -0.1292, p90: 0.1986 },
    shipped: { rows: 97, withinTargetsOwn: 75, withinTargets: 56 },
  },
  waitingQuery: {
    rows: 335,
    withinTargets: 332,
    requestsPerSecError: { median: 0.0078, p10: -0.055, p90: 0.0561 },
    p95Error: { median: -0.0057, p10: -0.0602, p90: 0.0736 },
    p99Error: { median: -0.0062, p10: -0.0515, p90: 0.0818 },
    shipped: { rows: 279, withinTargetsOwn: 276, withinTargets: 275 },
  },
  oneWorker: {
    rows: 295,
    withinTargets: 223,
    requestsPerSecError: { median: -0.0061, p10: -0.1818, p90: 0.1285 },
    p95Error: { median: 0.0011, p10: -0.1407, p90: 0.1829 },
    p99Error: { median: -0.005, p10: -0.1464, p90: 0.179 },
    shipped: { rows: 255, withinTargetsOwn: 191, withinTargets: 172 },
  },
  severalWorkers: {
    rows: 4,
    withinTargets: 3,
    requestsPerSecError: { median: -0.0562, p10: -0.2116, p90: -0.0064 },
    p95Error: { median: 0.1235, p10: -0.0674, p90: 0.2278 },
    p99Error: { median: 0.1776, p10: 0.0182, p90: 0.2424 },
    shipped: { rows: 4, withinTargetsOwn: 3, withinTargets: 4 },
  },
};

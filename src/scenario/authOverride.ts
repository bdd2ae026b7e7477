// A connect's client CPU belongs to the authentication it was measured with: scram-sha-256's
// proof is PBKDF2 with 4096 iterations, md5's answer one hash, trust's nothing. A file that
// sets a dbConnect step's `cpu` (or `contendedCpu`, the threads' fight over the proof's
// HMACs) priced it for the file's own database.authMethod; when the command line switches
// the method and leaves that cost, the model charges the old method's client work at the new
// method's turns. The defaults follow the method (load.ts), so only a cost the file sets is
// the file's.
import { DEFAULT_AUTH_METHOD } from './databaseSchema.js';
import { formatPath } from './errors.js';
import type { Override } from './overrides.js';

/**
 * The warning for the file under `overrides`, or undefined. `readFile` gives the file as
 * parsed; it is called only when an override sets database.authMethod.
 */
export function authOverrideWarning(readFile: () => unknown, overrides: readonly Override[]): string | undefined {
  const set = (path: readonly (string | number)[]) => overrides.find((o) => formatPath(o.path) === formatPath(path));
  const auth = set(['database', 'authMethod']);
  if (auth === undefined) return undefined;
  const file = readFile() as { database?: { authMethod?: unknown }; app?: { steps?: unknown; endpoints?: unknown } } | null;
  const fileAuth = file?.database?.authMethod ?? DEFAULT_AUTH_METHOD;
  if (auth.value === fileAuth) return undefined;
  const priced: string[] = [];
  const look = (steps: unknown, at: (string | number)[]) => {
    if (!Array.isArray(steps)) return;
    steps.forEach((step, i) => {
      for (const key of ['cpu', 'contendedCpu'] as const) {
        const path = [...at, i, key];
        if (step?.kind === 'dbConnect' && step[key] !== undefined && set(path) === undefined) priced.push(formatPath(path));
      }
    });
  };
  look(file?.app?.steps, ['app', 'steps']);
  const endpoints = file?.app?.endpoints;
  if (Array.isArray(endpoints)) {
    endpoints.forEach((e, i) => {
      look(e?.steps, ['app', 'endpoints', i, 'steps']);
    });
  }
  if (priced.length === 0) return undefined;
  return (
    `${auth.source} switches database.authMethod from the file's ${String(fileAuth)}, but ${priced.join(', ')} ` +
    `${priced.length === 1 ? 'is' : 'are'} still the file's price of a ${String(fileAuth)} connect: set ${priced.length === 1 ? 'it' : 'them'} too ` +
    `(calibration/bench/make_scenario.py --auth writes a scenario measured for the method; docs/scenarios.md)`
  );
}

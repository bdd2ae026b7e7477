// `--set path=value`: changes one field of a scenario before validation, so an override
// is checked exactly like the file itself. The value is read as JSON when it parses
// (numbers, booleans, objects), else taken as a string ("250ms").
import { UserError } from './errors.js';

export function applyOverride(raw: unknown, expression: string): void {
  const eq = expression.indexOf('=');
  if (eq <= 0) {
    throw new UserError(`--set ${expression}: expected path=value, e.g. --set client.concurrency=101`);
  }
  const path = expression.slice(0, eq).trim();
  const text = expression.slice(eq + 1).trim();
  const keys = path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k));
  if (keys.some((k) => k === '')) throw new UserError(`--set ${expression}: "${path}" is not a field path such as server.workers`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = text;
  }
  if (raw === null || typeof raw !== 'object') throw new UserError(`--set ${expression}: the scenario is not a JSON object`);
  let node: any = raw;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i];
    if (node[k] === undefined) node[k] = typeof keys[i + 1] === 'number' ? [] : {};
    else if (node[k] === null || typeof node[k] !== 'object') {
      throw new UserError(`--set ${expression}: ${keys.slice(0, i + 1).join('.')} is not an object`);
    }
    node = node[k];
  }
  node[keys[keys.length - 1]] = value;
}

// The published JSON Schema of scenario files (scenarios/schema.json), generated from the
// zod schema so that editors check and complete files with the same rules `sim` applies.
import * as z from 'zod';
import { scenarioSchema } from './schema.js';
import { MAX_SECONDS } from './units.js';

/**
 * A field's own description replaces the one of its type, so a duration field would not
 * say what a duration may be: this is appended to each (issue 17: every bound explained
 * in its field's description).
 */
export const DURATION_NOTE =
  'A duration is seconds, or a string with a unit ("250ms"): 0, or from 1 us (the clock counts whole microseconds) to 1e9 s (31 years; anything longer is a typo).';

export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any', override: keepDefault }) as Record<string, unknown>;
  noteDurations(schema);
  return {
    ...schema,
    title: 'gunicorn-sim scenario',
    description: 'A load test to simulate: the hey client, the machine, gunicorn, the WSGI app and PostgreSQL.',
  };
}

/**
 * zod leaves out the default of a field whose type transforms its input (a duration: seconds
 * or a string with a unit) when it writes the input's schema; every default is a valid
 * input, so it goes back in, for editors and docs/scenario-reference.md.
 */
function keepDefault(ctx: { zodSchema: unknown; jsonSchema: Record<string, unknown> }): void {
  const def = (ctx.zodSchema as { _zod: { def: { type: string; defaultValue?: unknown } } })._zod.def;
  if (def.type === 'default' && ctx.jsonSchema.default === undefined) ctx.jsonSchema.default = def.defaultValue;
}

/** Whether a node may be a duration: seconds as a number, bounded as durations are. */
function isDuration(node: Record<string, any>): boolean {
  return (node.type === 'number' && node.maximum === MAX_SECONDS) || (node.anyOf ?? []).some(isDuration);
}

function noteDurations(node: unknown): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) noteDurations(n);
    return;
  }
  const n = node as Record<string, any>;
  if (typeof n.description === 'string' && n.anyOf !== undefined && isDuration(n) && !n.description.includes('to 1e9 s')) {
    n.description = `${n.description} ${DURATION_NOTE}`;
  }
  for (const value of Object.values(n)) noteDurations(value);
}

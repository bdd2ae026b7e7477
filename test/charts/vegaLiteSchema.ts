// Checks a spec the way Vega-Lite's own tools would: against the JSON Schema shipped in
// the vega-lite package, and by compiling it (with any warning counted as a failure).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { TopLevelSpec } from 'vega-lite';
import { compileSpec } from '../../src/charts/render.js';

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('vega-lite/vega-lite-schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
// Vega-Lite's own format for "#rgb", "#rgba", "#rrggbb" and "#rrggbbaa" colours.
ajv.addFormat('color-hex', /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i);
const validate = ajv.compile(schema);

/** Schema violations, as "path: message" lines; empty when the spec is valid. */
export function schemaErrors(spec: unknown): string[] {
  if (validate(spec)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`);
}

export async function compileWarnings(spec: TopLevelSpec): Promise<string[]> {
  return (await compileSpec(spec)).warnings;
}

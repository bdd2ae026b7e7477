// The published JSON Schema of scenario files (scenarios/schema.json), generated from the
// zod schema so that editors check and complete files with the same rules `sim` applies.
import * as z from 'zod';
import { scenarioSchema } from './schema.js';

export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'gunicorn-sim scenario',
    description: 'A load test to simulate: the hey client, the machine, gunicorn, the WSGI app and PostgreSQL.',
  };
}

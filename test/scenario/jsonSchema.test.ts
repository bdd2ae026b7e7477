// The published JSON Schema of scenario files (src/scenario/jsonSchema.ts): what editors and
// docs/scenario-reference.md read of each field.
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../src/scenario/jsonSchema.js';
import { MEASURED_COSTS } from '../../src/scenario/measuredCosts.js';

type Node = Record<string, any>;

const field = (path: string): Node => {
  let node: Node = scenarioJsonSchema();
  for (const key of path.split('.')) node = node.properties[key];
  return node;
};

describe('the scenario JSON Schema', () => {
  it('gives a duration field its default, which zod leaves out of an input that transforms', () => {
    // A duration is seconds or a string with a unit, parsed: the measured costs are defaults of such fields.
    expect(field('server.acceptCpu').default).toBe(MEASURED_COSTS.server.acceptCpu);
    expect(field('client.requestCpu').default).toBe(MEASURED_COSTS.client.requestCpu);
    expect(field('database.postmasterCpu').default).toBe(MEASURED_COSTS.database.postmasterCpu);
  });

  it('keeps the defaults zod writes itself, and none where a field has none', () => {
    expect(field('server.workers').default).toBe(1);
    expect(field('client.duration').default).toBeUndefined();
  });
});

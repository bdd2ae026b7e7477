// The measured costs as the schema's descriptions quote them.
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../src/scenario/jsonSchema.js';
import { inMs, MEASURED_COSTS as M } from '../../src/scenario/measuredCosts.js';

describe("the schema's descriptions", () => {
  const text = descriptions(scenarioJsonSchema()).join('\n');

  it('quote the measured costs from measuredCosts.ts, in milliseconds', () => {
    expect(inMs(0.0270236)).toBe(27.02);
    expect(inMs(0.000587)).toBe(0.587);
    const { 'scram-sha-256': scram, md5, trust } = M.connectCpu;
    expect(text).toContain(`scram-sha-256 ${inMs(scram)} ms, md5 ${inMs(md5)}, trust ${inMs(trust)}: src/scenario/measuredCosts.ts`);
    expect(text).toContain(`Default: as measured on Linux, ${inMs(M.uvicorn.threadpoolCpu)} ms (calibration/uvicorn.sh`);
    expect(text).toContain(`asyncpg computes scram-sha-256's proof in Python (measured: ${inMs(M.uvicorn.connectCpu)} ms`);
  });

  it("point to docs/validation.md for the kit's comparisons instead of quoting them", () => {
    const timeSlices = descriptions(scenarioJsonSchema()).find((d) => d.startsWith('With per-core run queues: how a core serves'))!;
    expect(timeSlices).toContain(
      '(docs/validation.md, "EEVDF\'s time slices", "A group\'s weight from PELT\'s load averages", "Who takes the core" and "The tail under EEVDF\'s pick", for the figures)',
    );
    expect(timeSlices).not.toMatch(/\d+(-\d+)? points/);
  });
});

/** Every description in a JSON Schema. */
function descriptions(node: unknown): string[] {
  if (node === null || typeof node !== 'object') return [];
  const own = typeof (node as { description?: unknown }).description === 'string' ? [(node as { description: string }).description] : [];
  return [...own, ...Object.values(node).flatMap(descriptions)];
}

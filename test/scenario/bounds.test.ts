// Issue 17, "What to build": bounds from reality for every field, in the schema (one
// place), each explained in its description. Checked on the published JSON Schema, which is
// what editors and the what-if page show.
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../src/scenario/jsonSchema.js';

type Node = Record<string, any>;

/** Every field of the schema, with the description it is published with. */
function fields(node: Node, path: string, out: { path: string; node: Node }[] = []): { path: string; node: Node }[] {
  for (const [key, child] of Object.entries<Node>(node.properties ?? {})) {
    out.push({ path: `${path}${key}`, node: child });
    visit(child, `${path}${key}`, out);
  }
  return out;
}
function visit(node: Node, path: string, out: { path: string; node: Node }[]): void {
  for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) visit(branch, path, out);
  if (node.items !== undefined) visit(node.items, `${path}[]`, out);
  if (node.additionalProperties !== undefined && typeof node.additionalProperties === 'object')
    visit(node.additionalProperties, `${path}.*`, out);
  if (node.properties !== undefined) fields(node, `${path}.`, out);
}
/** What an editor shows for a field: its own description, else its type's (a branch's). */
function shown(node: Node): string {
  return node.description ?? (node.anyOf ?? []).map(shown).find((d: string) => d !== '') ?? '';
}
/** The numeric types a field may take (itself, or a branch of anyOf). */
function numbers(node: Node): Node[] {
  const own = node.type === 'number' || node.type === 'integer' ? [node] : [];
  return [...own, ...(node.anyOf ?? []).flatMap(numbers)];
}

// Fields whose largest value is any safe integer: the seed (any seed is as good), and a
// cache step's `covers`, held to the length of its own list of steps (src/scenario/load.ts).
const UNBOUNDED_BY_DESIGN = /^(seed|app\.(endpoints\[\]\.)?steps\[\]\.covers)$/;

describe('the published schema', () => {
  const all = fields(scenarioJsonSchema(), '');

  it('bounds every number', () => {
    for (const { path, node } of all) {
      for (const n of numbers(node)) {
        expect(Number.isFinite(n.maximum ?? n.exclusiveMaximum), path).toBe(true);
        if (!UNBOUNDED_BY_DESIGN.test(path)) expect(n.maximum ?? n.exclusiveMaximum, path).toBeLessThan(Number.MAX_SAFE_INTEGER);
      }
    }
    expect(all.filter((f) => numbers(f.node).length > 0).length).toBeGreaterThan(60);
  });

  it("states the bound of every number in the field's description", () => {
    const unexplained = all
      .filter(({ path, node }) => numbers(node).length > 0 && !UNBOUNDED_BY_DESIGN.test(path))
      // A fraction, a status code: the range is the field's meaning.
      .filter(({ node }) => !/Fraction|HTTP status/.test(shown(node)))
      .filter(({ node }) => !/at most|<=|less than|to 1e9 s/i.test(shown(node)))
      .map(({ path }) => path);
    expect(unexplained).toEqual([]);
  });
});

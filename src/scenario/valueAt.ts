// Reading a field of a scenario (as parsed, or validated) by its path, e.g.
// ["app", "steps", 0, "time"]: what --set would change, what a message is about, what a
// control shows. Own properties only: a path from the user's file or a --set may say
// "__proto__" or "constructor", which must not reach Object.prototype.

/** The value at `path` in `root`, or undefined where the path leaves the objects. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

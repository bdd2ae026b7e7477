// Durations in scenario files: seconds as a number (gunicorn's and hey's unit), or a
// string with a unit ("250ms", "2s", "150us") for readability.
const UNITS: Record<string, number> = { us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, min: 60, h: 3600 };

/**
 * From a string, not a literal: the CLI's bundle is ASCII (scripts/bundle.mjs), where a
 * literal's µ would become \u00b5 in the pattern that the JSON Schema publishes.
 */
// biome-ignore lint/complexity/useRegexLiterals: a literal would publish \u00b5 (above)
export const DURATION_PATTERN = new RegExp('^\\s*(\\d+(?:\\.\\d+)?|\\.\\d+)\\s*(us|µs|ms|s|m|min|h)\\s*$');

/** Seconds for a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_PATTERN.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * UNITS[m[2]];
}

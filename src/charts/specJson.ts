// The text of a .vl.json file: indented where that helps a person restyle the chart, one
// line per data row where indenting every field would make the file ten times longer.
import stringify from 'json-stringify-pretty-compact';
import type { TopLevelSpec } from 'vega-lite';

export function specJson(spec: TopLevelSpec): string {
  return `${stringify(spec, { maxLength: 120 })}\n`;
}

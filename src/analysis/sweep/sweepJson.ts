// The sweep as JSON: the bytes of JSON.stringify(out, null, 2) and a newline, in pieces of
// one point each. As one string, the JSON of a large sweep (a few kB a point) passed V8's
// longest string at a few hundred thousand points, and the sweep, run to its end, failed
// there.
import type { SweepOutput } from './sweep.js';

export function* sweepJson(out: SweepOutput): Generator<string> {
  const last = out.points.length - 1;
  if (last < 0) {
    yield `${JSON.stringify(out, null, 2)}\n`;
    return;
  }
  // The output with its points replaced by a marker, split at the marker. The top-level key
  // is the only one two spaces in after a line break: a string's line breaks are escaped.
  const marker = '\n  "points": "\\u0000"';
  const text = JSON.stringify({ ...out, points: '\u0000' }, null, 2);
  const at = text.indexOf(marker);
  yield `${text.slice(0, at)}\n  "points": [\n`;
  for (let i = 0; i <= last; i++) {
    yield `    ${JSON.stringify(out.points[i], null, 2).replace(/\n/g, '\n    ')}${i < last ? ',' : ''}\n`;
  }
  yield `  ]${text.slice(at + marker.length)}\n`;
}

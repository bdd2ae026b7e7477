// The line `sim run --sensitivity` adds to the text report, after the simulation's own
// sections: the costs the prediction hangs on, with the figures at -50 % and +50 %.
import { sig } from '../analysis/format.js';
import type { Sensitivity, SensitivityFigures } from '../analysis/calibration/sensitivity.js';

export function sensitivityText(s: Sensitivity): string {
  const pct = (x: number) => `${Math.round(100 * x)} %`;
  const settings = s.settings.map(
    (x) => `${x.path} (assumed ${x.assumed}; ${x.alternatives.map((a) => `${a.value}: ${figuresOf(a.figures)}`).join('; ')})`,
  );
  if (s.sensitive.length === 0 && settings.length === 0) {
    const moved = `moved ${s.moved.length} cost${s.moved.length === 1 ? '' : 's'} by ±${pct(s.change)}`;
    const measured = s.measured.length > 0 ? `; ${s.measured.length} measured, not moved` : '';
    return `\nSensitive to: nothing beyond ${pct(s.threshold)} (${moved}${measured})\n`;
  }
  const items = s.sensitive.map(
    (c) => `${c.path} (${c.fitted ? 'fitted; ' : ''}-${pct(s.change)}: ${figuresOf(c.low)}; +${pct(s.change)}: ${figuresOf(c.high)})`,
  );
  return `\nSensitive to: ${[...items, ...settings].join(', ')}\n`;
}

function figuresOf(f: SensitivityFigures): string {
  return `${sig(f.requestsPerSec)} req/s, ${f.status500} x 500`;
}

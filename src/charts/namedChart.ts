// A chart as the outputs carry it (files, the HTML report, the what-if page): a run's
// charts and a sweep's alike.
import type { TopLevelSpec } from 'vega-lite';

export interface NamedChart {
  /** File name stem: NAME.vl.json, NAME.svg, NAME.png. */
  name: string;
  /** Heading in the HTML report. */
  title: string;
  spec: TopLevelSpec;
}

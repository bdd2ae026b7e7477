// What every chart shares: the schema it declares, its size, fonts, and the colours of
// outcomes, so a 5xx is the same red in the timeline, the status bars and the sweeps.
import type { Config, TopLevelSpec } from 'vega-lite';

/** The Vega-Lite major version the specs are written for (the package's own schema). */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Plot width in pixels: wide enough for a timeline of 240 buckets, narrow enough for a doc page. */
export const WIDTH = 640;
export const PANEL_HEIGHT = 150;

/**
 * What a browser draws the SVG and the HTML report's charts in: Arial or a face with its
 * metrics, as the report page's own text (htmlReport.ts). The PNG ignores it: resvg draws
 * all text in the packaged DejaVu Sans (render.ts). Putting DejaVu Sans first would not
 * make a browser match the PNG where it is not installed (most machines but Linux), and
 * would set the charts apart from the page. In the SVG file the face moves nothing: Vega
 * has no canvas in Node and places text by its own estimate of widths, not by any font.
 */
const FONT = 'Liberation Sans, Arial, Helvetica, DejaVu Sans, sans-serif';

export const CONFIG: Config = {
  font: FONT,
  background: 'white',
  padding: 8,
  title: { anchor: 'start', fontSize: 15, subtitleFontSize: 12, subtitleColor: '#555' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
  view: { stroke: '#ddd' },
};

/** How a request ended, as the charts group them. */
export const OUTCOMES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'errors'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_LABEL: Record<Outcome, string> = {
  '1xx': '1xx',
  '2xx': '2xx',
  '3xx': '3xx',
  '4xx': '4xx',
  '5xx': '5xx',
  errors: 'errors (no response)',
};

export const OUTCOME_COLOR: Record<Outcome, string> = {
  '1xx': '#9ecae9',
  '2xx': '#4c9a2a',
  '3xx': '#4c78a8',
  '4xx': '#f58518',
  '5xx': '#d62728',
  errors: '#7f7f7f',
};

/** The outcome class of an HTTP status code. */
export function outcomeOf(status: number): Outcome {
  return OUTCOMES[Math.min(4, Math.max(0, Math.floor(status / 100) - 1))];
}

/** Rounds for the inline data: sub-microsecond digits are noise and only grow the files. */
export function round(x: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A view inside a concatenation (a panel), typed by Vega-Lite's own public spec type. */
export type Panel = Extract<TopLevelSpec, { vconcat: unknown }>['vconcat'][number];

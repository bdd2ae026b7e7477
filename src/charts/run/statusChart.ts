// How the requests ended: one bar per status code and per transport error (hey's
// "Status code distribution" and "Error distribution"), coloured by outcome class, with
// the server-side exceptions that caused the 5xx named under the title.
import type { TopLevelSpec } from 'vega-lite';
import type { RunSummary } from '../../report/summary.js';
import { runLabel } from './runLabel.js';
import { CONFIG, OUTCOME_COLOR, OUTCOME_LABEL, OUTCOMES, outcomeOf, VEGA_LITE_SCHEMA, WIDTH } from '../style.js';

const BAR_HEIGHT = 28;

export function statusChart(summary: RunSummary): TopLevelSpec {
  const rows = [
    ...Object.entries(summary.statusCodes).map(([code, count]) => ({
      ending: `HTTP ${code}`,
      outcome: OUTCOME_LABEL[outcomeOf(Number(code))],
      count,
    })),
    ...Object.entries(summary.errors).map(([message, count]) => ({
      ending: `error: ${message}`,
      outcome: OUTCOME_LABEL.errors,
      count,
    })),
  ];
  const unfinished = summary.simulation.unfinished;
  if (unfinished > 0) rows.push({ ending: 'unfinished (run stopped)', outcome: 'unfinished', count: unfinished });
  const most = Math.max(1, ...rows.map((r) => r.count));
  const present = OUTCOMES.filter((o) => rows.some((r) => r.outcome === OUTCOME_LABEL[o]));
  // The axis cuts long labels; the subtitle keeps every message whole, as hey prints them.
  const errors = Object.entries(summary.errors).map(([e, n]) => `[${n}] error: ${e}`);
  const exceptions = Object.entries(summary.simulation.exceptions).map(([e, n]) => `[${n}] gunicorn logged: ${e}`);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: 'Status codes and errors', subtitle: [runLabel(summary), ...errors, ...exceptions] },
    config: CONFIG,
    width: WIDTH,
    height: { step: BAR_HEIGHT },
    data: { values: rows },
    encoding: {
      y: { field: 'ending', type: 'nominal', sort: null, title: null, axis: { labelLimit: 360 } },
      // Headroom on the right for the count printed after the longest bar.
      x: {
        field: 'count',
        type: 'quantitative',
        title: 'requests',
        scale: { domain: [0, Math.ceil(most * 1.08)], nice: false },
        axis: { tickMinStep: 1 },
      },
    },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          color: {
            field: 'outcome',
            type: 'nominal',
            legend: null, // the bars are named; colour only groups them
            scale: {
              domain: [...present.map((o) => OUTCOME_LABEL[o]), ...(unfinished > 0 ? ['unfinished'] : [])],
              range: [...present.map((o) => OUTCOME_COLOR[o]), ...(unfinished > 0 ? ['#bbbbbb'] : [])],
            },
          },
          tooltip: [
            { field: 'ending', type: 'nominal', title: 'ended as' },
            { field: 'count', type: 'quantitative', title: 'requests' },
          ],
        },
      },
      { mark: { type: 'text', align: 'left', dx: 4, baseline: 'middle' }, encoding: { text: { field: 'count', type: 'quantitative' } } },
    ],
  };
}

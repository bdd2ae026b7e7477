// The response-time histogram that hey prints, as bars, with hey's percentiles drawn as
// rules and labelled in a staircase above the bars so that close percentiles (p90, p95,
// p99 of a sharp peak) stay readable.
//
// hey's bucket i counts the responses slower than mark i-1 and at most mark i, so bar i
// spans (mark[i-1], mark[i]]; bucket 0 holds the responses exactly as fast as the
// fastest and is drawn as a sliver ending at it.
import type { TopLevelSpec } from 'vega-lite';
import type { RunSummary } from '../../report/summary.js';
import { runLabel } from './runLabel.js';
import { CONFIG, round, VEGA_LITE_SCHEMA, WIDTH } from '../style.js';

const HEIGHT = 240;
/** Height of a label row of the staircase, as a fraction of the tallest bar. */
const ROW = 0.11;

export function latencyChart(summary: RunSummary): TopLevelSpec {
  const title = {
    text: 'Response time histogram',
    subtitle: [runLabel(summary), "hey's 11 buckets from fastest to slowest; rules at hey's percentiles"],
  };
  const histogram = summary.histogram;
  if (histogram.length === 0) return noResponses(title);

  const marks = histogram.map((b) => b.mark);
  const step = marks.length > 1 ? marks[1] - marks[0] : 0;
  // When every response took the same time the buckets have no width: give the bar one.
  const sliver = step > 0 ? step / 10 : Math.max(marks[0] * 0.01, 1e-4);
  const bars = histogram.map((b, i) => ({
    from: round(i === 0 ? b.mark - sliver : marks[i - 1]),
    to: round(step > 0 || i === 0 ? b.mark : b.mark + sliver),
    mark: round(b.mark, 4),
    responses: b.count,
  }));
  const tallest = Math.max(1, ...histogram.map((b) => b.count));
  const percentiles = Object.entries(summary.latency).filter((e): e is [string, number] => e[1] !== null);
  // Labels left of the middle read rightwards from their rule, those right of it
  // leftwards; each side's staircase puts the label nearest the middle lowest, so no label
  // crosses a neighbour's rule (a rule rises only to its own label).
  const middle = (marks[0] + marks[marks.length - 1]) / 2;
  const left = percentiles.filter(([, v]) => v <= middle);
  const right = percentiles.filter(([, v]) => v > middle).reverse();
  const rows = Math.max(left.length, right.length);
  const rules = [...left.map((p, row) => rule(p, row, 'left' as const)), ...right.map((p, row) => rule(p, row, 'right' as const))];
  function rule([key, seconds]: [string, number], row: number, side: 'left' | 'right') {
    return {
      percentile: key,
      seconds: round(seconds),
      label: `${key} ${seconds.toFixed(4)} s`,
      labelAt: round(tallest * (1 + ROW * (rows - row)), 3),
      side,
    };
  }
  const x = { type: 'quantitative' as const, title: 'Response time (s)', scale: { zero: false, nice: false } };
  const top = Math.ceil(tallest * (1 + ROW * (rows + 1)));
  const y = { type: 'quantitative' as const, title: 'responses', scale: { domain: [0, top] }, axis: { tickMinStep: 1 } };
  const label = (side: 'left' | 'right') => ({
    transform: [{ filter: { field: 'side', equal: side } }],
    mark: {
      type: 'text' as const,
      align: side,
      dx: side === 'left' ? 3 : -3,
      baseline: 'middle' as const,
      fontSize: 11,
      color: '#222',
    },
    encoding: { x: { field: 'seconds', ...x }, y: { field: 'labelAt', ...y }, text: { field: 'label' } },
  });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    config: CONFIG,
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: bars },
        mark: { type: 'bar', color: '#4c78a8', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'from', ...x },
          x2: { field: 'to' },
          y: { field: 'responses', ...y },
          y2: { datum: 0 },
          tooltip: [
            { field: 'from', type: 'quantitative', title: 'slower than (s)' },
            { field: 'to', type: 'quantitative', title: 'at most (s)' },
            { field: 'responses', type: 'quantitative' },
          ],
        },
      },
      {
        data: { values: rules },
        layer: [
          {
            mark: { type: 'rule', color: '#222', strokeDash: [4, 3] },
            encoding: { x: { field: 'seconds', ...x }, y: { field: 'labelAt', ...y }, y2: { datum: 0 } },
          },
          label('left'),
          label('right'),
        ],
      },
    ],
  };
}

function noResponses(title: { text: string; subtitle: string[] }): TopLevelSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    config: CONFIG,
    width: WIDTH,
    height: HEIGHT,
    data: { values: [{ message: 'No responses: every request ended in an error' }] },
    mark: { type: 'text', fontSize: 14, color: '#555' },
    encoding: { text: { field: 'message' } },
  };
}

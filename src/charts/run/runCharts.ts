// The charts of one run, in the order a reader wants them: what happened over time,
// how long responses took, how requests ended. Each has a file name and a title.
import type { RunSummary } from '../../report/summary.js';
import type { NamedChart } from '../namedChart.js';
import type { TimelineData } from '../../stats/timeline.js';
import { latencyChart } from './latencyChart.js';
import { statusChart } from './statusChart.js';
import { timelineChart } from './timelineChart.js';
import { goodputChart } from './goodputChart.js';

export function runCharts(summary: RunSummary, timeline: TimelineData): NamedChart[] {
  return [
    { name: 'timeline', title: 'Requests over time', spec: timelineChart({ summary, timeline }) },
    { name: 'latency', title: 'Response time histogram', spec: latencyChart(summary) },
    { name: 'status', title: 'Status codes and errors', spec: statusChart(summary) },
    ...(summary.incident !== undefined && timeline.count.attempts !== undefined
      ? [{ name: 'goodput', title: 'Goodput over time', spec: goodputChart(summary, timeline) }]
      : []),
  ];
}

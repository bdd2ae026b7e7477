// The results column: hey's headline figures (Requests/sec, the status codes, errors,
// latency), the run's charts, the sweep around the point, and hey's whole report. Each
// figure carries its exact value in data-value, so a test can compare it with sim run's
// JSON digit for digit.
import type { NamedChart } from '../../charts/namedChart.js';
import { outcomeOf } from '../../charts/style.js';
import type { RunSummary } from '../../report/summary.js';
import { ChartSlot } from './chartSlot.js';

export class ResultsView {
  private readonly slots = new Map<string, ChartSlot>();

  constructor(
    private readonly figures: HTMLElement,
    private readonly warnings: HTMLElement,
    private readonly report: HTMLElement,
    chartElements: Iterable<HTMLElement>,
  ) {
    for (const el of chartElements) this.slots.set(el.id.replace(/^chart-/, ''), new ChartSlot(el));
  }

  /** Shows a run; resolves once its charts are drawn. */
  async showRun(summary: RunSummary, text: string, charts: NamedChart[]): Promise<void> {
    this.showFigures(summary);
    this.warnings.replaceChildren(...runWarnings(summary).map((w) => listItem(w)));
    this.report.textContent = text;
    await Promise.all(charts.map((c) => this.slots.get(c.name)?.draw(c.spec)));
  }

  /** Shows the sweep's charts, or why there are none. */
  async showSweep(charts: NamedChart[], note: string): Promise<void> {
    if (charts.length === 0) {
      this.slots.get('sweep-throughput')?.note(note);
      this.slots.get('sweep-latency')?.clear();
      return;
    }
    await Promise.all(charts.map((c) => this.slots.get(c.name)?.draw(c.spec)));
  }

  private showFigures(s: RunSummary): void {
    const f4 = (x: number | null) => (x === null ? '–' : x.toFixed(4));
    const items = [
      figure('requestsPerSec', 'Requests/sec', s.summary.requestsPerSec, f4(s.summary.requestsPerSec), 'headline'),
      ...Object.entries(s.statusCodes).map(([code, n]) => {
        const item = figure(`status-${code}`, `[${code}] responses`, n, String(n), `s${outcomeOf(Number(code))}`);
        item.dataset.status = code;
        return item;
      }),
      figure('errors', 'errors (no response)', s.summary.errors, String(s.summary.errors), s.summary.errors > 0 ? 'errors' : ''),
      figure('total', 'Total (s)', s.summary.total, f4(s.summary.total)),
      figure('p50', 'p50 (s)', s.latency.p50, f4(s.latency.p50)),
      figure('p99', 'p99 (s)', s.latency.p99, f4(s.latency.p99)),
    ];
    const db = s.simulation.database;
    if (db !== null) items.push(figure('dbPeakOpen', 'PostgreSQL peak', db.peakOpen, `${db.peakOpen} of ${db.maxConnections}`));
    this.figures.replaceChildren(...items);
  }
}

function figure(name: string, label: string, value: number | null, shown: string, className = ''): HTMLElement {
  const div = document.createElement('div');
  div.className = `figure ${className}`.trim();
  div.dataset.figure = name;
  div.dataset.value = value === null ? '' : String(value);
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  dd.textContent = shown;
  div.append(dt, dd);
  return div;
}

/** What a reader must not miss: a partial run, and the report's own warnings. */
function runWarnings(s: RunSummary): string[] {
  const out = [...s.simulation.warnings];
  if (!s.simulation.complete)
    out.unshift(`PARTIAL run: stopped after ${s.simulation.events} events with ${s.simulation.unfinished} requests unfinished`);
  return out;
}

function listItem(text: string): HTMLLIElement {
  const li = document.createElement('li');
  li.textContent = text;
  return li;
}

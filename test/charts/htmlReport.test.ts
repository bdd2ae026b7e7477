import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { htmlReport } from '../../src/charts/htmlReport.js';
import { runCharts } from '../../src/charts/run/runCharts.js';
import { scenarioRun } from './fixtures.js';

const { summary, timeline } = scenarioRun('gevent-125');
const charts = runCharts(summary, timeline);
const scripts = [
  { name: 'vega', source: 'window.vega = {};\n//# sourceMappingURL=vega.min.js.map' },
  { name: 'vega-lite', source: 'window.vegaLite = {};' },
  { name: 'vega-embed', source: 'window.vegaEmbed = () => Promise.resolve();' },
];

/** The text of the <script type="application/json"> element with this id. */
function specText(html: string, id: string): string {
  const m = new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`).exec(html);
  return m![1];
}

describe('the HTML report', () => {
  const html = htmlReport({ title: 'gevent-125 (seed 1)', text: 'Summary:\n  Requests/sec:\t104.9626\n', charts, scripts });

  it('holds every chart, with its spec inline and intact', () => {
    for (const c of charts) {
      expect(html).toContain(`<div class="chart" id="chart-${c.name}" data-spec="spec-${c.name}"`);
      expect(JSON.parse(specText(html, `spec-${c.name}`))).toEqual(c.spec);
    }
  });

  it('needs nothing from the network: scripts inline, in order, no source maps', () => {
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link/);
    expect(html).not.toContain('sourceMappingURL');
    const at = scripts.map((s) => html.indexOf(s.source.split('\n')[0]));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(html.indexOf('vegaEmbed(el')).toBeGreaterThan(at[2]);
  });

  it("shows hey's report as text", () => {
    expect(html).toContain('<pre class="report">Summary:\n  Requests/sec:\t104.9626\n</pre>');
  });

  it('cannot be broken out of by names or data', () => {
    const evil = '</script><script>alert(1)</script>';
    const spec = { ...charts[2].spec, description: evil } as TopLevelSpec;
    const page = htmlReport({ title: evil, text: evil, charts: [{ name: 'status', title: evil, spec }], scripts });
    expect(page).not.toContain('<script>alert(1)');
    expect(JSON.parse(specText(page, 'spec-status')).description).toBe(evil);
  });

  it('refuses a script that would end its own element', () => {
    expect(() => htmlReport({ title: 't', text: '', charts, scripts: [{ name: 'bad', source: 'x = "</script>"' }] })).toThrow(
      /cannot be inlined/,
    );
  });
});

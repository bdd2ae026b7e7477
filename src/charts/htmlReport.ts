// One self-contained HTML page: the text report and every chart, drawn in the browser by
// vega-embed (so a reader can hover for values and export). The Vega scripts are given
// by the caller and inlined, so the page works offline and from any folder.
import type { NamedChart } from './namedChart.js';

export interface ScriptSource {
  /** e.g. "vega 6.4.0", written in a comment above the script. */
  name: string;
  source: string;
}

export interface HtmlReportInput {
  title: string;
  /** Preformatted text shown before the charts (hey's report); may be empty. */
  text: string;
  charts: NamedChart[];
  /** vega, vega-lite and vega-embed, in that order (each needs the ones before it). */
  scripts: ScriptSource[];
}

export function htmlReport({ title, text, charts, scripts }: HtmlReportInput): string {
  const out: string[] = [];
  out.push('<!doctype html>');
  out.push('<html lang="en">');
  out.push('<head>');
  out.push('<meta charset="utf-8">');
  out.push(`<title>${escapeHtml(title)}</title>`);
  out.push(`<style>${STYLE}</style>`);
  out.push('</head>');
  out.push('<body>');
  out.push(`<h1>${escapeHtml(title)}</h1>`);
  if (text !== '') out.push('<h2>Report</h2>', `<pre class="report">${escapeHtml(text)}</pre>`);
  // Each chart carries its own title; the heading only marks where the charts start.
  out.push('<h2>Charts</h2>');
  for (const c of charts) {
    out.push(`<div class="chart" id="chart-${c.name}" data-spec="spec-${c.name}" title="${escapeHtml(c.title)}"></div>`);
    out.push(`<script type="application/json" id="spec-${c.name}">${scriptSafeJson(c.spec)}</script>`);
  }
  out.push('<p class="note">Simulated by gunicorn-sim. Hover over a chart for values; its menu exports it as SVG or PNG.</p>');
  for (const s of scripts) out.push(`<script>/* ${escapeHtml(s.name)} */\n${scriptSafe(s.source, s.name)}\n</script>`);
  out.push(`<script>${EMBED}</script>`);
  out.push('</body>');
  out.push('</html>');
  return `${out.join('\n')}\n`;
}

const STYLE = [
  'body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #222; }',
  'pre.report { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 13px; }',
  '.chart { margin: 1em 0 2.5em; }',
  '.chart.failed { color: #b00; }',
  '.note { color: #666; font-size: 90%; }',
].join('\n');

// Draws each chart from the JSON beside it; a chart that fails says so on the page (and in
// the console) instead of leaving an empty space.
const EMBED = `
for (const el of document.querySelectorAll('div.chart')) {
  const spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
  vegaEmbed(el, spec, { renderer: 'svg', actions: { export: true, source: true, compiled: false, editor: false } })
    .catch((e) => { el.classList.add('failed'); el.textContent = 'This chart could not be drawn: ' + e.message; console.error(e); });
}
`;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON that cannot end its <script> element early: every "<" is written as \u003c. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * A script's source, refused if it would end or comment out its <script> element. Its
 * source-map comment goes: the map is not beside the page, and a browser's developer
 * tools would try to fetch it.
 */
function scriptSafe(source: string, name: string): string {
  if (/<\/script|<!--/i.test(source)) throw new Error(`${name}: its source contains "</script" or "<!--" and cannot be inlined`);
  return source.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '');
}

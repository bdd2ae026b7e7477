// The structural comparisons of the example charts: what a library update or another font
// changes passes, what a change in the data or the words changes fails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { geometryDifference, htmlStructure, specStructure, svgStructure, textsDifference } from './structure.js';

const spec = JSON.parse(readFileSync('plots/gevent-100/latency.vl.json', 'utf8'));
const svg = readFileSync('plots/gevent-100/latency.svg', 'utf8');
const html = readFileSync('plots/gevent-100/report.html', 'utf8');

describe("a spec's structure", () => {
  it("ignores the schema's version and the styling", () => {
    const restyled = { ...spec, $schema: 'https://vega.github.io/schema/vega-lite/v7.json', config: { font: 'Inter' }, padding: 4 };
    expect(specStructure(restyled)).toEqual(specStructure(spec));
  });

  it('changes with one datum, a mark, an encoding or a title', () => {
    const base = specStructure(spec);
    const datum = structuredClone(spec);
    datum.layer[0].data.values[0].responses += 1;
    const mark = structuredClone(spec);
    mark.layer[0].mark = 'point';
    const encoding = structuredClone(spec);
    encoding.layer[0].encoding.y.field = 'other';
    const title = structuredClone(spec);
    title.title.subtitle[0] += '!';
    for (const changed of [datum, mark, encoding, title]) expect(specStructure(changed)).not.toEqual(base);
  });
});

describe("an SVG's structure", () => {
  const base = svgStructure(svg);

  it('finds the data marks, their items and the words', () => {
    const data = base.marks.filter((m) => m.mark.includes(' role-mark'));
    expect(data.map((m) => m.mark)).toContain('rect role-mark');
    expect(base.geometry.length).toBe(data.reduce((n, m) => n + m.items, 0));
    expect(base.texts).toContain('Response time histogram');
  });

  it('ignores fonts: other font names, and labels and axes moved by their width', () => {
    const otherFont = svg
      .replace(/font-family="[^"]*"/g, 'font-family="DejaVu Sans"')
      .replace(/<svg([^>]*) width="712" height="336"/, '<svg$1 width="730" height="340"')
      .replace(/(<g class="mark-text role-axis-label"[^>]*><text[^>]*transform="translate\()([\d.]+)/, (_, a, x) => `${a}${Number(x) + 3}`);
    expect(otherFont).not.toBe(svg);
    const s = svgStructure(otherFont);
    expect(s.marks).toEqual(base.marks);
    expect(textsDifference(s.texts, base.texts)).toBeUndefined();
    expect(geometryDifference(s.geometry, base.geometry)).toBeUndefined();
  });

  it('changes when a bar is a pixel taller or a label says something else', () => {
    const taller = svg.replace(/(role-mark[^>]*><path[^>]*d="M0,)([\d.]+)/, (_, a, y) => `${a}${Number(y) - 1}`);
    expect(taller).not.toBe(svg);
    expect(geometryDifference(svgStructure(taller).geometry, base.geometry)).toBeDefined();
    const relabelled = svg.replace('>Response time histogram<', '>Latency histogram<');
    expect(textsDifference(svgStructure(relabelled).texts, base.texts)).toBeDefined();
  });

  it('takes a label cut to its limit for any text it begins, and only for those', () => {
    expect(textsDifference(['connecting or waiting for a thre…'], ['connecting or waiting for a thread'])).toBeUndefined();
    expect(textsDifference(['connecting or waiting for a thread'], ['connecting or wait…'])).toBeUndefined();
    expect(textsDifference(['connecting or waiting for a thre…'], ['connecting to PostgreSQL'])).toBeDefined();
    expect(textsDifference(['0.1', '0.2'], ['0.1'])).toBeDefined();
  });
});

describe("a report page's structure", () => {
  const base = htmlStructure(html);

  it('holds the report, every chart and the scripts, without their code or version', () => {
    expect(base.report).toContain('Requests/sec:');
    expect(base.charts.map((c) => c.name)).toEqual(['timeline', 'latency', 'status']);
    const updated = html.replace('/* vega 6.4.0 (vega.min.js) */\n', '/* vega 6.5.0 (vega.min.js) */\nvar updated = 1;');
    expect(updated).not.toBe(html);
    expect(htmlStructure(updated)).toEqual(base);
  });

  it("changes with one figure of the report or one datum of a chart's spec", () => {
    expect(htmlStructure(html.replace(/Requests\/sec:\t[\d.]+/, 'Requests/sec:\t1.0000'))).not.toEqual(base);
    const datum = html.replace(/("responses":)(\d+)/, (_, a, n) => `${a}${Number(n) + 1}`);
    expect(datum).not.toBe(html);
    expect(htmlStructure(datum)).not.toEqual(base);
  });
});

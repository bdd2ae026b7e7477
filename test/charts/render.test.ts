import { describe, expect, it, vi } from 'vitest';

// Rendering takes seconds on a busy machine; no test here is about how long it takes.
vi.setConfig({ testTimeout: 300_000 });
import { PNG } from 'pngjs';
import { PNG_SCALE, renderPng, renderSvg } from '../../src/charts/render.js';
import { runCharts } from '../../src/charts/run/runCharts.js';
import { OUTCOME_COLOR } from '../../src/charts/style.js';
import { scenarioRun } from './fixtures.js';

const { summary, timeline } = scenarioRun('gevent-125');
const charts = runCharts(summary, timeline);

function svgSize(svg: string): { width: number; height: number } {
  const m = /^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"\s+height="(\d+(?:\.\d+)?)"/.exec(svg)!;
  return { width: Number(m[1]), height: Number(m[2]) };
}

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

describe.each(charts)('the $name chart, rendered', ({ spec }) => {
  it('is byte-identical SVG every time (no fonts or clocks involved)', async () => {
    expect(await renderSvg(spec)).toBe(await renderSvg(spec));
  });

  it('is an SVG with marks in it', async () => {
    const svg = await renderSvg(spec);
    expect(svg).toMatch(/^<svg /);
    expect(svg).toMatch(/class="mark-(rect|area|line|rule|text)/);
    expect(svg).toContain((spec as any).title.text);
  });

  it('is a PNG of twice the SVG size, white around, with the chart drawn in it', async () => {
    const svg = await renderSvg(spec);
    const png = PNG.sync.read(await renderPng(svg));
    const { width, height } = svgSize(svg);
    expect(png.width).toBe(Math.round(width * PNG_SCALE));
    expect(png.height).toBe(Math.round(height * PNG_SCALE));
    let inked = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i] < 200 || png.data[i + 1] < 200 || png.data[i + 2] < 200) inked++;
    const share = inked / (png.width * png.height);
    expect(share).toBeGreaterThan(0.02); // not blank
    expect(share).toBeLessThan(0.9); // not a solid block
    expect([...png.data.subarray(0, 4)]).toEqual([255, 255, 255, 255]); // white background
  });
});

describe('colours survive into the PNG', () => {
  it('the 500s are drawn in the 5xx red', async () => {
    const status = charts.find((c) => c.name === 'status')!;
    const png = PNG.sync.read(await renderPng(await renderSvg(status.spec)));
    const [r, g, b] = rgb(OUTCOME_COLOR['5xx']);
    let red = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === r && png.data[i + 1] === g && png.data[i + 2] === b) red++;
    expect(red).toBeGreaterThan(1000);
  });
});

describe('text in the PNG', () => {
  it('is drawn: a font was found for the labels', async () => {
    const svg = await renderSvg(charts.find((c) => c.name === 'latency')!.spec);
    const ink = (png: Buffer) => {
      const { data } = PNG.sync.read(png);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] < 128) n++;
      return n;
    };
    const withoutText = svg.replace(/<text[^>]*>[^<]*<\/text>/g, '');
    expect(withoutText).not.toBe(svg);
    expect(ink(await renderPng(svg))).toBeGreaterThan(ink(await renderPng(withoutText)) + 2000);
  });
});

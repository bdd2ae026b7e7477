// Turns a Vega-Lite spec into pictures, headlessly and without a browser: Vega's own
// SVG renderer (deterministic: no canvas, so text is measured by Vega's estimate, never
// by the machine's fonts), then resvg for a PNG (which does draw text with the
// machine's fonts, so PNG bytes may differ between machines; the SVG does not).
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Pixels per SVG unit in the PNG: sharp on high-density screens and in printed docs. */
export const PNG_SCALE = 2;

/** The Vega spec of a Vega-Lite spec, with the warnings Vega-Lite gave while compiling it. */
export function compileSpec(spec: TopLevelSpec): { vega: vega.Spec; warnings: string[] } {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...m: unknown[]) => {
      throw new Error(`vega-lite: ${m.join(' ')}`);
    },
    warn: (...m: unknown[]) => (warnings.push(m.join(' ')), logger),
    info: () => logger,
    debug: () => logger,
  };
  return { vega: compile(spec, { logger: logger as never }).spec as vega.Spec, warnings };
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compileSpec(spec).vega), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function renderPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: PNG_SCALE },
    background: 'white',
    font: { loadSystemFonts: true, sansSerifFamily: 'DejaVu Sans' },
    logLevel: 'off',
  });
  return resvg.render().asPng();
}

// Turns a Vega-Lite spec into pictures, headlessly and without a browser: Vega's own
// SVG renderer (deterministic: no canvas, so text is measured by Vega's estimate, never
// by the machine's fonts), then resvg for a PNG. resvg draws the text with glyphs, so it
// is given DejaVu Sans from an npm package (dejavu-fonts-ttf, pinned) and never the
// machine's fonts: whichever family the SVG asks for, the PNG's bytes are the same on
// every machine, as the SVG's are.
//
// Vega, Vega-Lite and resvg are loaded on first use (a quarter of a second), the font
// files found then too: a run without --plot never pays for them.
import { createRequire } from 'node:module';
import type * as Vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { lazyImport } from '../lazyImport.js';

/** Pixels per SVG unit in the PNG: sharp on high-density screens and in printed docs. */
export const PNG_SCALE = 2;

/** The one family the PNG draws text in, whatever the SVG asks for. */
export const PNG_FONT_FAMILY = 'DejaVu Sans';

/** Its faces the charts use (titles bold, labels regular), as dejavu-fonts-ttf ships them. */
const PNG_FONT_FILES = ['ttf/DejaVuSans.ttf', 'ttf/DejaVuSans-Bold.ttf'];

interface Renderers {
  vega: typeof Vega;
  compile: typeof import('vega-lite').compile;
  Resvg: typeof import('@resvg/resvg-js').Resvg;
  fontFiles: string[];
}

let renderers: Promise<Renderers> | undefined;

function load(): Promise<Renderers> {
  renderers ??= Promise.all([
    lazyImport<typeof Vega>('vega'),
    lazyImport<typeof import('vega-lite')>('vega-lite'),
    lazyImport<typeof import('@resvg/resvg-js')>('@resvg/resvg-js'),
  ]).then(([vega, vl, resvg]) => ({
    vega,
    compile: vl.compile,
    // resvg-js is CommonJS: its exports arrive as named exports or on the default one.
    Resvg: resvg.Resvg ?? (resvg as unknown as { default: typeof resvg }).default.Resvg,
    // Resolved like a module, so found from the compiled modules and from the CLI's
    // bundle alike, and wherever npm put the package.
    fontFiles: PNG_FONT_FILES.map((f) => createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/${f}`)),
  }));
  return renderers;
}

/** The Vega spec of a Vega-Lite spec, with the warnings Vega-Lite gave while compiling it. */
export async function compileSpec(spec: TopLevelSpec): Promise<{ vega: Vega.Spec; warnings: string[] }> {
  const { compile } = await load();
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...m: unknown[]) => {
      throw new Error(`vega-lite: ${m.join(' ')}`);
    },
    warn: (...m: unknown[]) => {
      warnings.push(m.join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return { vega: compile(spec, { logger: logger as never }).spec as Vega.Spec, warnings };
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { vega } = await load();
  const view = new vega.View(vega.parse((await compileSpec(spec)).vega), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function renderPng(svg: string): Promise<Buffer> {
  const { Resvg, fontFiles } = await load();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: PNG_SCALE },
    background: 'white',
    // Only the packaged font: a family the SVG names that is not DejaVu Sans is not found,
    // and the list's generic sans-serif (or no family at all) lands on DejaVu Sans.
    font: { loadSystemFonts: false, fontFiles, defaultFontFamily: PNG_FONT_FAMILY, sansSerifFamily: PNG_FONT_FAMILY },
    logLevel: 'off',
  });
  return resvg.render().asPng();
}

// `--plot DIR`: writes each chart as NAME.vl.json (the spec, data inline), NAME.svg and
// NAME.png, and one report.html with the text report and every chart. Each file is
// written atomically; a folder that cannot be written is the user's to fix (exit 2).
// The CLI loads this module only for --plot: Vega and resvg take a while to load.
import { join } from 'node:path';
import { htmlReport } from '../charts/htmlReport.js';
import { specJson } from '../charts/specJson.js';
import { renderPng, renderSvg } from '../charts/render.js';
import type { NamedChart } from '../charts/namedChart.js';
import { atomicWrite } from './atomicWrite.js';
import { chartScripts } from './chartScripts.js';
import { plotError } from './plotDir.js';

export const REPORT_FILE = 'report.html';

/** Writes every file; returns their paths, in the order written. */
export async function writePlots(dir: string, charts: NamedChart[], report: { title: string; text: string }): Promise<string[]> {
  const written: string[] = [];
  const write = (file: string, data: string | Uint8Array) => {
    const path = join(dir, file);
    try {
      atomicWrite(path, data);
    } catch (e) {
      throw plotError(path, e);
    }
    written.push(path);
  };
  for (const c of charts) {
    write(`${c.name}.vl.json`, specJson(c.spec));
    const svg = await renderSvg(c.spec);
    write(`${c.name}.svg`, svg);
    write(`${c.name}.png`, await renderPng(svg));
  }
  write(REPORT_FILE, htmlReport({ ...report, charts, scripts: chartScripts() }));
  return written;
}

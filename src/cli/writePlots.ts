// `--plot DIR`: writes each chart as NAME.vl.json (the spec, data inline), NAME.svg and
// NAME.png, and one report.html with the text report and every chart. Each file is
// written atomically; a folder that cannot be written is the user's to fix (exit 2).
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { htmlReport } from '../charts/htmlReport.js';
import { specJson } from '../charts/specJson.js';
import { renderPng, renderSvg } from '../charts/render.js';
import type { NamedChart } from '../charts/runCharts.js';
import { UserError } from '../scenario/errors.js';
import { atomicWrite } from './atomicWrite.js';
import { chartScripts } from './chartScripts.js';

export const DEFAULT_PLOT_DIR = 'plots';
export const REPORT_FILE = 'report.html';

/** Creates DIR if needed and checks that files can be written in it, before any work. */
export function preparePlotDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw plotError(dir, e);
  }
}

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
    write(`${c.name}.png`, renderPng(svg));
  }
  write(REPORT_FILE, htmlReport({ ...report, charts, scripts: chartScripts() }));
  return written;
}

function plotError(path: string, e: unknown): UserError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOTDIR' || code === 'EEXIST'
        ? 'a file is in the way where a directory should be'
        : code === 'EROFS'
          ? 'read-only file system'
          : code === 'ENOSPC'
            ? 'no space left on the device'
            : (e as Error).message;
  return new UserError(`--plot ${path}: cannot write the charts: ${why}`);
}

// Builds the what-if page as a static site (`npm run build:web`, and every `npm run
// build`): the page and its Web Worker bundled by esbuild with the simulator, zod, Vega,
// Vega-Lite and vega-embed inside (no CDN, so it works offline), the HTML and CSS, and a
// copy of scenarios/ with its index. The folder can be published as it is; `sim serve`
// serves it. Run as a script: node dist/web/buildSite.js [OUT_DIR]
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_SCENARIO, isScenarioFileName, SCENARIO_INDEX, scenarioEntry, type ScenarioIndex } from './scenarioIndex.js';

/** The repository: this file is src/web/buildSite.ts, or dist/web/buildSite.js once compiled. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BROWSER = join(ROOT, 'src', 'web', 'browser');
export const DEFAULT_SITE_DIR = join(ROOT, 'dist', 'site');

/** The files of the site besides the scenarios: what a publisher copies. */
export const SITE_FILES = ['index.html', 'style.css', 'page.js', 'worker.js'] as const;

export async function buildSite(outDir: string = DEFAULT_SITE_DIR): Promise<string[]> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'scenarios'), { recursive: true });
  await build({
    entryPoints: { page: join(BROWSER, 'page.ts'), worker: join(BROWSER, 'worker.ts') },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // Module workers and top-level await: the browsers of the last few years.
    target: ['chrome100', 'firefox115', 'safari16'],
    minify: true,
    // The bundled packages' licences go to page.js.LEGAL.txt beside the bundle.
    legalComments: 'linked',
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'style.css']) copyFileSync(join(BROWSER, file), join(outDir, file));
  const scenarios = join(ROOT, 'scenarios');
  const index: ScenarioIndex = { default: DEFAULT_SCENARIO, scenarios: [] };
  for (const fileName of readdirSync(scenarios).filter(isScenarioFileName).sort()) {
    const text = readFileSync(join(scenarios, fileName), 'utf8');
    writeFileSync(join(outDir, 'scenarios', fileName), text);
    index.scenarios.push(scenarioEntry(fileName, `scenarios/${fileName}`, `scenarios/${fileName}`, JSON.parse(text)));
  }
  writeFileSync(join(outDir, SCENARIO_INDEX), `${JSON.stringify(index, null, 2)}\n`);
  return listFiles(outDir).map((f) => relative(outDir, f));
}

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2] ?? DEFAULT_SITE_DIR;
  const files = await buildSite(outDir);
  const size = (f: string) => `${f} ${(statSync(join(outDir, f)).size / 1024).toFixed(0)} kB`;
  console.log(
    `Built the what-if page in ${relative(process.cwd(), outDir) || '.'}: ${SITE_FILES.map(size).join(', ')}, ${files.length} files in all`,
  );
}

// The browser builds of vega, vega-lite and vega-embed, read from the installed packages
// so that the HTML report can inline them (no CDN: it must work offline). The packages'
// export maps hide these files, so they are found beside each package's entry point.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ScriptSource } from '../charts/htmlReport.js';

const BUILDS = [
  { pkg: 'vega', file: 'vega.min.js' },
  { pkg: 'vega-lite', file: 'vega-lite.min.js' },
  { pkg: 'vega-embed', file: 'vega-embed.min.js' },
] as const;

let cached: ScriptSource[] | undefined;

export function chartScripts(): ScriptSource[] {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  cached = BUILDS.map(({ pkg, file }) => {
    const build = dirname(require.resolve(pkg));
    const { version } = JSON.parse(readFileSync(join(build, '..', 'package.json'), 'utf8')) as { version: string };
    return { name: `${pkg} ${version} (${file})`, source: readFileSync(join(build, file), 'utf8') };
  });
  return cached;
}

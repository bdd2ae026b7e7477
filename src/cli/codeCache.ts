// Starts the bundled CLI (dist/sim.cjs) from V8's code cache (dist/sim.cache).
//
// Every `sim` process used to spend a good part of its start-up compiling the bundle: V8
// parses the whole script, then compiles each function the first time it runs. `npm run
// build` runs the CLI once on sample scenarios and saves the bytecode V8 made meanwhile
// (vm.Script#createCachedData after the run, so the lazily compiled functions are in it
// too); later processes start from it. What it saves is measured in docs/internals.md,
// "Performance" ("start-up from V8's code cache"). This is what Node 22's
// module.enableCompileCache() does; Node 20 has no such switch.
//
// V8 refuses a cache made by another V8 version or with other V8 flags, and the bundle
// then compiles as before. It checks the script only by its length, though, so the cache
// records the size and modification time of the bundle it was made from, and is not
// offered to any other.
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import type { Io, main as Main } from './main.js';

type Bundle = { main: typeof Main; setImporter: (f: (specifier: string) => Promise<unknown>) => void };

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = join(DIST, 'sim.cjs');
export const CACHE = join(DIST, 'sim.cache');
/** Size and modification time of the bundle, before the cache's bytes. */
const HEADER = 16;

export interface LoadedCli {
  main: typeof Main;
  /** Whether the code cache was used: 'accepted'; 'rejected' by V8 (another version or
   * other flags); 'stale' (made from another bundle); 'none' (no cache file). */
  cache: 'accepted' | 'rejected' | 'stale' | 'none';
  script: Script;
}

/** Runs the bundle's top level and returns its `main`; `cache` null: compile without one. */
export function loadCli(bundle = BUNDLE, cache: string | null = CACHE): LoadedCli {
  // ASCII (scripts/bundle.mjs makes it so): Latin-1 reads it as such without UTF-8's decoding.
  const source = readFileSync(bundle, 'latin1');
  const { size, mtimeMs } = statSync(bundle);
  let cachedData: Buffer | undefined;
  let state: LoadedCli['cache'] = 'none';
  if (cache !== null) {
    try {
      const file = readFileSync(cache);
      if (file.length > HEADER && file.readDoubleLE(0) === size && file.readDoubleLE(8) === mtimeMs) {
        cachedData = file.subarray(HEADER);
      } else state = 'stale';
    } catch {
      // No cache file (a build without it, or removed): compile as usual.
    }
  }
  // The wrapper Node puts around a CommonJS module, so the bundle runs as if required.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData,
  });
  if (cachedData !== undefined) state = script.cachedDataRejected === true ? 'rejected' : 'accepted';
  const module = { exports: {} as Bundle };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  // An ordinary module's import(): the bundle's own is unavailable inside vm.Script.
  module.exports.setImporter((specifier) => import(specifier));
  return { main: module.exports.main, cache: state, script };
}

/** Commands run before the cache is taken: what most `sim` processes run. */
const SAMPLE_RUNS = [
  ['run', 'scenarios/gevent-100.json'],
  ['run', 'scenarios/bench-b1s.json', '--json', '--set', 'client.requests=20000'],
];

/** Runs the sample commands on a fresh, uncached bundle and saves its code cache. */
export async function writeCodeCache(root: string, bundle = BUNDLE, cache = CACHE): Promise<number> {
  const { main, script } = loadCli(bundle, null);
  const silent: Io = { out: () => {}, err: (t) => process.stderr.write(t) };
  const cwd = process.cwd();
  process.chdir(root);
  try {
    for (const argv of SAMPLE_RUNS) {
      const code = await main(argv, silent);
      if (code !== 0) throw new Error(`sim ${argv.join(' ')} exited with ${code}`);
    }
  } finally {
    process.chdir(cwd);
  }
  const data = script.createCachedData();
  const { size, mtimeMs } = statSync(bundle);
  const header = Buffer.alloc(HEADER);
  header.writeDoubleLE(size, 0);
  header.writeDoubleLE(mtimeMs, 8);
  writeFileSync(`${cache}.tmp`, Buffer.concat([header, data]));
  renameSync(`${cache}.tmp`, cache);
  return data.length;
}

// npm run build: node dist/cli/codeCache.js
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const bytes = await writeCodeCache(join(DIST, '..'));
  process.stdout.write(`Saved the CLI's code cache in dist/sim.cache: ${Math.round(bytes / 1024)} kB\n`);
}

// npm run build: bundles the CLI (dist/cli/main.js, compiled by tsc) into one CommonJS
// script, dist/sim.cjs, which bin/sim.js starts from V8's code cache (src/cli/codeCache.ts),
// and the sweep's worker-thread side (dist/analysis/sweep/pointWorker.js) into another,
// dist/analysis/sweep/pointWorker.cjs, which piscina loads in each thread.
//
// Why the worker is CommonJS (issue 17, item 25): piscina loads a worker file with
// require(), and an ES module required from CommonJS goes through Node's require(esm),
// whose synchronous instantiation does not stop when the thread is terminated: when
// worker.terminate() lands while the module graph is being instantiated (pool.destroy()
// after Ctrl-C, or after a short sweep, while a thread is still loading), Node asks V8
// whether the half-instantiated graph is async and the whole process aborts with "FATAL
// ERROR: v8::Module::IsGraphAsync must be used on an instantiated module" (Node 20.19+,
// src/module_wrap.cc, ModuleWrap::InstantiateSync). A CommonJS script has no
// instantiation step; scripts/workerTerminateRepro.mjs shows both.
//
// string-width (yargs's, and cliui's) builds Intl segmenters and Unicode-property regular
// expressions when it is loaded, about 18 ms of every start, for the help text only. Here
// it is loaded on its first call instead: the import is replaced by a function that
// require()s it, and esbuild initializes a required module when it is first required.
import { readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

// bin/sim.js reads the CLI's bundle as Latin-1 (src/cli/codeCache.ts), several times
// faster than decoding it as UTF-8, so the bundle must be ASCII. esbuild escapes other
// characters in strings, but leaves them in comments and regular expressions; there
// \uXXXX matches the same, though a regular expression's source then shows the escape
// (see src/scenario/duration.ts). A String.raw template would keep it too: the bundle has none.
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== text) writeFileSync(file, ascii);
}

const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData === 'real') return undefined;
      const real = await b.resolve('string-width', { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'real' });
      return { path: real.path, namespace: 'lazy-string-width' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => ({
      contents: `export default function stringWidth(text, options) { return require(${JSON.stringify(args.path)}).default(text, options); }`,
      loader: 'js',
      resolveDir: '/',
    }));
  },
};

// node:crypto loads 47 of Node's modules (2 ms); the CLI needs it only for a sweep's
// digest, and seedrandom only to seed itself when no seed is given, which never happens
// here. The bundle gets those two functions, each loading node:crypto when first called.
const lazyCrypto = {
  name: 'lazy-crypto',
  setup(b) {
    b.onResolve({ filter: /^(node:)?crypto$/ }, (args) =>
      args.namespace === 'lazy-crypto' ? undefined : { path: 'crypto', namespace: 'lazy-crypto' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-crypto' }, () => ({
      contents: [
        "export function createHash(...args) { return require('node:crypto').createHash(...args); }",
        "export function randomBytes(...args) { return require('node:crypto').randomBytes(...args); }",
      ].join('\n'),
      loader: 'js',
      resolveDir: '/',
    }));
  },
};

await build({
  entryPoints: ['dist/cli/main.js'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: 'dist/sim.cjs',
  logLevel: 'warning',
  // Loaded only when used (src/lazyImport.ts); piscina also loads its own worker script.
  external: ['piscina', 'vega', 'vega-lite', '@resvg/resvg-js'],
  // import.meta.url of the bundled modules: the bundle's own.
  banner: { js: "var __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__bundleUrl' },
  plugins: [lazyStringWidth, lazyCrypto],
});
asciiOnly('dist/sim.cjs');

await build({
  entryPoints: ['dist/analysis/sweep/pointWorker.js'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: 'dist/analysis/sweep/pointWorker.cjs',
  logLevel: 'warning',
  plugins: [lazyCrypto],
});

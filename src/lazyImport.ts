// import() of a dependency that only some commands need (Vega, Vega-Lite and resvg for
// pictures, piscina for threads): loading them costs more than a small run takes.
//
// The `sim` command runs its bundle from V8's code cache through vm.Script
// (src/cli/codeCache.ts), and there Node allows the import() syntax only behind an
// experimental flag. So the bundle asks an importer that the launcher sets, one that
// lives in an ordinary module; anywhere else (tests, compiled modules) import() is used.

type Importer = (specifier: string) => Promise<unknown>;

let importer: Importer = (specifier) => import(specifier);

/** Where lazyImport loads from (the launcher passes its own import()). */
export function setImporter(f: Importer): void {
  importer = f;
}

/** import(specifier), through the importer in use. */
export function lazyImport<T>(specifier: string): Promise<T> {
  return importer(specifier) as Promise<T>;
}

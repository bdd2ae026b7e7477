// What a chart or a report page says, without how a library or a font happened to draw it:
// the comparisons behind test/charts/examples.test.ts. Two files with the same structure
// show the same data in the same marks with the same words; a Vega update that reorders
// attributes or changes the schema's address, or a font that measures its labels
// differently (which moves the axes and resizes the whole SVG), leaves it alone.

/** The keys of a Vega-Lite spec that carry what it shows (data, marks, encodings, words). */
const SPEC_KEYS = new Set([
  'title',
  'data',
  'datasets',
  'transform',
  'mark',
  'encoding',
  'layer',
  'concat',
  'hconcat',
  'vconcat',
  'facet',
  'repeat',
  'spec',
  'resolve',
  'width',
  'height',
]);

/**
 * A Vega-Lite spec without what styles it: `$schema` (the library's version), `config`
 * (fonts, sizes, colours of the frame), `description`, `padding`, `autosize`, `usermeta`.
 */
export function specStructure(spec: unknown): unknown {
  if (Array.isArray(spec)) return spec.map(specStructure);
  if (spec === null || typeof spec !== 'object') return spec;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    // Inside data, every key is the data's own.
    if (key === 'data' || key === 'datasets') out[key] = value;
    else if (SPEC_KEYS.has(key)) out[key] = key === 'title' || key === 'mark' || key === 'encoding' ? value : specStructure(value);
  }
  return out;
}

export interface MarkGroup {
  /** e.g. "rect role-mark", "text role-axis-label". */
  mark: string;
  items: number;
}

export interface SvgStructure {
  /** Every mark container in document order, with how many items it draws. */
  marks: MarkGroup[];
  /** The text of every <text> element in order: titles, axis labels and titles, legends. */
  texts: string[];
  /** The data marks' geometry (role-mark only), one list of numbers per item, relative to its own group. */
  geometry: number[][];
}

const TAG = /<(\/?)([a-zA-Z]+)((?:\s+[^\s=>/]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
const ATTRIBUTE = /([^\s=]+)="([^"]*)"/g;
// Where a data mark's item is: font measurements do not reach inside a mark's group (the
// plot's width and height are the spec's), so these move only when the data do.
const GEOMETRY = ['d', 'transform', 'x', 'y', 'x1', 'x2', 'y1', 'y2', 'width', 'height'];
const NUMBER = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi;

/** The marks, words and data geometry of an SVG that Vega drew. */
export function svgStructure(svg: string): SvgStructure {
  const marks: MarkGroup[] = [];
  const texts: string[] = [];
  const geometry: number[][] = [];
  // One entry per open element: the mark group it opens, if it is one.
  const stack: (MarkGroup | undefined)[] = [];
  let inText = false;
  let text = '';
  for (const m of svg.matchAll(TAG)) {
    const [, closing, name, attributeText, selfClosing, content] = m;
    if (content !== undefined) {
      if (inText) text += content;
      continue;
    }
    if (closing) {
      stack.pop();
      if (name === 'text') {
        texts.push(unescapeXml(text));
        inText = false;
      }
      continue;
    }
    const attributes = Object.fromEntries([...(attributeText ?? '').matchAll(ATTRIBUTE)].map((a) => [a[1], a[2]]));
    const parent = stack.at(-1);
    if (parent !== undefined) {
      parent.items++;
      if (parent.mark.includes(' role-mark')) geometry.push(GEOMETRY.flatMap((g) => (attributes[g] ?? '').match(NUMBER) ?? []).map(Number));
    }
    const kind = name === 'g' ? /^mark-(\w+) (role-[\w-]+)/.exec(attributes.class ?? '') : null;
    const group = kind === null ? undefined : { mark: `${kind[1]} ${kind[2]}`, items: 0 };
    if (group !== undefined) marks.push(group);
    if (name === 'text') {
      inText = !selfClosing;
      text = '';
      if (selfClosing) texts.push('');
    }
    if (!selfClosing) stack.push(group);
  }
  return { marks, texts, geometry };
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * Why two lists of words differ, or undefined if they do not. A label Vega cut to its
 * limit ("connecting or waiting for a thre…") was cut where the font's measure said:
 * it matches any text it begins.
 */
export function textsDifference(a: string[], b: string[]): string | undefined {
  if (a.length !== b.length) return `${a.length} texts against ${b.length}`;
  const cut = (s: string) => (s.endsWith('…') ? s.slice(0, -1) : undefined);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    const same = x === y || (cut(x) !== undefined && y.startsWith(cut(x)!)) || (cut(y) !== undefined && x.startsWith(cut(y)!));
    if (!same) return `text ${i}: "${x}" against "${y}"`;
  }
  return undefined;
}

/** Why two geometries differ by more than half a pixel anywhere, or undefined if they do not. */
export function geometryDifference(a: number[][], b: number[][]): string | undefined {
  if (a.length !== b.length) return `${a.length} data items against ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (a[i].length !== b[i].length) return `item ${i}: ${a[i].length} coordinates against ${b[i].length}`;
    for (let k = 0; k < a[i].length; k++) {
      if (Math.abs(a[i][k] - b[i][k]) > 0.5) return `item ${i}, coordinate ${k}: ${a[i][k]} against ${b[i][k]}`;
    }
  }
  return undefined;
}

export interface HtmlStructure {
  title: string;
  /** The report's text, as shown in its <pre>. */
  report: string | undefined;
  /** Each chart's name and its spec's structure, in order. */
  charts: { name: string; spec: unknown }[];
  /** What each inlined script says it is, without its version ("vega", "vega-lite"...). */
  scripts: string[];
}

/** What a report page built by src/charts/htmlReport.ts shows, without the libraries' code. */
export function htmlStructure(html: string): HtmlStructure {
  const title = unescapeXml(/<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '');
  const pre = /<pre class="report">([^<]*)<\/pre>/.exec(html);
  const charts = [...html.matchAll(/<script type="application\/json" id="spec-([^"]+)">([^<]*)<\/script>/g)].map((m) => ({
    name: m[1],
    spec: specStructure(JSON.parse(m[2])),
  }));
  const scripts = [...html.matchAll(/<script>\/\* ([^*]*?) \*\/\n/g)].map((m) => unescapeXml(m[1]).split(' ')[0]);
  return { title, report: pre === null ? undefined : unescapeXml(pre[1]), charts, scripts };
}

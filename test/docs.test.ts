// The README and docs/ show real output. Every example of the form
//
//   $ npx sim <args> [| head -N | tail -N]
//   <output>
//
// in a fenced block is run, and its output compared with what the page shows: the words,
// the layout and every figure as printed (the runs are deterministic, so a figure that moves
// by its last digit has moved), whitespace runs counting as one (a page's tabs may have become
// spaces). A line "..." in the shown output stands for any number of lines. `$ cat F`
// in the same block writes F (its shown content) for the commands after it; `--out FILE`
// and `--plot DIR` write into a temporary folder; `?` and `{a,b}` expand as the shell
// expands them. Commands that serve (sim serve) or use other shell syntax are not run.
// Figures the pages quote outside these examples (hand-made tables, prose, a picture's
// description) are checked against the runs they come from by test/docsFigures.test.ts.
// Every page's relative links and anchors must resolve, and the pages and texts it names in
// code must be in the repository (or said to be beside it, as ../).
import { mkdtempSync, readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { COMMANDS } from '../src/cli/commands.js';
import { commandName } from '../src/cli/command.js';
import { MEASURED_COSTS } from '../src/scenario/measuredCosts.js';
import { NGINX_MEASURED } from '../src/scenario/fleetSchema.js';

interface Example {
  page: string;
  command: string;
  shown: string;
  files: Record<string, string>;
}

/** Every `$ ` command of the page's fenced blocks with the output shown under it. */
function examples(page: string): Example[] {
  const text = readFileSync(page, 'utf8');
  const out: Example[] = [];
  for (const block of text.matchAll(/^```[a-z]*\n([\s\S]*?)^```/gm)) {
    // A command continued on the next line (a trailing backslash) is one command.
    const lines = block[1].replace(/ \\\n\s*/g, ' ').split('\n');
    const files: Record<string, string> = {};
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith('$ ')) continue;
      let j = i + 1;
      while (j < lines.length && !lines[j].startsWith('$ ')) j++;
      const command = lines[i].slice(2);
      const shown = lines.slice(i + 1, j).join('\n');
      const cat = /^cat (\S+)$/.exec(command);
      if (cat) files[cat[1]] = shown.endsWith('\n') ? shown : `${shown}\n`;
      else out.push({ page, command, shown, files: { ...files } });
      i = j - 1;
    }
  }
  return out;
}

function skipped(command: string): string | undefined {
  if (!command.startsWith('npx sim ')) return 'not sim';
  if (/^npx sim serve\b/.test(command)) return 'serves until stopped';
  if (/[*\\]/.test(command.replace(/\| (head|tail) -\d+$/, ''))) return 'shell syntax';
  return undefined;
}

async function runExample(e: Example): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sim-docs-'));
  let [command, pipe] = e.command.split(' | ');
  for (const [name, content] of Object.entries(e.files)) {
    writeFileSync(join(dir, name), content);
    command = command
      .split(' ')
      .map((a) => (a === name ? join(dir, name) : a))
      .join(' ');
  }
  // `?` globs one character, as the shell would; --out FILE goes to the temporary folder.
  const words = command
    .split(' ')
    .flatMap(braces)
    .flatMap((w) => (w.includes('?') ? glob(w) : [w]));
  // What --out and --plot would write goes to the temporary folder, named as shown in the output.
  const moved: [string, string][] = [];
  for (const flag of ['--out', '--plot']) {
    const at = words.indexOf(flag);
    if (at > 0 && at + 1 < words.length && !words[at + 1].startsWith('-')) {
      moved.push([join(dir, flag.slice(2)), words[at + 1]]);
      words[at + 1] = join(dir, flag.slice(2));
    }
  }
  let out = '';
  await main(words.slice(2), { out: (t) => (out += t), err: (t) => (out += t) });
  for (const [temporary, shown] of moved) out = out.split(temporary).join(shown);
  for (const name of Object.keys(e.files)) out = out.split(join(dir, name)).join(name);
  // CSV lines end with \r\n.
  out = out.replace(/\r\n/g, '\n');
  const lines = out.replace(/\n$/, '').split('\n');
  const m = pipe === undefined ? null : /^(head|tail) -(\d+)$/.exec(pipe);
  if (pipe !== undefined && m === null) throw new Error(`cannot run the pipe "${pipe}"`);
  const kept = m === null ? lines : m[1] === 'head' ? lines.slice(0, Number(m[2])) : lines.slice(-Number(m[2]));
  return `${kept.join('\n')}\n`;
}

/** a{1,2}b is a1b a2b, as the shell expands it (JSON values in quotes are left alone). */
function braces(word: string): string[] {
  const m = /^([^{"']*)\{([^{}]*,[^{}]*)\}(.*)$/.exec(word);
  return m === null ? [word] : m[2].split(',').flatMap((alt) => braces(`${m[1]}${alt}${m[3]}`));
}

/** The files a pattern with `?` in its last part names, sorted as a shell sorts them. */
function glob(pattern: string): string[] {
  const slash = pattern.lastIndexOf('/');
  const folder = slash < 0 ? '.' : pattern.slice(0, slash);
  const re = new RegExp(
    `^${pattern
      .slice(slash + 1)
      .replace(/[.+^$()|[\]\\]/g, '\\$&')
      .replace(/\?/g, '.')}$`,
  );
  return readdirSync(folder)
    .filter((f) => re.test(f))
    .sort()
    .map((f) => (slash < 0 ? f : `${folder}/${f}`));
}

const NUMBER = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi;
const shape = (line: string) => line.replace(NUMBER, '#').replace(/\s+/g, ' ').trim();

function sameFigures(shownLine: string, actualLine: string): boolean {
  if (shape(shownLine) !== shape(actualLine)) return false;
  const a = shownLine.match(NUMBER) ?? [];
  const b = actualLine.match(NUMBER) ?? [];
  return a.every((text, i) => text === b[i]);
}

const isElision = (line: string) => line.trim() === '...' || /^\.\.\.[^.]+\.\.\.$/.test(line.trim());

/** Whether `actual` has the shown lines in order, "..." standing for any lines. */
function matches(shown: string, actual: string): string | undefined {
  const want = shown.replace(/\n$/, '').split('\n');
  const got = actual.replace(/\n$/, '').split('\n');
  const chunks: string[][] = [[]];
  for (const line of want) {
    if (isElision(line)) chunks.push([]);
    else chunks.at(-1)!.push(line);
  }
  let at = 0;
  for (let c = 0; c < chunks.length; c++) {
    const chunk = chunks[c];
    if (chunk.length === 0) continue;
    const anchoredStart = c === 0;
    const anchoredEnd = c === chunks.length - 1;
    let found = -1;
    for (let start = at; start + chunk.length <= got.length; start++) {
      if (chunk.every((line, k) => sameFigures(line, got[start + k])) && (!anchoredEnd || start + chunk.length === got.length)) {
        found = start;
        break;
      }
      if (anchoredStart) break;
    }
    if (found < 0) return `no match for the lines:\n${chunk.join('\n')}\n--- in the output:\n${actual}`;
    at = found + chunk.length;
  }
  return undefined;
}

const pages = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md') && f !== 'errors.md')
    .map((f) => join('docs', f)),
];

describe('the examples of the README and docs/', () => {
  for (const page of pages) {
    for (const e of examples(page)) {
      // Not a test here (not a skipped one either): `sim serve` serves until stopped, and
      // test/web/whatIfPage.e2e.test.ts starts it as docs/serve.md shows and checks its
      // first line and the page; the rest are not sim commands or need a shell.
      if (skipped(e.command) !== undefined) continue;
      it(`${page}: ${e.command}`, { timeout: 600_000 }, async () => {
        const problem = matches(e.shown, await runExample(e));
        expect(problem).toBeUndefined();
      });
    }
  }

  it('compares words and figures as printed: a changed figure, even by its last digit, or word fails, a tab for spaces does not', () => {
    expect(matches('  Requests/sec:\t104.9626\n', '  Requests/sec:   104.9626\n')).toBeUndefined();
    expect(matches('  Requests/sec:\t104.9626\n', '  Requests/sec:\t104.9627\n')).toBeDefined();
    expect(matches('  Late:\t22907\n', '  Late:\t22906\n')).toBeDefined();
    expect(matches('  Requests/sec:\t104.9626\n', '  Requests/sec:\t98.27\n')).toBeDefined();
    expect(matches('  Requests/sec:\t104.9626\n', '  Requests:\t104.9626\n')).toBeDefined();
    expect(matches('a 1\n...\nz 3\n', 'a 1\nb 2\nc 2\nz 3\n')).toBeUndefined();
    expect(matches('a 1\n...\nz 3\n', 'a 1\nb 2\nz 3\nextra\n')).toBeDefined();
  });
});

describe("the pages' prose on the report's warnings", () => {
  // The warnings name docs/validation.md's sections instead of quoting the kit's figures,
  // which went stale each time it ran again; the pages describing them followed the old
  // texts. docs/validation.md and docs/calibration.md are the record of the runs: theirs stay.
  const dropped = ['8-38 %', '9-64 %', '21-80 %', '0 to 52 %', 'within 5 points', 'tens of points'];
  const prose = ['README.md', ...readdirSync('docs').map((f) => join('docs', f))].filter(
    (p) => p.endsWith('.md') && !['docs/validation.md', 'docs/calibration.md'].includes(p),
  );
  for (const page of prose) {
    it(`${page} quotes none of the figures they dropped`, () => {
      const text = readFileSync(page, 'utf8').replace(/\s+/g, ' ');
      for (const figure of dropped) expect(text, figure).not.toContain(figure);
    });
  }
});

describe("the pages' prose on the measured costs", () => {
  // The defaults of the CPU costs are measured again when the kit runs again; a page that
  // quoted one (scenarios.md had asyncpg's connect as "27 ms") fell behind measuredCosts.ts.
  // Prose names the cost and points to where its figure is; the examples' output (fenced
  // blocks, checked above), the errors page (the messages as printed, test/errors) and the
  // measurement record stay as they are.
  const costs: [string, number][] = [];
  const collect = (value: unknown, path: string): void => {
    if (typeof value === 'number' && value > 0 && value < 1) costs.push([path, value]);
    else if (value !== null && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) if (k !== 'others') collect(v, path === '' ? k : `${path}.${k}`);
  };
  const { connectBackToBackShare: _share, ...measured } = MEASURED_COSTS;
  collect(measured, '');
  collect(NGINX_MEASURED, 'fleet.loadBalancer');
  /**
   * Figures of two significant digits or more (a round 50 us or 2.0 ms is something else's),
   * within 3 % of a cost: in ms or µs, or bare seconds.
   */
  function quotedCosts(text: string): string[] {
    const found: string[] = [];
    const prose = text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
    for (const m of prose.matchAll(/(?<![\d.])(\d+(?:\.\d+)?)\s?(ms|µs|us)\b|(?<![\d.])(0\.0\d{3,})(?![\d.])/g)) {
      const digits = (m[1] ?? m[3]).replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
      if (digits.length < 2) continue;
      const seconds = m[1] !== undefined ? Number(m[1]) * (m[2] === 'ms' ? 1e-3 : 1e-6) : Number(m[3]);
      for (const [path, cost] of costs) if (Math.abs(seconds - cost) <= 0.03 * cost) found.push(`${m[0]} (${path}: ${cost} s)`);
    }
    return found;
  }

  it('finds a quoted cost, rounded or gone stale, and not a figure of something else', () => {
    expect(quotedCosts("asyncpg's connect CPU (27 ms measured)")).toEqual(['27 ms (uvicorn.connectCpu: 0.0270236 s)']);
    expect(quotedCosts('before setsid (0.2262 ms), 0.0004537 a server connection')).toHaveLength(2);
    expect(quotedCosts('"serverCpu": 0.0004537')).toHaveLength(1);
    expect(quotedCosts('```\n  p99 0.0270 secs, 27 ms\n```\n')).toEqual([]);
    expect(quotedCosts('a 2 ms cost, 250 ms of sleep, 4.5 ms, 30-50 us, 2.0 ms')).toEqual([]);
  });

  const pages = ['README.md', ...readdirSync('docs').map((f) => join('docs', f))].filter(
    (p) => p.endsWith('.md') && !['docs/validation.md', 'docs/calibration.md', 'docs/scenario-reference.md', 'docs/errors.md'].includes(p),
  );
  for (const page of pages) {
    it(`${page} quotes no measured cost in its prose`, () => {
      expect(quotedCosts(readFileSync(page, 'utf8'))).toEqual([]);
    });
  }
});

describe("the pages' links, and the files they name", () => {
  // A relative link or its anchor that went nowhere, and a page naming a file that is not in
  // the repository (docs/calibration.md sent the reader to shared/MODEL.md and the article
  // at shared/seed/, internals.md to shared/bench/README.md: the project keeps them beside
  // the repository, not in it), were found by reading. A path that starts with ../ says it
  // is outside.
  const all = [
    'README.md',
    ...readdirSync('docs')
      .filter((f) => f.endsWith('.md'))
      .map((f) => join('docs', f)),
  ];
  const withoutBlocks = (text: string) => text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');

  /** GitHub's anchors of a page's headings: lower case, punctuation dropped, spaces as hyphens, a repeat's -1, -2... */
  function anchorsOf(text: string): Set<string> {
    const seen = new Map<string, number>();
    const out = new Set<string>();
    for (const m of withoutBlocks(text).matchAll(/^#{1,6} +(.+?) *$/gm)) {
      const slug = m[1]
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-');
      const n = seen.get(slug) ?? 0;
      seen.set(slug, n + 1);
      out.add(n === 0 ? slug : `${slug}-${n}`);
    }
    return out;
  }

  /** The page's relative links (and pictures) whose file or anchor does not exist. */
  function brokenLinks(page: string, text: string): string[] {
    const broken: string[] = [];
    for (const m of withoutBlocks(text).matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = m[1];
      if (/^[a-z]+:/.test(link)) continue;
      const [file, anchor] = link.split('#');
      const target = file === '' ? page : join(dirname(page), file);
      if (target !== page && !existsSync(target)) broken.push(link);
      else if (
        anchor !== undefined &&
        target.endsWith('.md') &&
        !anchorsOf(target === page ? text : readFileSync(target, 'utf8')).has(anchor)
      )
        broken.push(link);
    }
    return broken;
  }

  /** Pages and texts (a/b.md, a/b.txt) the page names in code that are neither in the repository nor said to be outside it (../). */
  function missingFiles(page: string, text: string): string[] {
    const missing: string[] = [];
    for (const m of withoutBlocks(text).matchAll(/`([^`\n]+)`/g))
      for (const path of m[1].match(/(?<![\w./-])[\w.-]+(?:\/[\w.-]+)+\.(?:md|txt)\b/g) ?? [])
        if (!existsSync(path) && !existsSync(join(dirname(page), path))) missing.push(path);
    return missing;
  }

  it('finds a link to no file, an anchor to no heading, and a named page not in the repository', () => {
    const text =
      '# A `sim run` page\n\n## Bad input, and more\n\n[a](run.md#what-a-prediction-hangs-on---sensitivity) [b](run.md#heys-flags) [c](nope.md) [d](#a-sim-run-page) [e](#bad-input-and-more) [f](run.md#nope) [g](#nope)\n';
    expect(brokenLinks('docs/x.md', text)).toEqual(['nope.md', 'run.md#nope', '#nope']);
    expect(anchorsOf(text)).toEqual(new Set(['a-sim-run-page', 'bad-input-and-more']));
    expect(
      missingFiles('docs/x.md', 'see `shared/MODEL.md`, `../shared/MODEL.md`, `docs/run.md` and `test/fixtures/hey/patched-c10.r1.txt`'),
    ).toEqual(['shared/MODEL.md']);
  });

  for (const page of all) {
    it(`${page}: every relative link and anchor resolves`, () => {
      expect(brokenLinks(page, readFileSync(page, 'utf8'))).toEqual([]);
    });
  }
  // docs/errors.md quotes the paths its cases make up; docs/validation.md is the record of the runs.
  for (const page of all.filter((p) => !['docs/errors.md', 'docs/validation.md'].includes(p))) {
    it(`${page}: every page or text it names is in the repository, or said to be beside it`, () => {
      expect(missingFiles(page, readFileSync(page, 'utf8'))).toEqual([]);
    });
  }
});

describe('the README', () => {
  const readme = readFileSync('README.md', 'utf8');

  it('fits on one screen: under 60 lines, with the two quick-start commands, a report and a chart', () => {
    expect(readme.split('\n').length).toBeLessThan(60);
    expect(readme).toContain('npm ci && npx sim run scenarios/gevent-100.json\nnpm test\n');
    expect(readme).toMatch(/^\$ npx sim run /m);
    const images = [...readme.matchAll(/!\[[^\]]+\]\(([^)]+)\)/g)].map((m) => m[1]);
    expect(images).toHaveLength(1);
    expect(existsSync(images[0])).toBe(true);
  });

  it('lists every command of the registry, one line each, with its page in docs/', () => {
    for (const c of COMMANDS) {
      const name = commandName(c);
      expect(readme).toContain(`| [\`sim ${c.command}\`](docs/${name}.md) | ${c.describe} |`);
      expect(existsSync(join('docs', `${name}.md`)), `docs/${name}.md`).toBe(true);
    }
  });
});

describe('docs/scenario-reference.md', () => {
  it('is what the schema says (regenerate: npx vitest run test/docs.test.ts -u)', async () => {
    const { scenarioReference } = await import('../src/report/scenarioReference.js');
    const { scenarioJsonSchema } = await import('../src/scenario/jsonSchema.js');
    await expect(scenarioReference(scenarioJsonSchema())).toMatchFileSnapshot('../docs/scenario-reference.md');
  });
});

// The command line as its peers behave: -h, --version, sim help <command>, and "did you
// mean" drawn from the one registry of commands (src/cli/commands.ts).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sim, simArgv } from '../sim.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { commandName } from '../../src/cli/command.js';

describe('the sim command line', () => {
  it('sim -h and sim --help list every command of the registry', async () => {
    const short = await sim('-h');
    expect(short.code).toBe(0);
    expect(short.err).toBe('');
    expect(short.out).toBe((await sim('--help')).out);
    for (const c of COMMANDS) expect(short.out).toContain(`sim ${c.command}`);
    expect(short.out).toContain('sim help [command]');
    expect(short.out).toContain('sim completion');
  });

  it("sim help <command> gives each example as '# what it does' over the command, its words whole", async () => {
    for (const c of COMMANDS) {
      const help = (await simArgv(['help', commandName(c)], { columns: 80 })).out;
      const examples = /\nExamples:\n([\s\S]*?)(?:\n\n|$)/.exec(help)?.[1];
      if (examples === undefined) continue;
      // Two columns, the command in the left half, broke "client.concurrency,client.requests=10..150:5" mid-word.
      for (const line of examples.trimEnd().split('\n')) expect(line, `sim help ${commandName(c)}`).toMatch(/^ {2}\S(?:\S| (?! ))*$/);
    }
    const sweep = (await simArgv(['help', 'sweep'], { columns: 80 })).out;
    expect(sweep).toMatch(
      /\n {2}# the article's curve\n {2}sim sweep scenarios\/gevent-100\.json --vary\n {2}client\.concurrency,client\.requests=10\.\.150:5\n/,
    );
  });

  it('sim --version prints the package version', async () => {
    const { code, out } = await sim('--version');
    expect(code).toBe(0);
    expect(out).toBe(`${JSON.parse(readFileSync('package.json', 'utf8')).version}\n`);
    expect((await sim('-V', '--debug')).out).toBe(out);
  });

  it('sim --version with anything else is refused, saying it stands alone', async () => {
    // Was "unknown option --version; did you mean --version?".
    const inRun = await sim('run', 'scenarios/gevent-10.json', '--version');
    expect(inRun).toEqual({
      code: 2,
      out: '',
      err: 'sim: --version takes nothing else: sim --version prints the version of sim, alone; got "run" with it (sim help <command> shows a command\'s options)\n',
    });
    // Was "expected the files to work on: sim foo <scenario.json>".
    expect((await sim('-V', 'foo')).err).toMatch(/^sim: -V takes nothing else: sim -V prints the version of sim, alone; got "foo" with it/);
    // The shell's completion asks with the whole line, --version typed in it or not.
    const completions = await sim('--get-yargs-completions', 'sim', 'run', 's.json', '--version');
    expect(completions.code).toBe(0);
    expect(completions.out).toContain('--max-events');
  });

  it('sim help run is sim run --help (and -h)', async () => {
    const help = await sim('help', 'run');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^sim run <scenario>\n/);
    expect(help.out).toContain('--sensitivity');
    // A number shows as one, though it is read as text (a message quotes what was typed).
    expect(help.out).toMatch(/--seed .*\[number\]/);
    expect((await sim('help', 'sweep')).out).toMatch(/--jobs .*\[number\]/);
    expect((await sim('run', 'scenarios/gevent-10.json', '--seed', 'abc')).err).toMatch(/--seed abc/);
    expect(help.out).toBe((await sim('run', '--help')).out);
    expect(help.out).toBe((await sim('run', '-h')).out);
    for (const c of COMMANDS) expect((await sim('help', commandName(c))).out).toContain(c.describe.slice(0, 30));
  });

  // Fresh-eyes audit: sim help completion answered 'unknown command "completion"; did you
  // mean "completion"?' (exit 2), sim help help the same, sim help --debug 'unknown command
  // "--debug"', and sim completion --help printed the script.
  it('sim help shows the help of every command --help lists, help and completion too; --debug is not a command', async () => {
    const completion = await sim('help', 'completion');
    expect(completion).toEqual({
      code: 0,
      out: 'sim completion\n\nPrint a shell completion script (bash, zsh): sim completion >> ~/.bashrc\n',
      err: '',
    });
    expect(await sim('completion', '--help')).toEqual(completion);
    const help = await sim('help', 'help');
    expect(help.code).toBe(0);
    expect(help.out).toBe((await sim('--help')).out);
    expect(await sim('help', '--debug')).toEqual(help);
    expect((await sim('help', 'run', '--debug')).out).toBe((await sim('help', 'run')).out);
    expect((await sim('completion')).out).toContain('###-begin-sim-completions-###');
  });

  it('sim serv suggests serve; sim help serv too', async () => {
    for (const argv of [['serv'], ['help', 'serv']]) {
      const { code, out, err } = await sim(...argv);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toBe('sim: unknown command "serv"; did you mean "serve"? (sim --help lists the commands)\n');
    }
  });

  it("suggests an option of the command itself: serve --prot suggests --port, run --csv nothing (it is sweep's)", async () => {
    expect((await sim('serve', '--prot', '1')).err).toBe('sim: unknown option --prot; did you mean --port?\n');
    expect((await sim('sweep', 'scenarios/mmc-sync.json', '--jbos', '2')).err).toBe('sim: unknown option --jbos; did you mean --jobs?\n');
    const csv = await sim('run', 'scenarios/gevent-10.json', '--csv', 'x.csv');
    expect(csv.code).toBe(2);
    expect(csv.err).toBe('sim: unknown option --csv\n');
  });

  it('wraps the help to the terminal width', async () => {
    const narrow = (await simArgv(['help', 'sweep'], { columns: 80 })).out;
    const wide = (await simArgv(['help', 'sweep'], { columns: 120 })).out;
    const longest = (t: string) => Math.max(...t.split('\n').map((l) => l.length));
    expect(longest(narrow)).toBeLessThanOrEqual(80);
    expect(longest(wide)).toBeGreaterThan(80);
    expect(longest(wide)).toBeLessThanOrEqual(120);
  });

  it('prints a shell completion script', async () => {
    const { code, out } = await sim('completion');
    expect(code).toBe(0);
    expect(out).toContain('sim --get-yargs-completions');
  });
});

describe('arguments as peers take them', () => {
  it('takes the scenario wherever it stands, even after a flag whose value may be left out', async () => {
    const plain = await sim('run', 'scenarios/gevent-10.json', '--json');
    expect((await sim('run', '--json', 'scenarios/gevent-10.json')).out).toBe(plain.out);
    expect((await sim('run', '--plot', 'scenarios/gevent-10.json', '--help')).out).toContain('sim run <scenario>');
    const sweep = await sim('sweep', 'scenarios/mmc-sync.json', '--vary', 'server.workers=3', '--json', '--jobs', '1');
    expect((await sim('sweep', '--json', 'scenarios/mmc-sync.json', '--vary', 'server.workers=3', '--jobs', '1')).out).toBe(sweep.out);
  });

  it('--json means the same in every command: alone, the result on stdout; with FILE, written there beside the text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-json-'));
    const text = await sim('run', 'scenarios/gevent-10.json');
    const json = await sim('run', 'scenarios/gevent-10.json', '--json');
    const file = join(dir, 'run.json');
    const both = await sim('run', 'scenarios/gevent-10.json', '--json', file);
    expect(both.out).toBe(text.out);
    expect(readFileSync(file, 'utf8')).toBe(json.out);
    const planFile = join(dir, 'plan.json');
    const plan = await sim('plan', 'scenarios/plan-cpu-200.json', '--target-rps', '200', '--p99', '1s', '--jobs', '1', '--json', planFile);
    expect(plan.code).toBe(1);
    expect(plan.out).toContain('CPU demand 10.0 cores > 8 cores available');
    expect(JSON.parse(readFileSync(planFile, 'utf8')).explanation.infeasible).toBe(true);
  });
});

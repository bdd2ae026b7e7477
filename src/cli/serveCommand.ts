// sim serve [scenario.json]: the what-if page on a local web server (loopback only unless
// --host says otherwise), until Ctrl-C. The page is the static site `npm run build`
// writes to dist/site; the scenarios are the package's scenarios/ folder and the named file.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { budgetFields } from '../scenario/budgets.js';
import { UserError } from '../scenario/errors.js';
import { numberFlag, numberOption, singleValue } from './flags.js';
import { loadScenarioFile } from './loadScenarioFile.js';
import { defineCommand, example } from './command.js';

export const DEFAULT_PORT = 8080;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export const serveCommand = defineCommand({
  command: 'serve [scenario]',
  describe: 'Serve the what-if page: move a control, see the run and its curve change',
  builder: (c) =>
    c
      .positional('scenario', { type: 'string', describe: 'Scenario file (JSON) the page opens; default: scenarios/gevent-100.json' })
      .option('port', numberOption(`TCP port (default ${DEFAULT_PORT}); 0 picks a free one`))
      .option('host', {
        type: 'string',
        default: '127.0.0.1',
        describe: 'Address to listen on; anything but loopback lets other machines in',
      })
      .example(example('$0 serve', "the article's gevent scenarios, at http://127.0.0.1:8080/"))
      .example(example('$0 serve my-app.json --port 9000', 'your own scenario first')),
  handler: async (args, io) => {
    const port = numberFlag('--port', args.port, { whole: true, min: 0, max: 65535, why: 'a TCP port' }, '8080') ?? DEFAULT_PORT;
    const host = singleValue('--host', args.host, '127.0.0.1')!;
    // An empty --host would make Node listen on every interface: the opposite of the default.
    if (host.trim() !== host || host === '')
      throw new UserError(`--host ${JSON.stringify(args.host)}: expected an address such as 127.0.0.1 (or 0.0.0.0 for every interface)`);
    // Checked before serving, so a bad file fails here with sim run's message; serve takes
    // neither --max-events nor --set, so a budget too small is raised in the file.
    if (args.scenario !== undefined) loadScenarioFile(args.scenario, [], budgetFields(args.scenario));
    const root = packageRoot();
    const siteDir = join(root, 'dist', 'site');
    if (!existsSync(join(siteDir, 'index.html'))) {
      throw new UserError(`the page is not built (no ${join(siteDir, 'index.html')}): run npm run build:web`);
    }
    let site: Awaited<ReturnType<typeof import('./siteServer.js')['startSiteServer']>>;
    try {
      // Loaded here: Node's http module would slow every other command's start-up (docs/internals.md, "Performance").
      const { startSiteServer } = await import('./siteServer.js');
      site = await startSiteServer({ siteDir, scenariosDir: join(root, 'scenarios'), given: args.scenario, host, port });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new UserError(`--port ${port}: the port is in use; choose another (--port 0 picks a free one)`);
      // A port below net.ipv4.ip_unprivileged_port_start (1024) without root: "internal error: listen EACCES".
      if (code === 'EACCES' || code === 'EPERM')
        throw new UserError(
          `--port ${port}: permission denied: a port below 1024 takes root (or CAP_NET_BIND_SERVICE); choose one from 1024 (--port 0 picks a free one)`,
        );
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
        throw new UserError(`--host ${host}: not an address of this machine`);
      throw e;
    }
    if (!LOOPBACK.test(host)) io.err(`sim serve: listening on ${host}: other machines can open the page\n`);
    io.out(`Serving the what-if page at ${site.url}${args.scenario === undefined ? '' : ` (opens ${args.scenario})`}; Ctrl-C stops it.\n`);
    await new Promise<void>((stopped) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        site.close().then(stopped);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  },
});

/** The package's folder: the nearest one above this module that holds package.json (from dist/sim.cjs, dist/cli or src/cli). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the package folder of sim');
    dir = up;
  }
  return dir;
}

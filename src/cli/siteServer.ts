// The what-if page over HTTP, for `sim serve`: the built static site, plus a scenario list
// made from the scenarios folder at each request (a new file shows up on reload), with
// the scenario named on the command line first and opened by default. GET and HEAD only;
// nothing outside the site, the folder's scenario files and the named file is served.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { basename, extname, join, resolve, sep } from 'node:path';
import * as msg from '../messages.js';
import { maxInputBytes } from './loadScenarioFile.js';
import {
  DEFAULT_SCENARIO,
  isScenarioFileName,
  SCENARIO_INDEX,
  scenarioEntry,
  scenarioName,
  type ScenarioIndex,
} from '../web/scenarioIndex.js';

export interface SiteServerOptions {
  /** The built site (dist/site). */
  siteDir: string;
  /** Listed as the page's scenarios. */
  scenariosDir: string;
  /** A scenario file named on the command line: listed first, opened by default. */
  given?: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
}

export interface RunningSite {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
};

/**
 * Vega compiles its expressions with new Function ('unsafe-eval'); the charts set inline
 * styles; the run happens in a worker from the page's own origin.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The URL of the named file, apart from the folder's, so it may share a name with one of them. */
const GIVEN_PREFIX = 'given/';

export function startSiteServer(options: SiteServerOptions): Promise<RunningSite> {
  const server = createServer((request, response) => {
    try {
      handle(options, request, response);
    } catch (e) {
      send(response, 500, 'text/plain; charset=utf-8', `sim serve: ${(e as Error).message}\n`);
    }
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const { address, port } = server.address() as AddressInfo;
      const host = address.includes(':') ? `[${address}]` : address;
      resolvePromise({
        url: `http://${host}:${port}/`,
        close: () =>
          new Promise((done) => {
            // A browser holds keep-alive connections open; they would keep the server alive.
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

function handle(options: SiteServerOptions, request: IncomingMessage, response: ServerResponse): void {
  // DNS rebinding: a page on another site whose name resolves to this machine would be
  // same-origin with it. Only an address, localhost or the --host name itself is served.
  if (!allowedHost(request.headers.host, options.host)) {
    send(response, 421, 'text/plain; charset=utf-8', 'sim serve answers only to its own address (the Host header names another site)\n');
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    send(response, 405, 'text/plain; charset=utf-8', 'only GET and HEAD\n');
    return;
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname).slice(1);
  } catch {
    send(response, 400, 'text/plain; charset=utf-8', 'not a valid path\n');
    return;
  }
  if (path === SCENARIO_INDEX) {
    send(response, 200, TYPES['.json'], `${JSON.stringify(scenarioIndex(options), null, 2)}\n`, request);
    return;
  }
  if (options.given !== undefined && path === `${GIVEN_PREFIX}${basename(options.given)}`) {
    sendFile(response, options.given, request);
    return;
  }
  const scenario = /^scenarios\/([\w.-]+)$/.exec(path);
  if (scenario !== null) {
    if (!isScenarioFileName(scenario[1])) {
      notFound(response);
      return;
    }
    sendFile(response, join(options.scenariosDir, scenario[1]), request, options.scenariosDir);
    return;
  }
  const file = resolve(options.siteDir, path === '' ? 'index.html' : path);
  // resolve() has removed every "..": a path still inside the site is one of its files.
  if (!file.startsWith(resolve(options.siteDir) + sep)) {
    notFound(response);
    return;
  }
  sendFile(response, file, request, options.siteDir);
}

/** The Host header's name is an IP address, localhost, or the name sim serve was told to listen on. */
function allowedHost(header: string | undefined, listening: string): boolean {
  if (header === undefined) return false;
  let name: string;
  try {
    name = new URL(`http://${header}/`).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (name === 'localhost' || name === listening.toLowerCase()) return true;
  // An address is no DNS name: no other site can make a browser send it.
  return isIP(name.replace(/^\[|\]$/g, '')) !== 0;
}

function scenarioIndex(options: SiteServerOptions): ScenarioIndex {
  const listed = readdirSync(options.scenariosDir).filter(isScenarioFileName).sort();
  const index: ScenarioIndex = {
    default: listed.includes(`${DEFAULT_SCENARIO}.json`) ? DEFAULT_SCENARIO : scenarioName(listed[0] ?? ''),
    scenarios: [],
  };
  if (options.given !== undefined) {
    const fileName = basename(options.given);
    index.scenarios.push(scenarioEntry(fileName, `${GIVEN_PREFIX}${fileName}`, options.given, readJson(options.given)));
    index.default = scenarioName(fileName);
  }
  for (const fileName of listed) {
    // The named file wins over a listed one of the same name.
    if (index.scenarios.some((s) => s.name === scenarioName(fileName))) continue;
    const path = join(options.scenariosDir, fileName);
    index.scenarios.push(scenarioEntry(fileName, `scenarios/${fileName}`, `scenarios/${fileName}`, readJson(path)));
  }
  return index;
}

/** A file's JSON, or null when it is not JSON (the page then says what is wrong when it opens it). */
function readJson(path: string): unknown {
  try {
    // A huge file would block every request while it is read: listed, but not read.
    if (statSync(path).size > maxInputBytes()) return null;
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

function sendFile(response: ServerResponse, path: string, request: IncomingMessage, inside?: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) {
    notFound(response);
    return;
  }
  // A symbolic link out of the folder (scenarios/x.json -> /etc/passwd) is not served.
  if (inside !== undefined && !realpathSync(path).startsWith(realpathSync(inside) + sep)) {
    notFound(response);
    return;
  }
  // Read whole and at once, so a file larger than any scenario would stall every request.
  const size = statSync(path).size;
  if (size > maxInputBytes()) {
    send(
      response,
      413,
      'text/plain; charset=utf-8',
      `sim serve: ${basename(path)} is ${size} bytes, larger than ${msg.inputLimit(maxInputBytes())} (SIM_MAX_INPUT_MB)\n`,
    );
    return;
  }
  send(response, 200, TYPES[extname(path)] ?? 'application/octet-stream', readFileSync(path), request);
}

function notFound(response: ServerResponse): void {
  send(response, 404, 'text/plain; charset=utf-8', 'not found\n');
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer, request?: IncomingMessage): void {
  response.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    // A rebuilt page or an edited scenario shows on reload.
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    // The page loads only its own scripts, styles and workers, and is never framed.
    'Content-Security-Policy': CSP,
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
  });
  response.end(request?.method === 'HEAD' ? undefined : body);
}

// Debian's Chromium for the end-to-end tests, launched as this workplace needs it: headless,
// no sandbox (root), and none of the background connections a closed network refuses.
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { isCi } from './ci.js';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether the browser tests can run. Under CI a missing browser is a failure (a skipped
 * test there would pass unseen); elsewhere the tests are skipped with a line saying why
 * and how to get the browser.
 */
export function chromiumStatus(path: string, env: NodeJS.ProcessEnv): { available: boolean; skipped?: string } {
  if (existsSync(path)) return { available: true };
  if (isCi(env))
    throw new Error(
      `${path} is missing under CI=${env.CI}: the browser tests cannot run (.ci/run installs Debian's chromium and fonts-liberation)`,
    );
  return {
    available: false,
    skipped: `skipping the browser tests: ${path} is missing; install it with: sudo apt-get install chromium fonts-liberation (as .ci/run does)`,
  };
}

const status = chromiumStatus(CHROMIUM, process.env);
export const chromiumAvailable = status.available;
if (status.skipped !== undefined) console.warn(status.skipped);

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * What goes wrong on `page` from now on, as it happens: console errors and warnings, page
 * errors and failed requests. A page that works leaves it empty.
 */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  return problems;
}

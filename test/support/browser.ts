/**
 * Headless Chromium from Debian (`apt-get install -y chromium`; `npm test` installs it when missing), driven
 * by playwright-core. Without it the browser tests FAIL with a message saying so; they never skip.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * --no-sandbox because CI runs as root; the networking flags keep Chromium from calling out of a machine
 * whose network is closed.
 */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A browser with a fresh, empty profile (--user-data-dir), removed when it is closed. */
export async function launchChromium(viewport?: { width: number; height: number }): Promise<Chromium> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser tests need headless Chromium. Install it with \`apt-get update && apt-get install -y chromium\` (or set CHROMIUM_PATH).${process.env.CI ? ' CI must install it before running the tests.' : ''}`);
  }
  const profile = mkdtempSync(path.join(tmpdir(), 'sonar-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, ...(viewport ? { viewport } : {}), args: ARGS });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface PageTrouble {
  console: string[];
  failedRequests: string[];
  errors: string[];
  /** Every request the page made that did not go to the service itself. */
  outside: string[];
}

/** Records what a page logs, fails, throws, and fetches from anywhere but `base`. */
export function watch(page: Page, base: string): PageTrouble {
  const trouble: PageTrouble = { console: [], failedRequests: [], errors: [], outside: [] };
  page.on('console', (m) => trouble.console.push(`${m.type()}: ${m.text()}`));
  page.on('requestfailed', (r) => trouble.failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(`${base}/`)) trouble.outside.push(r.url());
  });
  page.on('pageerror', (e) => trouble.errors.push(e.message));
  return trouble;
}

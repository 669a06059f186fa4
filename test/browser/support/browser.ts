import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { ARTIFACTS_DIR } from '../../support/env.js';

/** Debian's chromium (apt-get install -y --no-install-recommends chromium). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that keep Chromium from connecting anywhere but loopback (environment.md §9). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
  '--disable-features=MediaRouter,OptimizationHints,AutofillServerCommunication,DialMediaRouteProvider',
  '--no-default-browser-check',
  '--metrics-recording-only',
  '--password-store=basic',
  '--use-mock-keychain',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}

/** Problems a page must not have: script errors, CSP violations, requests to anywhere but loopback. */
export interface PageWatch {
  errors: string[];
  offBox: string[];
  /** panel files (scripts, styles, RSC payloads) the gateway did not find */
  missing: string[];
}

/** A fresh context (own storage) and page, watched for errors and off-box requests. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const watch: PageWatch = { errors: [], offBox: [], missing: [] };
  page.on('pageerror', (e) => watch.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    // 4xx answers the test provokes (wrong password, unknown key) are logged by Chromium as resource errors
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) watch.errors.push(`console: ${text}`);
  });
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (r.status() >= 400 && (url.pathname.startsWith('/_next/') || url.pathname.endsWith('.txt'))) watch.missing.push(`${r.status()} ${url.pathname}${url.search}`);
  });
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (!['127.0.0.1', 'localhost'].includes(url.hostname) && !['data:', 'blob:'].includes(url.protocol)) watch.offBox.push(r.url());
  });
  return { context, page, watch };
}

/** Saves a full-page screenshot as an artifact: `${CLIGATE_TEST_ARTIFACTS}/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(ARTIFACTS_DIR, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchBrowser, openPage, type PageWatch } from '../browser/support/browser.js';
import { AdminClient } from './admin-client.js';
import { freePort } from './free-port.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';

/** The panel as `npm run build -w @cligate/panel` exports it, for the gateway to serve. */
export const PANEL_DIR = fileURLToPath(new URL('../../apps/panel/out', import.meta.url));

/** Timeout of one browser test. */
export const SLOW = 90_000;

export interface PanelBrowserOptions {
  /** name of the gateway's log artifact */
  name: string;
  panelPassword: string;
  apiPassword: string;
  /** the rest of the gateway's environment: fakes, credentials, … */
  env: Record<string, string>;
}

/**
 * A real gateway process (embedded mode) serving the built panel, and Debian's Chromium to drive it
 * (test/browser/support/browser.ts). Every page it opens is watched; `expectCleanPages` checks and
 * forgets them, after each test.
 */
export class PanelBrowser {
  readonly admin: AdminClient;
  private readonly watches: PageWatch[] = [];

  private constructor(
    readonly gateway: GatewayProcess,
    readonly browser: Browser,
    private readonly panelPassword: string,
  ) {
    this.admin = new AdminClient(gateway.url, panelPassword);
  }

  /** Starts the gateway (PANEL_PASSWORD, API_PASSWORD, the panel, a free OAuth callback port, then `env`), then the browser. */
  static async start(options: PanelBrowserOptions): Promise<PanelBrowser> {
    const gateway = await startGatewayProcess({
      name: options.name,
      env: {
        PANEL_PASSWORD: options.panelPassword,
        API_PASSWORD: options.apiPassword,
        CLIGATE_PANEL_DIR: PANEL_DIR,
        OAUTH_CALLBACK_PORT: String(await freePort()),
        ...options.env,
      },
      timeoutMs: 60_000,
    });
    try {
      return new PanelBrowser(gateway, await launchBrowser(), options.panelPassword);
    } catch (e) {
      await gateway.stop();
      throw e;
    }
  }

  get url(): string {
    return this.gateway.url;
  }

  /** A fresh context and page, watched until the next `expectCleanPages`. */
  async page(options: BrowserContextOptions = {}) {
    const opened = await openPage(this.browser, options);
    this.watches.push(opened.watch);
    return opened;
  }

  /** Signs in with the panel password: on to `next` when given, else to the dashboard the login page picks. */
  async login(p: Page, next?: string): Promise<void> {
    await p.goto(next === undefined ? `${this.url}/login/` : `${this.url}/login/?next=${encodeURIComponent(next)}`);
    await p.getByTestId('login-password').fill(this.panelPassword);
    await p.getByTestId('login-submit').click();
    await p.waitForURL((url) => url.pathname === (next ?? '/dashboard/'));
  }

  /** No page may throw, violate its CSP or reach beyond loopback. */
  expectCleanPages(): void {
    for (const w of this.watches.splice(0)) {
      expect(w.errors).toEqual([]);
      expect(w.offBox).toEqual([]);
      expect(w.missing).toEqual([]);
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.gateway.stop();
  }
}

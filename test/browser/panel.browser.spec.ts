import { zipSync, strToU8 } from 'fflate';
import OpenAI from 'openai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGoogle, type FakeGoogle } from '../fakes/fake-google.js';
import { ANTIGRAVITY_CLIENT_ID, startFakeAntigravity, type FakeAntigravity } from '../fakes/fake-antigravity.js';
import { gcli2apiFile } from '../support/admin-client.js';
import { freePort } from '../support/free-port.js';
import { startGatewayProcess } from '../support/gateway-process.js';
import { PANEL_DIR, PanelBrowser, SLOW } from '../support/panel-browser.js';
import { screenshot } from './support/browser.js';

const PANEL_PASSWORD = 'browser-panel-7f3a';
const API_PASSWORD = 'browser-api-2b8c';

/**
 * The panel in Debian's Chromium (playwright-core) against a real gateway process (embedded mode)
 * and the fake Google: every flow of issue 4, one screenshot each.
 */
describe('panel in a browser', () => {
  let google: FakeGoogle;
  let ag: FakeAntigravity;
  let panel: PanelBrowser;

  beforeAll(async () => {
    google = await startFakeGoogle();
    const resident = google.addAccount({ email: 'resident@example.com' });
    ag = await startFakeAntigravity();
    panel = await PanelBrowser.start({
      name: 'browser-panel',
      panelPassword: PANEL_PASSWORD,
      apiPassword: API_PASSWORD,
      env: {
        ...google.env,
        ...ag.env,
        ANTIGRAVITY_SETUP_URL: ag.url,
        ANTIGRAVITY_OAUTH_CALLBACK_PORT: String(await freePort()),
        GCLI_CREDS_RESIDENT: gcli2apiFile(resident),
      },
    });
  }, 120_000);

  afterAll(async () => {
    await panel?.close();
    await google?.close();
    await ag?.close();
  });

  afterEach(() => panel.expectCleanPages());

  it(
    'logs in',
    async () => {
      const { page: p, context } = await panel.page();
      await p.goto(`${panel.url}/dashboard/`);
      await p.waitForURL(/\/login\/\?next=/);
      await p.getByTestId('login-password').fill('not-the-password');
      await p.getByTestId('login-submit').click();
      await expect.poll(() => p.getByTestId('login-error').textContent()).toBe('Wrong password.');
      await p.getByTestId('login-password').fill(PANEL_PASSWORD);
      await p.getByTestId('login-submit').click();
      await p.waitForURL(/\/dashboard\/$/);
      await p.getByTestId('cred-row').first().waitFor();
      expect(await p.getByTestId('cred-row').first().getAttribute('data-email')).toBe('resident@example.com');
      const brand = await p.locator('header a').first().evaluate((el) => getComputedStyle(el).color);
      expect(brand).toBe('rgb(37, 99, 235)');
      // the token lives in sessionStorage only
      expect(await p.evaluate(() => Object.keys(sessionStorage))).toEqual(['cligate.session']);
      expect(await p.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('session')))).toEqual([]);
      await screenshot(p, 'login-dashboard');
      await p.getByTestId('logout').click();
      await p.waitForURL(/\/login\/$/);
      await context.close();
    },
    SLOW,
  );

  it(
    'donates an account by pasting the callback URL',
    async () => {
      const { page: p, context } = await panel.page();
      await p.goto(`${panel.url}/auth`);
      await p.getByTestId('donation-start').click();
      const authUrl = new URL((await p.getByTestId('donation-auth-url').getAttribute('href'))!);
      expect(authUrl.hostname).toBe('accounts.google.com');
      const state = authUrl.searchParams.get('state')!;
      const redirectUri = authUrl.searchParams.get('redirect_uri')!;
      // what Google would redirect the donor's browser to after consent
      const code = google.issueAuthCode('donor@example.com', { redirectUri });
      await p.getByTestId('donation-callback-input').fill(`${redirectUri}?state=${state}&code=${encodeURIComponent(code)}&scope=email%20profile`);
      await p.getByTestId('donation-submit').click();
      const result = p.getByTestId('donation-result');
      await result.waitFor();
      expect(await result.getAttribute('data-status')).toBe('success');
      expect(await p.getByTestId('donation-email').textContent()).toBe('donor@example.com');
      expect(await p.getByTestId('donation-project').textContent()).toBe('proj-donor-example-com');
      await screenshot(p, 'donation-success');
      expect(await panel.admin.credentialByEmail('donor@example.com')).toMatchObject({ source: 'oauth', tier: 'free-tier' });
      await context.close();
    },
    SLOW,
  );

  it(
    'donates an Antigravity account chosen in the account-type selector',
    async () => {
      const { page: p, context } = await panel.page({ locale: 'zh-CN' });
      await p.goto(`${panel.url}/auth/`);
      const select = p.getByTestId('donation-type');
      await select.waitFor();
      expect(await select.inputValue()).toBe('gemini-cli');
      expect(await select.locator('option[value="antigravity"]').textContent()).toBe('Antigravity（Google 账号）');
      await select.selectOption('antigravity');
      await p.getByTestId('donation-start').click();
      const authUrl = new URL((await p.getByTestId('donation-auth-url').getAttribute('href'))!);
      expect(authUrl.searchParams.get('client_id')).toBe(ANTIGRAVITY_CLIENT_ID);
      expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
      const redirectUri = authUrl.searchParams.get('redirect_uri')!;
      expect(redirectUri).toMatch(/^http:\/\/localhost:\d+\/oauth-callback$/);
      const code = ag.issueAuthCode('ag-donor@example.com', { redirectUri, codeChallenge: authUrl.searchParams.get('code_challenge')!, clientId: ANTIGRAVITY_CLIENT_ID });
      await p.getByTestId('donation-callback-input').fill(`${redirectUri}?state=${authUrl.searchParams.get('state')}&code=${encodeURIComponent(code)}`);
      await p.getByTestId('donation-submit').click();
      await p.getByTestId('donation-result').waitFor();
      expect(await p.getByTestId('donation-email').textContent()).toBe('ag-donor@example.com');
      expect(await p.getByTestId('donation-project').textContent()).toBe('ag-proj-ag-donor-example-com');
      await screenshot(p, 'donation-antigravity');
      expect(await panel.admin.credentialByEmail('ag-donor@example.com')).toMatchObject({ backend_type: 'antigravity', source: 'oauth' });
      await context.close();
    },
    SLOW,
  );

  it(
    'explains a failed donation and finishes it with a project id',
    async () => {
      google.addAccount({ email: 'paid@example.com', project: null, onboardTier: 'standard-tier' });
      const { page: p, context } = await panel.page({ locale: 'zh-CN' });
      await p.goto(`${panel.url}/auth/`);
      await p.getByTestId('donation-start').click();
      const authUrl = new URL((await p.getByTestId('donation-auth-url').getAttribute('href'))!);
      const redirectUri = authUrl.searchParams.get('redirect_uri')!;
      const code = google.issueAuthCode('paid@example.com', { redirectUri });
      await p.getByTestId('donation-callback-input').fill('http://localhost/?nothing=here');
      expect(await p.getByTestId('donation-submit').isDisabled()).toBe(true);
      await p.getByTestId('donation-callback-input').fill(`${redirectUri}?state=${authUrl.searchParams.get('state')}&code=${encodeURIComponent(code)}`);
      await p.getByTestId('donation-submit').click();
      const error = p.getByTestId('donation-error');
      await error.waitFor();
      expect(await error.getAttribute('data-code')).toBe('project_required');
      expect(await error.textContent()).toContain('该账号需要 Google Cloud 项目 ID');
      await screenshot(p, 'donation-project-required');
      await p.getByTestId('donation-retry-project').fill('paid-project-7');
      await p.getByTestId('donation-retry').click();
      await p.getByTestId('donation-result').waitFor();
      expect(await p.getByTestId('donation-project').textContent()).toBe('paid-project-7');
      expect(await p.getByTestId('donation-email').textContent()).toBe('paid@example.com');
      await context.close();
    },
    SLOW,
  );

  it(
    'creates a key, copies it, spends it, and sees the usage on /api-key-query and in the admin list',
    async () => {
      const { page: p, context } = await panel.page();
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: panel.url });
      await panel.login(p);
      await p.getByTestId('nav-keys').click();
      await p.waitForURL(/\/api-key-admin\/$/);
      await p.getByTestId('key-quota').fill('500');
      await p.getByTestId('key-description').fill('browser test key');
      await p.getByTestId('key-create').click();
      const field = p.getByTestId('new-api-key');
      await field.waitFor();
      const shown = await field.inputValue();
      expect(shown).toMatch(/^sk-[\w-]{20,}$/);
      await p.getByTestId('copy-new-key').click();
      const copied = await p.evaluate(() => navigator.clipboard.readText());
      expect(copied).toBe(shown);
      await screenshot(p, 'key-created');

      const openai = new OpenAI({ apiKey: copied, baseURL: `${panel.url}/v1`, maxRetries: 0 });
      const completion = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'spend me' }] });
      expect(completion.choices[0]!.message.content).toContain('spend me');

      const query = await panel.page();
      await query.page.goto(`${panel.url}/api-key-query`);
      await query.page.getByTestId('query-key-input').fill(copied);
      await query.page.getByTestId('query-submit').click();
      await query.page.getByTestId('query-result').waitFor();
      const used = Number(await query.page.getByTestId('query-used').getAttribute('data-value'));
      expect(used).toBeGreaterThan(0);
      expect(await query.page.getByTestId('query-recent-row').count()).toBeGreaterThanOrEqual(1);
      expect(await query.page.getByTestId('query-recent').textContent()).toContain('gemini-2.5-flash');
      expect(await query.page.getByTestId('query-model').first().getAttribute('data-model')).toBe('gemini-2.5-flash');
      // nothing is stored unless asked
      expect(await query.page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('key')))).toEqual([]);
      await screenshot(query.page, 'key-query');
      await query.context.close();

      await p.reload();
      const row = p.locator('[data-testid="key-row"]', { hasText: 'browser test key' });
      await row.waitFor();
      await expect.poll(async () => Number(await row.getByTestId('key-used').getAttribute('data-used'))).toBe(used);
      await screenshot(p, 'key-admin-list');
      await context.close();
    },
    SLOW,
  );

  it(
    'uploads a zip and shows its per-file results',
    async () => {
      const { page: p, context } = await panel.page();
      await panel.login(p);
      const zipped = zipSync({
        'pool/first.json': strToU8(gcli2apiFile(google.addAccount({ email: 'zip-one@example.com' }))),
        'pool/second.json': strToU8(gcli2apiFile(google.addAccount({ email: 'zip-two@example.com' }))),
        'pool/broken.json': strToU8('{"client_id": "x"}'),
        '__MACOSX/pool/._first.json': strToU8('junk'),
      });
      await p.getByTestId('upload-input').setInputFiles({ name: 'credentials.zip', mimeType: 'application/zip', buffer: Buffer.from(zipped) });
      const results = p.getByTestId('upload-result');
      await p.getByTestId('upload-results').waitFor();
      expect(await results.count()).toBe(3);
      const byName = Object.fromEntries(
        await Promise.all((await results.all()).map(async (r) => [await r.getAttribute('data-filename'), await r.getAttribute('data-status')] as const)),
      );
      expect(byName).toStrictEqual({ 'broken.json': 'error', 'first.json': 'success', 'second.json': 'success' });
      expect(await p.getByTestId('upload-summary').textContent()).toBe('2 of 3 imported');
      await p.locator('[data-testid="cred-row"][data-email="zip-two@example.com"]').waitFor();
      await screenshot(p, 'upload-zip');
      await context.close();
    },
    SLOW,
  );

  it(
    'disables a credential',
    async () => {
      const { page: p, context } = await panel.page();
      await panel.login(p);
      const row = p.locator('[data-testid="cred-row"][data-email="resident@example.com"]');
      await row.waitFor();
      expect(await row.getByTestId('cred-state').getAttribute('data-state')).toBe('ready');
      await row.getByTestId('cred-disable').click();
      await expect.poll(() => row.getByTestId('cred-state').getAttribute('data-state')).toBe('disabled');
      await row.getByTestId('cred-enable').waitFor();
      expect(await panel.admin.credentialByEmail('resident@example.com')).toMatchObject({ disabled: true, disabled_reason: 'disabled by admin' });
      await screenshot(p, 'credential-disabled');
      await row.getByTestId('cred-enable').click();
      await expect.poll(() => row.getByTestId('cred-state').getAttribute('data-state')).toBe('ready');
      await context.close();
    },
    SLOW,
  );

  it(
    'watches a request appear in the live log',
    async () => {
      const { page: p, context } = await panel.page();
      await panel.login(p);
      await p.getByTestId('nav-logs').click();
      await p.waitForURL(/\/dashboard\/logs\/$/);
      await expect.poll(() => p.getByTestId('log-status').getAttribute('data-status')).toBe('open');
      const openai = new OpenAI({ apiKey: API_PASSWORD, baseURL: `${panel.url}/v1`, maxRetries: 0 });
      const { response } = await openai.chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'hello log' }] }).withResponse();
      const requestId = response.headers.get('x-request-id')!;
      expect(requestId).toBeTruthy();
      await p.getByTestId('log-search').fill(requestId);
      const line = p.locator('[data-testid="log-line"]', { hasText: requestId });
      await line.first().waitFor({ timeout: 15_000 });
      expect(await line.first().textContent()).toContain('gemini-2.5-pro');
      await screenshot(p, 'live-log');
      // pause holds new lines back and counts them
      await p.getByTestId('log-search').fill('');
      await p.getByTestId('log-pause').click();
      await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'while paused' }] });
      await expect.poll(() => p.getByTestId('log-pause').textContent(), { timeout: 10_000 }).toMatch(/Resume \([1-9]\d* new\)/);
      await p.getByTestId('log-pause').click();
      await context.close();
    },
    SLOW,
  );

  it(
    'shows usage charts and edits settings (hot, restart, env-locked)',
    async () => {
      const { page: p, context } = await panel.page();
      const openai = new OpenAI({ apiKey: API_PASSWORD, baseURL: `${panel.url}/v1`, maxRetries: 0 });
      await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'count me' }] });
      await panel.login(p);
      await p.getByTestId('nav-usage').click();
      await p.waitForURL(/\/dashboard\/usage\/$/);
      await p.getByTestId('chart-day').waitFor();
      expect(Number((await p.getByTestId('usage-total-requests').textContent())!.replace(/\D/g, ''))).toBeGreaterThan(0);
      expect(await p.getByTestId('chart-day').locator('[data-testid="chart-bar"]').count()).toBe(30);
      expect(await p.getByTestId('chart-model').getByTestId('bar-row').count()).toBeGreaterThan(0);
      await screenshot(p, 'usage-charts');

      await p.getByTestId('nav-settings').click();
      await p.waitForURL(/\/dashboard\/settings\/$/);
      const panelPassword = p.locator('[data-testid="setting"][data-key="panel_password"]');
      await panelPassword.getByTestId('setting-locked').waitFor();
      expect(await panelPassword.getByTestId('setting-locked').textContent()).toContain('PANEL_PASSWORD');
      expect(await p.locator('[data-testid="setting"][data-key="port"]').textContent()).toContain('PORT');
      const rotation = p.locator('[data-testid="setting"][data-key="calls_per_rotation"] input');
      await rotation.fill('7');
      await p.getByTestId('settings-save').click();
      await p.getByTestId('settings-result').waitFor();
      expect(await p.getByTestId('settings-result').textContent()).toContain('calls_per_rotation');
      expect((await panel.admin.json('GET', '/config/get')).body.config.calls_per_rotation).toBe(7);
      await screenshot(p, 'settings');
      await context.close();
    },
    SLOW,
  );

  it(
    'keeps the live log going across a gateway restart',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cligate-browser-restart-'));
      const port = String(await freePort());
      const env = { ...google.env, PANEL_PASSWORD, API_PASSWORD, CLIGATE_PANEL_DIR: PANEL_DIR, PORT: port };
      let restartable = await startGatewayProcess({ name: 'browser-restart-1', env, dataDir, timeoutMs: 60_000 });
      try {
        const { page: p, context, watch } = await panel.page();
        await p.goto(`${restartable.url}/login/?next=/dashboard/logs/`);
        await p.getByTestId('login-password').fill(PANEL_PASSWORD);
        await p.getByTestId('login-submit').click();
        await p.waitForURL(/\/dashboard\/logs\/$/);
        await expect.poll(() => p.getByTestId('log-status').getAttribute('data-status')).toBe('open');
        await restartable.stop();
        await expect.poll(() => p.getByTestId('log-status').getAttribute('data-status')).toBe('reconnecting');
        restartable = await startGatewayProcess({ name: 'browser-restart-2', env, dataDir, timeoutMs: 60_000 });
        await expect.poll(() => p.getByTestId('log-status').getAttribute('data-status'), { timeout: 60_000 }).toBe('open');
        // the second process's start-up lines arrive on the same page
        await expect
          .poll(async () => (await p.getByTestId('log-box').textContent())!.split('cligate gateway listening').length - 1, { timeout: 30_000 })
          .toBeGreaterThanOrEqual(2);
        await screenshot(p, 'live-log-reconnected');
        // while the gateway was down, the socket's reconnection attempts and Next's link prefetches were refused, and
        // a call that reached it while it drained or started was answered 503 (with Retry-After, by design): expected here
        watch.errors = watch.errors.filter(
          (e) => !/net::ERR_(CONNECTION_(REFUSED|RESET)|SOCKET_NOT_CONNECTED)|status of 503 \(Service Unavailable\)/.test(e),
        );
        watch.missing = watch.missing.filter((m) => !m.startsWith('503 '));
        await context.close();
      } finally {
        await restartable.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    SLOW,
  );

  it(
    'shows the background jobs, runs one now, and switches language',
    async () => {
      const { page: p, context, watch } = await panel.page();
      await panel.login(p);
      await p.getByTestId('nav-jobs').click();
      await p.waitForURL(/\/dashboard\/jobs\/$/);
      const cards = p.getByTestId('job-card');
      await expect.poll(() => cards.count()).toBe(6);
      const names = await Promise.all((await cards.all()).map((c) => c.getAttribute('data-name')));
      expect(names.sort()).toEqual(['fetch-emails', 'probe-credentials', 'prune-usage', 're-encrypt-credentials', 'refresh-tokens', 'usage-rollup']);
      // embedded mode: no Redis, the jobs run on this process's timers
      expect(await p.getByTestId('jobs-backend').getAttribute('data-backend')).toBe('in-process');
      expect(await p.locator('[data-testid="job-count"][data-state="running"]').count()).toBe(1);
      expect(await p.locator('h1').textContent()).toBe('Background jobs');

      const rollup = p.locator('[data-testid="job-card"][data-name="usage-rollup"]');
      expect(await rollup.getByTestId('job-title').textContent()).toBe('Usage rollup');
      expect(await rollup.getByTestId('job-interval').textContent()).toBe('10 minutes');
      expect(await p.locator('[data-testid="job-card"][data-name="prune-usage"]').getByTestId('job-interval').textContent()).toBe('6 hours');
      const runsBefore = Number(await rollup.getByTestId('job-runs').getAttribute('data-value'));
      await rollup.getByTestId('job-run').click();
      const result = rollup.getByTestId('job-run-result');
      await result.waitFor();
      expect(await result.getAttribute('data-outcome')).toBe('success');
      // the rollup reports the day it started from and the groups it wrote
      await rollup.locator('[data-testid="job-run-output"] [data-testid="result-entry"][data-key="groups"]').waitFor();
      expect(await rollup.locator('[data-testid="job-run-output"] [data-key="from"]').textContent()).toMatch(/^from:\s*\d{4}-\d{2}-\d{2}$/);
      // the card reloads with the run counted and its result as the last one
      await expect.poll(async () => Number(await rollup.getByTestId('job-runs').getAttribute('data-value'))).toBe(runsBefore + 1);
      await rollup.locator('[data-testid="job-last-result"] [data-key="groups"]').waitFor();
      expect(await rollup.getAttribute('data-health')).toBe('ok');
      const status = (await panel.admin.json('GET', '/jobs/status')).body;
      expect(status.jobs.find((j: { name: string }) => j.name === 'usage-rollup')).toMatchObject({ runs: runsBefore + 1, lastError: null });
      await screenshot(p, 'jobs-en');

      // a run that takes a while shows its progress, and a failed run shows the gateway's error
      const prune = p.locator('[data-testid="job-card"][data-name="prune-usage"]');
      let release = () => {};
      const held = new Promise<void>((r) => (release = r));
      await p.route('**/jobs/prune-usage/run', async (route) => {
        await held;
        await route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ detail: 'job prune-usage failed: disk full', code: 'upstream_unavailable' }) });
      });
      await prune.getByTestId('job-run').click();
      await prune.getByTestId('job-run-progress').waitFor();
      expect(await prune.getByTestId('job-run').isDisabled()).toBe(true);
      release();
      await prune.getByTestId('job-run-result').waitFor();
      expect(await prune.getByTestId('job-run-result').getAttribute('data-outcome')).toBe('error');
      expect(await prune.getByTestId('job-run-error').textContent()).toBe('job prune-usage failed: disk full');
      expect(await prune.getByTestId('job-run').isDisabled()).toBe(false);
      await p.unroute('**/jobs/prune-usage/run');
      watch.errors = watch.errors.filter((e) => !/status of 500/.test(e));

      await p.getByTestId('lang-zh').click();
      await expect.poll(() => p.locator('h1').textContent()).toBe('后台任务');
      expect(await p.getByTestId('nav-jobs').textContent()).toBe('后台任务');
      expect(await rollup.getByTestId('job-title').textContent()).toBe('用量汇总');
      expect(await rollup.getByTestId('job-interval').textContent()).toBe('10分钟');
      expect(await rollup.getByTestId('job-run').textContent()).toBe('立即运行');
      expect(await p.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
      await screenshot(p, 'jobs-zh');

      // and on a phone: the cards stack, nothing overflows sideways
      await p.setViewportSize({ width: 390, height: 844 });
      await expect.poll(() => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await screenshot(p, 'jobs-mobile');
      await context.close();
    },
    SLOW,
  );

  it(
    'switches language',
    async () => {
      const { page: p, context } = await panel.page({ locale: 'zh-CN' });
      await p.goto(`${panel.url}/auth/`);
      await expect.poll(() => p.locator('h1').textContent()).toBe('捐赠 Google 账号');
      expect(await p.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
      await screenshot(p, 'language-zh');
      await p.getByTestId('lang-en').click();
      await expect.poll(() => p.locator('h1').textContent()).toBe('Donate a Google account');
      await p.reload();
      await expect.poll(() => p.locator('h1').textContent()).toBe('Donate a Google account');
      await screenshot(p, 'language-en');
      await p.getByTestId('lang-zh').click();
      await panel.login(p);
      await expect.poll(() => p.getByTestId('nav-credentials').textContent()).toBe('凭证');
      await context.close();
    },
    SLOW,
  );

  it(
    'works on a phone-sized screen',
    async () => {
      const { page: p, context } = await panel.page({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      await panel.login(p);
      await p.locator('[data-testid="cred-card"]').first().waitFor();
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(p, 'mobile-dashboard');
      await context.close();
    },
    SLOW,
  );
});

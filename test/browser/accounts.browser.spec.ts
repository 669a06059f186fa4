import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_CODE_CLIENT_ID, startFakeAnthropic, type FakeAnthropic } from '../fakes/fake-anthropic.js';
import { ANTIGRAVITY_CLIENT_ID, startFakeAntigravity, type FakeAntigravity } from '../fakes/fake-antigravity.js';
import { CODEX_CLIENT_ID, startFakeCodex, type FakeCodex } from '../fakes/fake-codex.js';
import { startFakeGoogle, type FakeGoogle } from '../fakes/fake-google.js';
import { freePort } from '../support/free-port.js';
import { PanelBrowser, SLOW } from '../support/panel-browser.js';
import { registerSecrets } from '../support/secrets.js';
import { screenshot } from './support/browser.js';

const PANEL_PASSWORD = 'browser-accounts-panel-6c2e';
const API_PASSWORD = 'browser-accounts-api-1d7b';
const CLAUDE_EMAIL = 'claude-browser@example.com';
const CODEX_EMAIL = 'codex-browser@example.com';
const AG_ONE = 'ag-one@example.com';
const AG_TWO = 'ag-two@example.com';

/** An ISO time `hours` from now, without milliseconds (as Antigravity reports resets). */
const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Accounts of every OAuth kind through the panel, in Debian's Chromium against a real gateway process
 * (embedded mode) pointed at the fakes: Claude Code and Codex (ChatGPT) accounts signed in from the
 * credentials page (open the link, paste `code#state` or the final address; refused pastes explained),
 * Google kinds sent to /auth with their type chosen, Antigravity accounts' models and quotas, and every
 * upstream URL setting labelled and grouped in both languages. The tests run in order and share the gateway.
 */
describe('OAuth accounts, Antigravity quotas and endpoint settings in a browser', () => {
  let google: FakeGoogle;
  let claude: FakeAnthropic;
  let codex: FakeCodex;
  let ag: FakeAntigravity;
  let panel: PanelBrowser;
  /** codes handed to the gateway: secrets too */
  const codes: string[] = [];

  const row = (p: Page, email: string) => p.locator(`[data-testid="cred-row"][data-email="${email}"]`);

  async function openAddAccount(p: Page, kind: string) {
    await p.getByTestId('creds-add-account').click();
    const dialog = p.getByTestId('account-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('account-kind').selectOption(kind);
    return dialog;
  }

  beforeAll(async () => {
    google = await startFakeGoogle();
    claude = await startFakeAnthropic();
    codex = await startFakeCodex();
    ag = await startFakeAntigravity();
    const one = ag.addAccount({ email: AG_ONE });
    const two = ag.addAccount({ email: AG_TWO });
    registerSecrets([one.refreshToken, one.accessToken, two.refreshToken, two.accessToken]);
    panel = await PanelBrowser.start({
      name: 'browser-accounts',
      panelPassword: PANEL_PASSWORD,
      apiPassword: API_PASSWORD,
      env: {
        ...google.env,
        CLAUDE_API_BASE_URL: claude.url,
        CLAUDE_OAUTH_AUTHORIZE_URL: `${claude.url}/oauth/authorize`,
        CLAUDE_OAUTH_TOKEN_URL: `${claude.url}/v1/oauth/token`,
        CODEX_API_BASE_URL: codex.apiBaseUrl,
        CODEX_OAUTH_ISSUER: codex.url,
        CODEX_CHATGPT_BASE_URL: codex.chatgptBaseUrl,
        ...ag.env,
        ANTIGRAVITY_SETUP_URL: ag.url,
        ANTIGRAVITY_OAUTH_CALLBACK_PORT: String(await freePort()),
        // the fakes listen on loopback
        CLIGATE_ALLOW_PRIVATE_UPSTREAMS: 'true',
      },
    });
    const uploaded = await panel.admin.upload([
      { name: 'ag-one.json', content: JSON.stringify({ type: 'antigravity', refresh_token: one.refreshToken, email: AG_ONE }) },
      { name: 'ag-two.json', content: JSON.stringify({ type: 'antigravity', refresh_token: two.refreshToken, email: AG_TWO }) },
    ]);
    expect(uploaded.body.results.map((r: { status: string }) => r.status)).toEqual(['success', 'success']);
  }, 120_000);

  afterAll(async () => {
    const secrets: Array<string | undefined> = [...codes];
    const c = claude?.account(CLAUDE_EMAIL);
    if (c) secrets.push(c.accessToken, c.refreshToken);
    const x = codex?.account(CODEX_EMAIL);
    if (x) secrets.push(x.accessToken, x.refreshToken, x.idToken);
    registerSecrets(secrets);
    await panel?.close();
    await Promise.all([google?.close(), claude?.close(), codex?.close(), ag?.close()]);
  });

  afterEach(() => panel.expectCleanPages());

  it(
    'signs a Claude Code account in from the credentials page: the link, a refused paste, the pasted code#state, the new row',
    async () => {
      const { page: p, context } = await panel.page();
      await panel.login(p);
      const dialog = await openAddAccount(p, 'claude-oauth');
      // every account kind is offered, by name
      expect(await dialog.getByTestId('account-kind').locator('option').allTextContents()).toEqual(
        expect.arrayContaining(['Claude Code account', 'ChatGPT account (Codex)', 'Gemini CLI', 'Antigravity']),
      );
      await dialog.getByTestId('account-start').click();
      const link = dialog.getByTestId('account-auth-url');
      await link.waitFor();
      const authUrl = new URL((await link.getAttribute('href'))!);
      expect(`${authUrl.origin}${authUrl.pathname}`).toBe(`${claude.url}/oauth/authorize`);
      expect(authUrl.searchParams.get('client_id')).toBe(CLAUDE_CODE_CLIENT_ID);
      expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
      expect(await link.getAttribute('target')).toBe('_blank');
      const state = authUrl.searchParams.get('state')!;
      const redirectUri = authUrl.searchParams.get('redirect_uri')!;
      // Claude's last page shows code#state
      expect(await dialog.getByTestId('account-paste-hint').getAttribute('data-paste')).toBe('code');
      expect(await dialog.getByTestId('account-expires').textContent()).toMatch(/The sign-in works for (30m 00s|29m \d\ds)\./);

      // a code of another sign-in is refused, with the gateway's reason; the sign-in stays open
      await dialog.getByTestId('account-pasted').fill('someothercode#someotherstate');
      await dialog.getByTestId('account-submit').click();
      await dialog.getByTestId('account-error').waitFor();
      expect(await dialog.getByTestId('account-error-message').textContent()).toContain('belongs to another sign-in');

      const code = claude.issueAuthCode(CLAUDE_EMAIL, { redirectUri, codeChallenge: authUrl.searchParams.get('code_challenge')!, state });
      codes.push(code);
      await dialog.getByTestId('account-pasted').fill(`${code}#${state}`);
      await dialog.getByTestId('account-submit').click();
      const result = dialog.getByTestId('account-result');
      await result.waitFor();
      expect(await result.getAttribute('data-status')).toBe('success');
      expect(await dialog.getByTestId('account-email').textContent()).toBe(CLAUDE_EMAIL);
      expect(await dialog.getByTestId('account-error').count()).toBe(0);
      await screenshot(p, 'account-claude-signed-in');

      await dialog.getByTestId('account-close').click();
      await dialog.waitFor({ state: 'detached' });
      const added = row(p, CLAUDE_EMAIL);
      await added.waitFor();
      expect(await added.getAttribute('data-kind')).toBe('claude-oauth');
      expect(await added.getByTestId('cred-kind').textContent()).toBe('Claude Code account');
      expect(await panel.admin.credentialByEmail(CLAUDE_EMAIL)).toMatchObject({ backend_type: 'claude-oauth', source: 'oauth', disabled: false });
      // no tokens in the page
      expect(await p.content()).not.toContain(claude.account(CLAUDE_EMAIL)!.refreshToken);
      await context.close();
    },
    SLOW,
  );

  it(
    'signs a ChatGPT (Codex) account in, in Chinese: a refused code is explained, the pasted address finishes the same sign-in',
    async () => {
      const { page: p, context } = await panel.page({ locale: 'zh-CN' });
      await panel.login(p);
      await expect.poll(() => p.getByTestId('creds-add-account').textContent()).toBe('添加账号');
      const dialog = await openAddAccount(p, 'codex-oauth');
      expect(await dialog.getByTestId('account-kind').locator('option:checked').textContent()).toBe('ChatGPT 账号（Codex）');
      await dialog.getByTestId('account-start').click();
      await dialog.getByTestId('account-auth-url').waitFor();
      const authUrl = new URL((await dialog.getByTestId('account-auth-url').getAttribute('href'))!);
      expect(`${authUrl.origin}${authUrl.pathname}`).toBe(`${codex.url}/oauth/authorize`);
      expect(authUrl.searchParams.get('client_id')).toBe(CODEX_CLIENT_ID);
      const state = authUrl.searchParams.get('state')!;
      const redirectUri = authUrl.searchParams.get('redirect_uri')!;
      expect(redirectUri).toBe('http://localhost:1455/auth/callback');
      const hint = dialog.getByTestId('account-paste-hint');
      expect(await hint.getAttribute('data-paste')).toBe('address');
      expect(await hint.textContent()).toContain('http://localhost:1455/auth/callback');

      // a code OpenAI never issued: the exchange is refused and the reason shown
      await dialog.getByTestId('account-pasted').fill(`${redirectUri}?code=ac_fake_never_issued&scope=openid&state=${state}`);
      await dialog.getByTestId('account-submit').click();
      await dialog.getByTestId('account-error').waitFor();
      expect(await dialog.getByTestId('account-error').textContent()).toContain('账号未能添加');
      expect(await dialog.getByTestId('account-error-message').textContent()).toContain('OpenAI did not accept the code');

      const code = codex.issueAuthCode(CODEX_EMAIL, { redirectUri, codeChallenge: authUrl.searchParams.get('code_challenge')! });
      codes.push(code);
      await dialog.getByTestId('account-pasted').fill(`${redirectUri}?code=${code}&scope=openid%20profile&state=${state}`);
      await dialog.getByTestId('account-submit').click();
      const result = dialog.getByTestId('account-result');
      await result.waitFor();
      expect(await result.getAttribute('data-status')).toBe('success');
      expect(await result.textContent()).toContain('账号已加入账号池');
      expect(await dialog.getByTestId('account-email').textContent()).toBe(CODEX_EMAIL);
      expect(await dialog.getByTestId('account-tier').textContent()).toBe('plus');
      expect(await dialog.getByTestId('account-project').textContent()).toBe(codex.account(CODEX_EMAIL)!.accountId);
      await screenshot(p, 'account-codex-zh');

      // closed with Escape; the row shows the kind and the plan as they are
      await p.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      const added = row(p, CODEX_EMAIL);
      await added.waitFor();
      expect(await added.getByTestId('cred-kind').textContent()).toBe('ChatGPT 账号（Codex）');
      expect(await added.getByTestId('cred-tier').getAttribute('data-tier')).toBe('plus');

      // the kind filter names and counts every kind
      const options = await p.getByTestId('creds-kind-filter').locator('option').allTextContents();
      expect(options).toEqual(expect.arrayContaining(['Claude Code 账号 (1)', 'ChatGPT 账号（Codex） (1)', 'Antigravity (2)', 'Gemini CLI (0)']));
      await p.getByTestId('lang-en').click();
      const english = await p.getByTestId('creds-kind-filter').locator('option').allTextContents();
      expect(english).toEqual(expect.arrayContaining(['Claude Code account (1)', 'ChatGPT account (Codex) (1)', 'Antigravity (2)']));
      await p.getByTestId('creds-kind-filter').selectOption('codex-oauth');
      await expect.poll(() => p.getByTestId('cred-row').count()).toBe(1);
      await context.close();
    },
    SLOW,
  );

  it(
    'sends Google account kinds to /auth with their type chosen, and words the sign-in of other kinds there for their vendor',
    async () => {
      const { page: p, context } = await panel.page();
      await panel.login(p);
      const dialog = await openAddAccount(p, 'gemini-cli');
      expect(await dialog.getByTestId('account-donation-link').getAttribute('href')).toBe('/auth/?type=gemini-cli');
      await dialog.getByTestId('account-kind').selectOption('antigravity');
      expect(await dialog.getByTestId('account-steps').count()).toBe(0);
      const link = dialog.getByTestId('account-donation-link');
      expect(await link.textContent()).toContain('Open the donation page for Antigravity');
      await link.click();
      await p.waitForURL((url) => url.pathname === '/auth/' && url.searchParams.get('type') === 'antigravity');
      const select = p.getByTestId('donation-type');
      await expect.poll(() => select.inputValue()).toBe('antigravity');
      await p.getByTestId('donation-preselected').waitFor();
      // the panel session of this tab lets the admin through whatever the donation settings
      await p.getByTestId('donation-admin-note').waitFor();
      await p.getByTestId('donation-start').click();
      const authUrl = new URL((await p.getByTestId('donation-auth-url').getAttribute('href'))!);
      expect(authUrl.searchParams.get('client_id')).toBe(ANTIGRAVITY_CLIENT_ID);
      expect(await p.getByTestId('donation-auth-url').textContent()).toContain('Open Google sign-in');
      await screenshot(p, 'account-antigravity-donation-link');
      await context.close();

      // a donor's browser (no session), in Chinese, on a Claude account: the vendor's wording
      const donor = await panel.page({ locale: 'zh-CN' });
      await donor.page.goto(`${panel.url}/auth/?type=claude-oauth`);
      const donorSelect = donor.page.getByTestId('donation-type');
      await expect.poll(() => donorSelect.inputValue()).toBe('claude-oauth');
      expect(await donorSelect.locator('option:checked').textContent()).toBe('Claude（Pro / Max 账号）');
      expect(await donor.page.getByTestId('donation-admin-note').count()).toBe(0);
      await donor.page.getByTestId('donation-start').click();
      const vendorLink = donor.page.getByTestId('donation-auth-url');
      await vendorLink.waitFor();
      expect(new URL((await vendorLink.getAttribute('href'))!).searchParams.get('client_id')).toBe(CLAUDE_CODE_CLIENT_ID);
      expect(await vendorLink.textContent()).toContain('打开登录页面');
      expect(await donor.page.getByTestId('donation-callback-input').getAttribute('placeholder')).toBe('code#state');
      await donor.context.close();
    },
    SLOW,
  );

  it(
    "shows the Antigravity accounts' models and quotas, lists them again on demand, and the exhausted model cools the account",
    async () => {
      ag.setQuota(AG_TWO, 'gemini-3-flash', { remainingFraction: 0.25, resetTime: hoursFromNow(3) });
      ag.setQuota(AG_TWO, 'claude-opus-4-6-thinking', { remainingFraction: 0, resetTime: hoursFromNow(2) });
      const { page: p, context } = await panel.page();
      await panel.login(p, '/dashboard/');
      await p.getByTestId('creds-kind-filter').selectOption('antigravity');
      await expect.poll(() => p.getByTestId('cred-row').count()).toBe(2);
      // only Antigravity rows have the button
      const two = row(p, AG_TWO);
      await two.getByTestId('cred-quota').click();
      const dialog = p.getByTestId('ag-quota-dialog');
      await dialog.waitFor();
      expect(await dialog.getAttribute('aria-label')).toBe(`Models and quota of ${AG_TWO}`);
      await dialog.getByTestId('ag-quota-refresh').click();
      const flash = dialog.locator('[data-testid="ag-model"][data-model="gemini-3-flash"]');
      await expect.poll(() => flash.getAttribute('data-remaining')).toBe('0.25');
      expect(await flash.getByTestId('ag-model-remaining').textContent()).toBe('25%');
      expect(await flash.getAttribute('data-state')).toBe('ok');
      expect(await flash.getByTestId('ag-model-reset').textContent()).toBe('in 3 hours');
      const opus = dialog.locator('[data-testid="ag-model"][data-model="claude-opus-4-6-thinking"]');
      expect(await opus.getAttribute('data-state')).toBe('exhausted');
      expect(await opus.getByTestId('ag-model-exhausted').textContent()).toBe('Exhausted');
      expect(await opus.getByTestId('ag-model-remaining').textContent()).toBe('0%');
      expect(await dialog.getByTestId('ag-account').count()).toBe(1);
      // grouped by provider: Google models first
      const ids = await dialog.getByTestId('ag-model').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-model')));
      expect(ids.indexOf('gemini-3-flash')).toBeLessThan(ids.indexOf('claude-opus-4-6-thinking'));
      expect(ids.indexOf('claude-opus-4-6-thinking')).toBeLessThan(ids.indexOf('gpt-oss-120b-medium'));
      await dialog.getByTestId('ag-account-listed').waitFor();
      await screenshot(p, 'antigravity-quota');

      // the quota moves upstream; "list again now" shows it
      ag.setQuota(AG_TWO, 'gemini-3-flash', { remainingFraction: 0.6, resetTime: hoursFromNow(3) });
      await dialog.getByTestId('ag-quota-refresh').click();
      await expect.poll(() => flash.getAttribute('data-remaining')).toBe('0.6');
      expect(await flash.getByTestId('ag-model-remaining').textContent()).toBe('60%');
      await p.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });

      // the exhausted model keeps the account off it until the reset: a cooldown in the table
      await expect.poll(() => two.getByTestId('cred-state').getAttribute('data-state')).toBe('cooling');
      expect(await two.textContent()).toContain('claude-opus-4-6-thinking');

      // every account at once, in Chinese
      await p.getByTestId('lang-zh').click();
      await p.getByTestId('creds-ag-quotas').click();
      await dialog.waitFor();
      expect(await dialog.getAttribute('aria-label')).toBe('Antigravity 模型与配额');
      await expect.poll(() => dialog.getByTestId('ag-account').count()).toBe(2);
      const summary = dialog.locator(`[data-testid="ag-account"][data-email="${AG_TWO}"]`).getByTestId('ag-account-summary');
      expect(await summary.textContent()).toMatch(/^\d+ 个模型 · 1 个已用尽 · 最低 0%$/);
      await screenshot(p, 'antigravity-quotas-all-zh');
      await context.close();
    },
    SLOW,
  );

  it(
    'fits the sign-in and the quotas on a phone',
    async () => {
      const { page: p, context } = await panel.page({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      await panel.login(p);
      await p.locator('[data-testid="cred-card"]').first().waitFor();
      const overflow = () => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      const dialog = await openAddAccount(p, 'claude-oauth');
      await dialog.getByTestId('account-start').click();
      await dialog.getByTestId('account-pasted').waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await screenshot(p, 'account-mobile');
      await dialog.getByTestId('account-close').click();
      await p.locator(`[data-testid="cred-card"][data-kind="antigravity"]`).first().getByTestId('cred-quota').click();
      const quota = p.getByTestId('ag-quota-dialog');
      await quota.locator('[data-testid="ag-model"]').first().waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      // the table scrolls inside the dialog, the dialog stays on the screen
      expect(await quota.evaluate((el) => el.getBoundingClientRect().right)).toBeLessThanOrEqual(390);
      await context.close();
    },
    SLOW,
  );

  it(
    'labels and groups every upstream URL setting, in English and Chinese',
    async () => {
      const { page: p, context } = await panel.page();
      await panel.login(p, '/dashboard/settings/');
      const settings = p.getByTestId('setting');
      await settings.first().waitFor();
      // no setting is left ungrouped or shown by its raw key
      expect(await p.locator('[data-testid="settings-group"][data-group="other"]').count()).toBe(0);
      const labels = await settings.evaluateAll((rows) =>
        rows.map((r) => ({ key: r.getAttribute('data-key')!, label: r.querySelector('[data-testid="setting-label"]')!.textContent!.trim() })),
      );
      expect(labels.length).toBeGreaterThan(30);
      for (const { key, label } of labels) expect(label, key).not.toBe(key);

      const groupOf = async (key: string) =>
        p.locator(`[data-testid="setting"][data-key="${key}"]`).evaluate((el) => el.closest('[data-testid="settings-group"]')!.getAttribute('data-group'));
      const expected: Record<string, string> = {
        claude_api_base_url: 'anthropic',
        claude_oauth_authorize_url: 'anthropic',
        claude_oauth_token_url: 'anthropic',
        codex_api_base_url: 'openai',
        codex_oauth_issuer: 'openai',
        codex_chatgpt_base_url: 'openai',
        antigravity_api_url: 'antigravity',
        antigravity_setup_url: 'antigravity',
        antigravity_oauth_url: 'antigravity',
        antigravity_googleapis_url: 'antigravity',
        ai_studio_base_url: 'google',
        code_assist_endpoint: 'google',
        proxy: 'network',
      };
      for (const [key, group] of Object.entries(expected)) expect(await groupOf(key), key).toBe(group);

      const authorize = p.locator('[data-testid="setting"][data-key="claude_oauth_authorize_url"]');
      expect(await authorize.getByTestId('setting-label').textContent()).toBe('Claude Code sign-in page (OAuth authorize URL)');
      // pointed at the fake by the environment: shown, locked
      expect(await authorize.getByTestId('setting-locked').textContent()).toContain('CLAUDE_OAUTH_AUTHORIZE_URL');
      expect(await authorize.locator('input').inputValue()).toBe(`${claude.url}/oauth/authorize`);
      const studio = p.locator('[data-testid="setting"][data-key="ai_studio_base_url"]');
      expect(await studio.locator('input').inputValue()).toBe('https://generativelanguage.googleapis.com');
      expect(await studio.getByTestId('setting-locked').count()).toBe(0);
      // a setting with choices is a list
      expect(await p.locator('[data-testid="setting"][data-key="remote_media_fetch"] select').inputValue()).toBe('public');

      await p.getByTestId('lang-zh').click();
      const chatgpt = p.locator('[data-testid="setting"][data-key="codex_chatgpt_base_url"]');
      await expect.poll(() => chatgpt.getByTestId('setting-label').textContent()).toBe('ChatGPT Codex 后端（ChatGPT 账号）');
      const anthropicGroup = p.locator('[data-testid="settings-group"][data-group="anthropic"] h2');
      expect(await anthropicGroup.textContent()).toBe('Anthropic 端点（Claude 密钥与 Claude Code 账号）');
      const zhLabels = await settings.evaluateAll((rows) =>
        rows.map((r) => ({ key: r.getAttribute('data-key')!, label: r.querySelector('[data-testid="setting-label"]')!.textContent!.trim() })),
      );
      for (const { key, label } of zhLabels) expect(label, key).not.toBe(key);
      await screenshot(p, 'settings-endpoints-zh');
      await p.getByTestId('lang-en').click();
      await context.close();
    },
    SLOW,
  );
});

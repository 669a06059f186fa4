import OpenAI from 'openai';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/fake-anthropic.js';
import { startFakeGoogle, type FakeGoogle } from '../fakes/fake-google.js';
import { startFakeOpenAICompatible, type FakeOpenAICompatible } from '../fakes/fake-openai-compatible.js';
import { startConnectProxy } from '../support/connect-proxy.js';
import { PanelBrowser, SLOW } from '../support/panel-browser.js';
import { registerSecrets } from '../support/secrets.js';
import { screenshot } from './support/browser.js';

const PANEL_PASSWORD = 'browser-providers-panel-4e1d';
const API_PASSWORD = 'browser-providers-api-9a2f';
const PROVIDER_KEY = 'sk-fake-provider-key-AAAAAAAAAAAA';
const SECOND_PROVIDER_KEY = 'sk-fake-provider-key-BBBBBBBBBBBB';
const CLAUDE_KEY = 'sk-ant-api03-browser-claude-key-CCCCCCCC';
const AI_STUDIO_KEY = 'AIzaSy-browser-ai-studio-key-DDDDDDDD';
const HEADER_SECRET = 'browser-attribution-secret-5e5e5e';

/**
 * Admin-defined providers and every credential kind through the panel, in Debian's Chromium against a
 * real gateway process (embedded mode): a provider on a fake OpenAI-compatible server is created,
 * given a key and tested on the Providers page; its key is then found, tested, proxied, disabled,
 * enabled, downloaded and uploaded again on the credentials page, and serves chats through /v1.
 * The tests run in order and share the gateway.
 */
describe('providers and credential kinds in a browser', () => {
  let google: FakeGoogle;
  let upstream: FakeOpenAICompatible;
  let anthropic: FakeAnthropic;
  let panel: PanelBrowser;
  let openai: OpenAI;

  const chat = (model: string, text: string) => openai.chat.completions.create({ model, messages: [{ role: 'user', content: text }] });

  beforeAll(async () => {
    google = await startFakeGoogle();
    upstream = await startFakeOpenAICompatible();
    upstream.addKey(PROVIDER_KEY, { label: 'upstream-a' });
    upstream.addKey(SECOND_PROVIDER_KEY, { label: 'upstream-b' });
    anthropic = await startFakeAnthropic();
    anthropic.addKey(CLAUDE_KEY, { label: 'claude-browser' });
    registerSecrets([PROVIDER_KEY, SECOND_PROVIDER_KEY, CLAUDE_KEY, AI_STUDIO_KEY, HEADER_SECRET]);
    panel = await PanelBrowser.start({
      name: 'browser-providers',
      panelPassword: PANEL_PASSWORD,
      apiPassword: API_PASSWORD,
      env: {
        ...google.env,
        CLAUDE_API_BASE_URL: anthropic.url,
        // the fakes listen on loopback
        CLIGATE_ALLOW_PRIVATE_UPSTREAMS: 'true',
      },
    });
    openai = new OpenAI({ apiKey: API_PASSWORD, baseURL: `${panel.url}/v1`, maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    await panel?.close();
    await Promise.all([google?.close(), upstream?.close(), anthropic?.close()]);
  });

  afterEach(() => panel.expectCleanPages());

  it(
    'creates a provider, adds a key, tests it, edits it, and serves chats through it',
    async () => {
      const { page: p, context } = await panel.page();
      await panel.login(p);
      await p.getByTestId('nav-providers').click();
      await p.waitForURL(/\/dashboard\/providers\/$/);
      await p.getByTestId('empty').waitFor();

      await p.getByTestId('provider-new').click();
      const form = p.getByTestId('provider-form');
      await form.waitFor();
      await form.getByTestId('provider-name').fill('fakeai');
      await form.getByTestId('provider-base-url').fill(upstream.baseUrl);
      await form.getByTestId('provider-models').fill('gpt-4o-mini\nfast = qwen-plus');
      await form.getByTestId('provider-prefix').fill('fk');
      await form.getByTestId('provider-add-header').click();
      await form.getByTestId('provider-header-name').fill('X-Title');
      await form.getByTestId('provider-header-value').fill(HEADER_SECRET);
      // a duplicate alias is caught before anything is sent
      await form.getByTestId('provider-models').fill('gpt-4o-mini\nfast=qwen-plus\nfast=qwen3-max');
      await form.getByTestId('provider-save').click();
      expect(await form.getByTestId('provider-form-error').textContent()).toContain('fast');
      await form.getByTestId('provider-models').fill('gpt-4o-mini\nfast = qwen-plus');
      await form.getByTestId('provider-save').click();
      await form.waitFor({ state: 'detached' });

      const row = p.locator('[data-testid="provider-row"][data-name="fakeai"]');
      await row.waitFor();
      expect(await row.getByTestId('provider-wire').getAttribute('data-wire')).toBe('openai-chat');
      expect(await row.getByTestId('provider-base-url').textContent()).toBe(upstream.baseUrl);
      expect(await row.locator('[data-testid="provider-model"][data-id="fast"]').getAttribute('data-upstream')).toBe('qwen-plus');
      expect(await row.getByTestId('provider-prefix').textContent()).toBe('fk/');
      // header values are never shown again
      expect(await row.getByTestId('provider-headers').textContent()).toBe('x-title: ********');
      expect(await p.content()).not.toContain(HEADER_SECRET);
      expect(await row.getByTestId('provider-keys').getAttribute('data-total')).toBe('0');

      // without a key the test says why
      await row.getByTestId('provider-test').click();
      await row.getByTestId('provider-test-result').waitFor();
      expect(await row.getByTestId('provider-test-result').getAttribute('data-success')).toBe('false');
      expect(await row.getByTestId('provider-test-message').textContent()).toContain('no enabled API key');

      await row.getByTestId('provider-add-keys').click();
      const keys = p.getByTestId('provider-keys-dialog');
      await keys.getByTestId('provider-keys-input').fill(PROVIDER_KEY);
      await keys.getByTestId('provider-keys-label').fill('browser key');
      await keys.getByTestId('provider-keys-save').click();
      await keys.getByTestId('provider-keys-results').waitFor();
      expect(await keys.getByTestId('provider-keys-result').getAttribute('data-status')).toBe('success');
      await keys.getByTestId('provider-keys-close').click();
      await expect.poll(() => row.getByTestId('provider-keys').getAttribute('data-enabled')).toBe('1');

      await row.getByTestId('provider-test').click();
      await expect.poll(() => row.getByTestId('provider-test-result').getAttribute('data-success')).toBe('true');
      expect(await row.getByTestId('provider-test-status').textContent()).toBe('Reachable (HTTP 200)');
      expect(await row.locator('[data-testid="provider-test-model"][data-model="qwen-plus"]').getAttribute('data-configured')).toBe('true');
      expect(await row.locator('[data-testid="provider-test-model"][data-model="deepseek-reasoner"]').getAttribute('data-configured')).toBe('false');
      await screenshot(p, 'providers-tested');

      // edit: one more alias; the headers, untouched, keep their sealed values
      await row.getByTestId('provider-edit').click();
      await form.waitFor();
      expect(await form.getByTestId('provider-header-value').inputValue()).toBe('********');
      await form.getByTestId('provider-models').fill('gpt-4o-mini\nfast=qwen-plus\nthinker=deepseek-reasoner');
      await form.getByTestId('provider-save').click();
      await form.waitFor({ state: 'detached' });
      await row.locator('[data-testid="provider-model"][data-id="thinker"]').waitFor();
      await screenshot(p, 'providers');

      upstream.reset();
      expect((await chat('fast', 'through the panel')).choices[0]!.message.content).toBe('Hello from upstream-a (qwen-plus): through the panel');
      expect((await chat('fk/thinker', 'prefixed')).choices[0]!.message.content).toBe('Hello from upstream-a (deepseek-reasoner): prefixed');
      expect(upstream.callsTo('chatCompletions')[0]!.headers['x-title']).toBe(HEADER_SECRET);

      // 简体中文
      await p.getByTestId('lang-zh').click();
      await expect.poll(() => p.locator('h1').textContent()).toBe('上游提供商');
      expect(await row.getByTestId('provider-test').textContent()).toBe('测试');
      await p.getByTestId('lang-en').click();
      await context.close();
    },
    SLOW,
  );

  it(
    'finds the provider key among the credentials: kind filter, test, own proxy, disable and enable, download and upload',
    async () => {
      const proxy = await startConnectProxy();
      const { page: p, context } = await panel.page();
      try {
        await panel.login(p);
        await p.getByTestId('creds-kind-filter').selectOption('openai-compat');
        const row = p.locator('[data-testid="cred-row"][data-kind="openai-compat"]');
        await expect.poll(() => p.getByTestId('cred-row').count()).toBe(1);
        expect(await row.getAttribute('data-email')).toBe('browser key');
        expect(await row.getByTestId('cred-kind').textContent()).toBe('OpenAI-compatible key');
        expect(await row.getByTestId('cred-provider').getAttribute('data-provider')).toBe('fakeai');
        expect(await row.getByTestId('cred-fetch-email').count()).toBe(0);

        await row.getByTestId('cred-test').click();
        await row.getByTestId('cred-test-result').waitFor();
        expect(await row.getByTestId('cred-test-result').getAttribute('data-success')).toBe('true');
        expect(await row.getByTestId('cred-test-message').textContent()).toMatch(/models listed/);

        // its own outbound proxy: refused when malformed, then every call of this key goes through it
        await row.getByTestId('cred-proxy').click();
        const dialog = p.getByTestId('proxy-dialog');
        expect(await dialog.getByTestId('proxy-current').getAttribute('data-set')).toBe('false');
        await dialog.getByTestId('proxy-input').fill('ftp://proxy.invalid');
        await dialog.getByTestId('proxy-save').click();
        await dialog.getByText('Expected an http, https or socks5 URL').waitFor();
        await dialog.getByTestId('proxy-input').fill(proxy.url);
        await dialog.getByTestId('proxy-save').click();
        await dialog.waitFor({ state: 'detached' });
        await row.getByTestId('cred-proxy-set').waitFor();
        expect((await panel.admin.status()).items.find((i: { backend_type: string }) => i.backend_type === 'openai-compat').proxy).toBe('********');
        expect((await chat('fast', 'via the proxy')).choices[0]!.message.content).toContain('via the proxy');
        expect(proxy.targets).toEqual([new URL(upstream.url).host]);
        await screenshot(p, 'credential-proxy');
        await row.getByTestId('cred-proxy').click();
        expect(await dialog.getByTestId('proxy-current').getAttribute('data-set')).toBe('true');
        await dialog.getByTestId('proxy-remove').click();
        await dialog.waitFor({ state: 'detached' });
        await expect.poll(() => row.getByTestId('cred-proxy-set').count()).toBe(0);
        await chat('fast', 'direct again');
        expect(proxy.targets).toHaveLength(1);

        // disabled: the provider has no key left to serve with; enabled: it serves again
        await row.getByTestId('cred-disable').click();
        await expect.poll(() => row.getByTestId('cred-state').getAttribute('data-state')).toBe('disabled');
        const refused = await chat('fast', 'nobody home').catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(OpenAI.APIError);
        await row.getByTestId('cred-enable').click();
        await expect.poll(() => row.getByTestId('cred-state').getAttribute('data-state')).toBe('ready');
        expect((await chat('fast', 'back on')).choices[0]!.message.content).toBe('Hello from upstream-a (qwen-plus): back on');

        // download: a typed file naming its provider, which uploads back into the same credential
        const [download] = await Promise.all([p.waitForEvent('download'), row.getByTestId('cred-download').click()]);
        const file = JSON.parse(readFileSync((await download.path())!, 'utf8')) as Record<string, unknown>;
        expect(file).toMatchObject({ type: 'openai-compat', provider: 'fakeai', label: 'browser key', api_key: PROVIDER_KEY });
        await p.getByTestId('upload-input').setInputFiles({ name: 'provider-key.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
        await p.getByTestId('upload-results').waitFor();
        expect(await p.getByTestId('upload-result').getAttribute('data-status')).toBe('updated');
        await expect.poll(() => p.getByTestId('cred-row').count()).toBe(1);
      } finally {
        await context.close();
        await proxy.close();
      }
    },
    SLOW,
  );

  it(
    'adds API keys of other kinds from the credentials page and tests each, showing what the gateway answers',
    async () => {
      const { page: p, context } = await panel.page();
      await panel.login(p);
      const form = p.getByTestId('add-key');

      await form.getByTestId('add-key-kind').selectOption('claude');
      await form.getByTestId('add-key-value').fill('short');
      await form.getByTestId('add-key-submit').click();
      await form.getByText('An API key has at least 8 characters.').waitFor();
      await form.getByTestId('add-key-value').fill(CLAUDE_KEY);
      await form.getByTestId('add-key-label').fill('claude browser key');
      await form.getByTestId('add-key-submit').click();
      const claude = p.locator('[data-testid="cred-row"][data-kind="claude"]');
      await claude.waitFor();
      expect(await claude.getAttribute('data-email')).toBe('claude browser key');
      expect(await claude.getByTestId('cred-kind').textContent()).toBe('Claude API key');
      await claude.getByTestId('cred-test').click();
      await expect.poll(() => claude.getByTestId('cred-test-result').getAttribute('data-success')).toBe('true');

      // a second key of the provider, chosen in the form
      await form.getByTestId('add-key-kind').selectOption('openai-compat');
      await expect.poll(() => form.getByTestId('add-key-provider').inputValue()).toBe('fakeai');
      await form.getByTestId('add-key-value').fill(SECOND_PROVIDER_KEY);
      await form.getByTestId('add-key-label').fill('second key');
      await form.getByTestId('add-key-submit').click();
      await p.locator('[data-testid="cred-row"][data-email="second key"]').waitFor();
      expect((await panel.admin.json('GET', '/providers/fakeai')).body.keys).toEqual({ enabled: 2, total: 2 });

      // a kind whose provider has no test yet: the answer is shown as it is
      await form.getByTestId('add-key-kind').selectOption('ai-studio');
      await form.getByTestId('add-key-value').fill(AI_STUDIO_KEY);
      await form.getByTestId('add-key-label').fill('studio key');
      await form.getByTestId('add-key-submit').click();
      const studio = p.locator('[data-testid="cred-row"][data-email="studio key"]');
      await studio.waitFor();
      await studio.getByTestId('cred-test').click();
      await studio.getByTestId('cred-test-result').waitFor();
      const studioResult = (await panel.admin.json('POST', `/creds/test/${encodeURIComponent((await studio.getAttribute('data-filename'))!)}`)).body as { success: boolean; message: string };
      expect(await studio.getByTestId('cred-test-result').getAttribute('data-success')).toBe(String(studioResult.success));
      expect(await studio.getByTestId('cred-test-message').textContent()).toBe(studioResult.message);

      // the filter counts every kind
      const options = await p.getByTestId('creds-kind-filter').locator('option').allTextContents();
      expect(options).toContain('Claude API key (1)');
      expect(options).toContain('OpenAI-compatible key (2)');
      expect(options).toContain('AI Studio key (1)');
      await screenshot(p, 'credentials-kinds');
      await context.close();
    },
    SLOW,
  );

  it(
    'shows the Claude and Codex API base URLs among the upstream settings',
    async () => {
      const { page: p, context } = await panel.page();
      await panel.login(p, '/dashboard/settings/');
      const claude = p.locator('[data-testid="setting"][data-key="claude_api_base_url"]');
      await claude.waitFor();
      expect(await claude.textContent()).toContain('Anthropic API base');
      // set by the environment here: shown, locked
      expect(await claude.getByTestId('setting-locked').textContent()).toContain('CLAUDE_API_BASE_URL');
      const codex = p.locator('[data-testid="setting"][data-key="codex_api_base_url"]');
      expect(await codex.textContent()).toContain('OpenAI API base (Codex keys)');
      expect(await codex.locator('input').inputValue()).toBe('https://api.openai.com/v1');
      await context.close();
    },
    SLOW,
  );

  it(
    'turns a provider off and on, fits a phone, and deletes it with its keys',
    async () => {
      const { page: p, context } = await panel.page({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      await panel.login(p, '/dashboard/providers/');
      const row = p.locator('[data-testid="provider-row"][data-name="fakeai"]');
      await row.waitFor();
      await expect.poll(() => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await screenshot(p, 'providers-mobile');

      await row.getByTestId('provider-toggle').click();
      await expect.poll(() => row.getAttribute('data-enabled')).toBe('false');
      expect(await chat('fast', 'off').catch((e: unknown) => e)).toBeInstanceOf(OpenAI.NotFoundError);
      await row.getByTestId('provider-toggle').click();
      await expect.poll(() => row.getAttribute('data-enabled')).toBe('true');
      expect((await chat('fast', 'on')).choices[0]!.message.content).toMatch(/\(qwen-plus\): on$/);

      await row.getByTestId('provider-delete').click();
      const confirm = p.getByTestId('confirm-dialog');
      expect(await confirm.textContent()).toContain('2 key(s)');
      await confirm.getByTestId('confirm-ok').click();
      await row.waitFor({ state: 'detached' });
      await p.getByTestId('empty').waitFor();
      const status = await panel.admin.status();
      expect(status.items.filter((i: { backend_type: string }) => i.backend_type === 'openai-compat')).toEqual([]);
      expect(await chat('fast', 'gone').catch((e: unknown) => e)).toBeInstanceOf(OpenAI.NotFoundError);
      await context.close();
    },
    SLOW,
  );
});

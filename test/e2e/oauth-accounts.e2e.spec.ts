import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageLimit429, startFakeAnthropic, OAUTH_BETA, CLAUDE_CODE_CLIENT_ID, type FakeAnthropic } from '../fakes/fake-anthropic.js';
import { CODEX_CLIENT_ID, startFakeCodex, usageLimitReached429, type FakeCodex } from '../fakes/fake-codex.js';
import { isRecord, type RecordedCall } from '../fakes/fake-http.js';
import { AdminClient } from '../support/admin-client.js';
import { testModes, type GatewayMode } from '../support/env.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { modeEnv } from '../support/mode-env.js';
import { expectNoSecretsInLogs, registerSecrets } from '../support/secrets.js';

const API_PASSWORD = 'e2e-oauth-accounts-api-8e8e';
const PANEL_PASSWORD = 'e2e-oauth-accounts-panel-9f9f';
const CLAUDE_KEY = 'sk-ant-api03-fake-oauth-suite-key-EEEEEEEE';
const CODEX_KEY = 'sk-proj-fake-oauth-suite-key-FFFFFFFFFFFF';
const CLAUDE_A = 'claude-a@example.com';
const CLAUDE_B = 'claude-b@example.com';
const CODEX_C = 'codex-c@example.com';
const MODEL = 'claude-sonnet-4-6';
const CODEX_MODEL = 'gpt-5-codex';

/** Every token and code the gateway sent to a fake (bearer headers, grant bodies): all must stay out of the logs. */
function secretsSentTo(calls: RecordedCall[]): string[] {
  const out: string[] = [];
  for (const call of calls) {
    const bearer = /^Bearer\s+(.+)$/i.exec(call.headers.authorization ?? '')?.[1];
    if (bearer) out.push(bearer);
    if (isRecord(call.body)) for (const field of ['refresh_token', 'code', 'code_verifier']) if (typeof call.body[field] === 'string') out.push(call.body[field] as string);
  }
  return out;
}

/**
 * Claude Code accounts and Codex (ChatGPT) accounts as upstreams: sign-in through the admin flows
 * against the fakes (pasting `code#state` / the callback address), then the official SDKs through
 * the gateway; token expiry → refresh (rotated refresh tokens persisted), usage limits → ban windows
 * and failover (to another account, to API keys, or a clear 429), a revoked refresh token → the
 * credential disabled with the reason.
 */
describe.each(testModes())('Claude Code and Codex accounts (%s)', (mode: GatewayMode) => {
  let claudeFake: FakeAnthropic;
  let codexFake: FakeCodex;
  let gateway: GatewayProcess;
  let admin: AdminClient;
  let anthropic: Anthropic;
  let openai: OpenAI;
  let dropDb: (() => Promise<void>) | undefined;
  /** tokens the fakes saw before a reset cleared their call records */
  const seen: string[] = [];
  const resetClaude = () => {
    seen.push(...secretsSentTo(claudeFake.calls));
    claudeFake.reset();
  };
  const resetCodex = () => {
    seen.push(...secretsSentTo(codexFake.calls));
    codexFake.reset();
  };

  const credential = async (email: string) => admin.credentialByEmail(email);
  const download = async (filename: string) => (await admin.json('GET', `/creds/download/${encodeURIComponent(filename)}`)).body;
  const ask = (text: string, model = MODEL) => anthropic.messages.create({ model, max_tokens: 200, messages: [{ role: 'user', content: text }] });
  const textOf = (m: Anthropic.Message) => m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');

  beforeAll(async () => {
    claudeFake = await startFakeAnthropic();
    claudeFake.addKey(CLAUDE_KEY, { label: 'claude-key' });
    codexFake = await startFakeCodex();
    codexFake.addKey(CODEX_KEY, { label: 'codex-key' });
    registerSecrets([CLAUDE_KEY, CODEX_KEY]);
    const env: Record<string, string> = {
      API_PASSWORD,
      PANEL_PASSWORD,
      CALLS_PER_ROTATION: '1',
      CLAUDE_API_BASE_URL: claudeFake.url,
      CLAUDE_OAUTH_AUTHORIZE_URL: `${claudeFake.url}/oauth/authorize`,
      CLAUDE_OAUTH_TOKEN_URL: `${claudeFake.url}/v1/oauth/token`,
      CODEX_API_BASE_URL: codexFake.apiBaseUrl,
      CODEX_OAUTH_ISSUER: codexFake.url,
      CODEX_CHATGPT_BASE_URL: codexFake.chatgptBaseUrl,
      // the fakes listen on loopback
      CLIGATE_ALLOW_PRIVATE_UPSTREAMS: 'true',
    };
    const storage = await modeEnv(mode, 'oauth-accounts');
    dropDb = storage.drop;
    Object.assign(env, storage.env);
    gateway = await startGatewayProcess({ name: `oauth-accounts-${mode}`, env });
    admin = new AdminClient(gateway.url, PANEL_PASSWORD);
    anthropic = new Anthropic({ apiKey: API_PASSWORD, baseURL: gateway.url, maxRetries: 0 });
    openai = new OpenAI({ apiKey: API_PASSWORD, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    const secrets = [...seen, ...secretsSentTo(claudeFake?.calls ?? []), ...secretsSentTo(codexFake?.calls ?? [])];
    for (const email of [CLAUDE_A, CLAUDE_B]) {
      const a = claudeFake?.account(email);
      if (a) secrets.push(a.accessToken, a.refreshToken);
    }
    const c = codexFake?.account(CODEX_C);
    if (c) secrets.push(c.accessToken, c.refreshToken, c.idToken);
    registerSecrets(secrets);
    if (gateway) expectNoSecretsInLogs([gateway], secrets);
    await gateway?.stop();
    await Promise.all([claudeFake?.close(), codexFake?.close()]);
    await dropDb?.();
  });

  // ---------------------------------------------------------------------------------------------
  // Claude Code accounts
  // ---------------------------------------------------------------------------------------------

  it('signs a Claude account in: consent URL with PKCE, the pasted code#state exchanged, the account stored once', async () => {
    expect((await fetch(`${gateway.url}/oauth/claude/start`, { method: 'POST' })).status).toBe(401);
    const started = await admin.json('POST', '/oauth/claude/start');
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ type: 'claude-oauth', redirect_uri: 'https://console.anthropic.com/oauth/code/callback', expires_in: 1800 });
    const url = new URL(started.body.auth_url);
    expect(`${url.origin}${url.pathname}`).toBe(`${claudeFake.url}/oauth/authorize`);
    expect(url.searchParams.get('client_id')).toBe(CLAUDE_CODE_CLIENT_ID);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toBe(started.body.state);

    // the user signs in; the manual-redirect page shows code#state
    const code = claudeFake.issueAuthCode(CLAUDE_A, { redirectUri: started.body.redirect_uri, codeChallenge: url.searchParams.get('code_challenge')!, state: started.body.state });
    const done = await admin.json('POST', '/oauth/claude/complete', { pasted: `${code}#${started.body.state}` });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'success', credential: { email: CLAUDE_A } });
    // single use
    expect((await admin.json('POST', '/oauth/claude/complete', { pasted: `${code}#${started.body.state}` })).status).toBe(400);

    // the same account signed in again replaces its tokens instead of adding a duplicate
    const again = await admin.json('POST', '/oauth/claude/start');
    const code2 = claudeFake.issueAuthCode(CLAUDE_A, { codeChallenge: new URL(again.body.auth_url).searchParams.get('code_challenge')!, state: again.body.state });
    const replaced = await admin.json('POST', '/oauth/claude/complete', { state: again.body.state, pasted: code2 });
    expect(replaced.body).toMatchObject({ status: 'updated', filename: done.body.filename });

    const row = await credential(CLAUDE_A);
    expect(row).toMatchObject({ backend_type: 'claude-oauth', disabled: false, source: 'oauth', filename: done.body.filename });
    expect(JSON.stringify(await admin.status())).not.toContain(claudeFake.account(CLAUDE_A)!.refreshToken);
    const exchange = claudeFake.callsTo('token', CLAUDE_A)[0]!;
    expect(exchange.body).toMatchObject({ grant_type: 'authorization_code', client_id: CLAUDE_CODE_CLIENT_ID, state: started.body.state });
  });

  it("adds a Claude account from Claude Code's credentials file, and downloads an account in the typed form uploads take back", async () => {
    const b = claudeFake.addAccount({ email: CLAUDE_B });
    registerSecrets([b.accessToken, b.refreshToken]);
    const file = { claudeAiOauth: { accessToken: b.accessToken, refreshToken: b.refreshToken, expiresAt: Date.now() + 3_600_000, scopes: ['user:inference', 'user:profile'], subscriptionType: 'max' } };
    const up = await admin.upload([{ name: 'credentials.json', content: JSON.stringify(file) }]);
    expect(up.body.results[0]).toMatchObject({ status: 'success', credential: { email: CLAUDE_B, tier: 'max' } });

    const a = await credential(CLAUDE_A);
    const downloaded = await download(a.filename);
    expect(downloaded).toMatchObject({ type: 'claude-oauth', label: CLAUDE_A, email: CLAUDE_A, refresh_token: claudeFake.account(CLAUDE_A)!.refreshToken });
    const back = await admin.upload([{ name: 'a.json', content: JSON.stringify(downloaded) }]);
    expect(back.body.results[0]).toMatchObject({ filename: 'a.json', status: 'updated', credential: { filename: a.filename } });
    expect((await admin.status()).items.filter((i: any) => i.backend_type === 'claude-oauth')).toHaveLength(2);
  });

  it('serves Claude models from the accounts before API keys, with only the OAuth protocol headers', async () => {
    expect((await admin.json('POST', '/creds/add', { kind: 'claude', api_key: CLAUDE_KEY, label: 'claude key' })).body.status).toBe('success');
    resetClaude();
    const first = await ask('one');
    const second = await ask('two');
    expect([textOf(first), textOf(second)].sort()).toEqual([`Hello from ${CLAUDE_A} (${MODEL}): one`, `Hello from ${CLAUDE_B} (${MODEL}): two`].sort());

    const stream = anthropic.messages.stream({ model: MODEL, max_tokens: 200, system: 'Be brief.', messages: [{ role: 'user', content: 'streamed' }] });
    expect(textOf(await stream.finalMessage())).toMatch(/^Hello from claude-[ab]@example\.com \(claude-sonnet-4-6\): streamed$/);
    const chat = await openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'as chat' }] });
    expect(chat.choices[0]!.message.content).toMatch(/: as chat$/);

    const calls = claudeFake.callsTo('messages');
    expect(calls).toHaveLength(4);
    for (const call of calls) {
      expect([CLAUDE_A, CLAUDE_B]).toContain(call.credential);
      expect(call.headers.authorization).toMatch(/^Bearer sk-ant-oat01-/);
      expect(call.headers['x-api-key']).toBeUndefined();
      expect(call.headers['anthropic-beta']).toBe(OAUTH_BETA);
      expect(call.headers['anthropic-version']).toBe('2023-06-01');
      expect(call.headers['x-app']).toBeUndefined();
      expect(call.headers['user-agent'] ?? '').not.toMatch(/claude-cli|claude-code/i);
      expect(JSON.stringify((call.body as Record<string, unknown>).system ?? '')).not.toMatch(/Claude Code/);
    }
    expect(calls.some((c) => JSON.stringify((c.body as Record<string, unknown>).system ?? '').includes('Be brief.'))).toBe(true);
  });

  it('refreshes expired Claude tokens on the 401 and keeps the rotated refresh tokens', async () => {
    resetClaude();
    claudeFake.expireTokens(CLAUDE_A);
    claudeFake.expireTokens(CLAUDE_B);
    for (const text of ['after expiry 1', 'after expiry 2', 'after expiry 3']) expect(textOf(await ask(text))).toContain(text);
    expect(claudeFake.callsTo('messages').filter((c) => c.status === 401)).toHaveLength(2);
    const refreshes = claudeFake.callsTo('token');
    expect(refreshes).toHaveLength(2);
    for (const r of refreshes) {
      expect(r.body).toMatchObject({ grant_type: 'refresh_token', client_id: CLAUDE_CODE_CLIENT_ID });
      expect(r.headers['anthropic-beta']).toBe(OAUTH_BETA);
      expect(r.status).toBe(200);
    }
    for (const email of [CLAUDE_A, CLAUDE_B]) {
      const row = await credential(email);
      expect((await download(row.filename)).refresh_token).toBe(claudeFake.account(email)!.refreshToken);
    }
  });

  it('bans an account that hit its subscription limit until the reset, moves to the next account, then to API keys, then answers 429', async () => {
    resetClaude();
    const resetA = Math.floor(Date.now() / 1000) + 5 * 3600;
    claudeFake.script(CLAUDE_A, 'messages', [usageLimit429(resetA)]);
    for (const text of ['limited 1', 'limited 2']) expect(textOf(await ask(text))).toBe(`Hello from ${CLAUDE_B} (${MODEL}): ${text}`);
    expect(claudeFake.callsTo('messages', CLAUDE_A).map((c) => c.status)).toEqual([429]);
    const a = await credential(CLAUDE_A);
    expect(a.cooldown_status).toBe('cooling');
    expect(a.model_cooldowns[MODEL].until).toBeGreaterThanOrEqual(resetA - 2);
    expect(a.model_cooldowns[MODEL].until).toBeLessThanOrEqual(resetA + 2);
    expect(a.model_cooldowns[MODEL].reason).toMatch(/429/);

    // the other account too: the API key takes over
    const resetB = Math.floor(Date.now() / 1000) + 7 * 86400;
    claudeFake.script(CLAUDE_B, 'messages', [usageLimit429(resetB, { window: '7d' })]);
    expect(textOf(await ask('over to the key'))).toBe(`Hello from claude-key (${MODEL}): over to the key`);
    expect((await credential(CLAUDE_B)).model_cooldowns[MODEL].until).toBeGreaterThanOrEqual(resetB - 2);

    // no key either: a clear 429 saying when the first account is free again
    const key = (await admin.status()).items.find((i: any) => i.backend_type === 'claude');
    await admin.json('POST', '/creds/action', { filename: key.filename, action: 'disable' });
    const limited = (await ask('nothing left').catch((e: unknown) => e)) as InstanceType<typeof Anthropic.RateLimitError>;
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    const retryAfter = Number(limited.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(5 * 3600 - 60);
    expect(retryAfter).toBeLessThanOrEqual(5 * 3600 + 5);
    await admin.json('POST', '/creds/action', { filename: key.filename, action: 'enable' });
  });

  it('disables a Claude account whose refresh token was revoked, with the reason, and serves the request elsewhere', async () => {
    const a = await credential(CLAUDE_A);
    await admin.json('POST', '/creds/action', { filename: a.filename, action: 'clear_cooldown' });
    resetClaude();
    claudeFake.revokeRefreshToken(CLAUDE_A);
    claudeFake.expireTokens(CLAUDE_A);
    expect(textOf(await ask('after revocation'))).toBe(`Hello from claude-key (${MODEL}): after revocation`);
    const row = await credential(CLAUDE_A);
    expect(row.disabled).toBe(true);
    expect(row.disabled_reason).toMatch(/^token refresh failed permanently: .*invalid_grant/);
    expect(claudeFake.callsTo('token').map((c) => c.status)).toEqual([400]);
    // the admin test says why too
    const test = await admin.json('POST', `/creds/test/${encodeURIComponent(row.filename)}`);
    expect(test.body).toMatchObject({ success: false });
  });

  it('takes Claude and Codex accounts through the /auth donation page too', async () => {
    const types = await (await fetch(`${gateway.url}/auth/account-types`)).json();
    expect(JSON.stringify(types)).toContain('claude-oauth');
    expect(JSON.stringify(types)).toContain('codex-oauth');
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    const started = await post('/auth/start', { type: 'claude-oauth' });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ type: 'claude-oauth', redirect_uri: 'https://console.anthropic.com/oauth/code/callback', loopback: false });
    const challenge = new URL(started.body.auth_url).searchParams.get('code_challenge')!;
    const code = claudeFake.issueAuthCode('claude-donor@example.com', { codeChallenge: challenge, state: started.body.state });
    const done = await post('/auth/callback-url', { callback_url: `${code}#${started.body.state}` });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'success', credentials: { email: 'claude-donor@example.com' } });
    const donor = await credential('claude-donor@example.com');
    expect(donor).toMatchObject({ backend_type: 'claude-oauth', source: 'oauth' });
    const d = claudeFake.account('claude-donor@example.com')!;
    registerSecrets([d.accessToken, d.refreshToken]);
    // out of the way of the next tests
    await admin.json('POST', '/creds/action', { filename: donor.filename, action: 'delete' });
  });

  // ---------------------------------------------------------------------------------------------
  // Codex (ChatGPT) accounts
  // ---------------------------------------------------------------------------------------------

  it('signs a ChatGPT account in for Codex by pasting the callback address; account id and plan come from the id_token', async () => {
    const started = await admin.json('POST', '/oauth/codex/start');
    expect(started.body).toMatchObject({ type: 'codex-oauth', redirect_uri: 'http://localhost:1455/auth/callback' });
    const url = new URL(started.body.auth_url);
    expect(`${url.origin}${url.pathname}`).toBe(`${codexFake.url}/oauth/authorize`);
    expect(url.searchParams.get('client_id')).toBe(CODEX_CLIENT_ID);
    expect(url.searchParams.get('originator')).toBe('cligate');
    const code = codexFake.issueAuthCode(CODEX_C, { redirectUri: started.body.redirect_uri, codeChallenge: url.searchParams.get('code_challenge')! });
    const done = await admin.json('POST', '/oauth/codex/complete', { pasted: `http://localhost:1455/auth/callback?code=${code}&scope=openid&state=${started.body.state}` });
    expect(done.status).toBe(200);
    const account = codexFake.account(CODEX_C)!;
    expect(done.body).toMatchObject({ status: 'success', credential: { email: CODEX_C, project_id: account.accountId, tier: 'plus' } });
    expect(await credential(CODEX_C)).toMatchObject({ backend_type: 'codex-oauth', project_id: account.accountId, tier: 'plus' });
    const test = await admin.json('POST', `/creds/test/${encodeURIComponent(done.body.filename)}`);
    expect(test.body).toMatchObject({ success: true, status: 200 });
    expect(test.body.message).toMatch(/plan plus/);
  });

  it('serves Codex models from the ChatGPT backend (Responses and Chat Completions, streamed and not), before API keys', async () => {
    expect((await admin.json('POST', '/creds/add', { kind: 'codex', api_key: CODEX_KEY, label: 'codex key' })).body.status).toBe('success');
    resetCodex();
    const hello = `Hello from ${CODEX_C} (${CODEX_MODEL})`;
    const response = await openai.responses.create({ model: CODEX_MODEL, input: 'hi codex' });
    expect(response.output_text).toBe(`${hello}: hi codex`);
    const streamed = await openai.responses.stream({ model: CODEX_MODEL, instructions: 'Be brief.', input: 'streamed' }).finalResponse();
    expect(streamed.output_text).toBe(`${hello}: streamed`);
    const chat = await openai.chat.completions.create({ model: CODEX_MODEL, messages: [{ role: 'user', content: 'as chat' }] });
    expect(chat.choices[0]!.message.content).toBe(`${hello}: as chat`);
    let text = '';
    for await (const chunk of await openai.chat.completions.create({ model: CODEX_MODEL, stream: true, messages: [{ role: 'user', content: 'chat stream' }] })) {
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(text).toBe(`${hello}: chat stream`);

    expect(codexFake.callsTo('responses')).toHaveLength(0);
    const calls = codexFake.callsTo('codexResponses');
    expect(calls).toHaveLength(4);
    const account = codexFake.account(CODEX_C)!;
    for (const call of calls) {
      expect(call.credential).toBe(CODEX_C);
      expect(call.headers['chatgpt-account-id']).toBe(account.accountId);
      expect(call.headers.originator).toBe('cligate');
      expect(call.headers['user-agent']).not.toMatch(/codex_cli_rs/);
      expect(call.body).toMatchObject({ stream: true, store: false });
      expect(typeof (call.body as any).instructions).toBe('string');
    }
    expect((calls[1]!.body as any).instructions).toBe('Be brief.');
  });

  it('refreshes an expired ChatGPT token on the 401, twice in a row (the rotated single-use refresh token is kept)', async () => {
    resetCodex();
    for (const round of [1, 2]) {
      codexFake.expireTokens(CODEX_C);
      expect((await openai.responses.create({ model: CODEX_MODEL, input: `round ${round}` })).output_text).toContain(`round ${round}`);
    }
    expect(codexFake.callsTo('token').map((c) => [c.status, (c.body as any).grant_type])).toEqual([
      [200, 'refresh_token'],
      [200, 'refresh_token'],
    ]);
    const row = await credential(CODEX_C);
    expect(row.disabled).toBe(false);
    expect((await download(row.filename)).refresh_token).toBe(codexFake.account(CODEX_C)!.refreshToken);
  });

  it('bans a ChatGPT account at usage_limit_reached until resets_at, fails over to the API key, then answers 429', async () => {
    resetCodex();
    codexFake.script(CODEX_C, 'codexResponses', [usageLimitReached429({ resetsInSeconds: 7200 })]);
    const before = Math.floor(Date.now() / 1000);
    expect((await openai.responses.create({ model: CODEX_MODEL, input: 'limited' })).output_text).toBe(`Hello from codex-key (${CODEX_MODEL}): limited`);
    const row = await credential(CODEX_C);
    expect(row.cooldown_status).toBe('cooling');
    expect(row.model_cooldowns[CODEX_MODEL].until).toBeGreaterThanOrEqual(before + 7200 - 2);
    expect(row.model_cooldowns[CODEX_MODEL].until).toBeLessThanOrEqual(before + 7200 + 5);
    expect(row.model_cooldowns[CODEX_MODEL].reason).toMatch(/USAGE_LIMIT_REACHED/);

    const key = (await admin.status()).items.find((i: any) => i.backend_type === 'codex');
    await admin.json('POST', '/creds/action', { filename: key.filename, action: 'disable' });
    const limited = (await openai.chat.completions.create({ model: CODEX_MODEL, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number(limited.headers?.get('retry-after'))).toBeGreaterThan(7000);
    await admin.json('POST', '/creds/action', { filename: key.filename, action: 'enable' });
    await admin.json('POST', '/creds/action', { filename: row.filename, action: 'clear_cooldown' });
  });

  it('disables a ChatGPT account whose refresh token was invalidated', async () => {
    resetCodex();
    codexFake.revokeRefreshToken(CODEX_C);
    codexFake.expireTokens(CODEX_C);
    expect((await openai.responses.create({ model: CODEX_MODEL, input: 'after revocation' })).output_text).toBe(`Hello from codex-key (${CODEX_MODEL}): after revocation`);
    const row = await credential(CODEX_C);
    expect(row.disabled).toBe(true);
    expect(row.disabled_reason).toMatch(/^token refresh failed permanently: .*refresh_token_invalidated/);
    expect(codexFake.callsTo('token').map((c) => c.status)).toEqual([401]);
  });
});

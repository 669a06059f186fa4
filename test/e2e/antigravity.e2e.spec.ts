import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANTIGRAVITY_CLIENT_ID, ANTIGRAVITY_CLIENT_SECRET, startFakeAntigravity, type FakeAntigravity, type FakeAntigravityAccount } from '../fakes/fake-antigravity.js';
import { googleError, startFakeGoogle, TINY_PNG_BASE64, type FakeGoogle } from '../fakes/fake-google.js';
import { AdminClient, gcli2apiFile } from '../support/admin-client.js';
import { testModes, type GatewayMode } from '../support/env.js';
import { freePort } from '../support/free-port.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { modeEnv } from '../support/mode-env.js';
import { registerSecrets } from '../support/secrets.js';

const API_PASSWORD = 'e2e-antigravity-api-3a3a';
const PANEL_PASSWORD = 'e2e-antigravity-panel-4b4b';

async function post(base: string, path: string, body: unknown) {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

type Envelope = { model: string; project?: string; requestId: string; userAgent: string; requestType: string; request: Record<string, any> };

/**
 * Antigravity accounts behind /v1: donated through /auth (PKCE, pasted callback), imported from
 * files, served through the official OpenAI, Gemini and Anthropic SDKs (text and images), with
 * their model quotas, token refresh, 429 ban windows and failover with the Gemini CLI pool.
 */
describe.each(testModes())('Antigravity accounts (%s)', (mode: GatewayMode) => {
  let google: FakeGoogle;
  let ag: FakeAntigravity;
  let gateway: GatewayProcess;
  let admin: AdminClient;
  let openai: OpenAI;
  let genai: GoogleGenAI;
  let anthropic: Anthropic;
  let second: FakeAntigravityAccount;
  let fresh: FakeAntigravityAccount;
  let callbackPort: number;
  let dropDb: (() => Promise<void>) | undefined;

  const runJob = async (name: string) => {
    const r = await admin.json('POST', `/jobs/${name}/run`);
    expect(r.status).toBe(200);
    return r.body.result;
  };
  const lastEnvelope = (method: 'generateContent' | 'streamGenerateContent', email?: string) => ag.callsTo(method, email).at(-1)!.body as Envelope;
  const cooldownsOf = async (email: string) => (await admin.credentialByEmail(email)).model_cooldowns as Record<string, { remaining_seconds: number; reason: string }>;

  beforeAll(async () => {
    google = await startFakeGoogle();
    const pooled = google.addAccount({ email: 'pool@example.com' });
    ag = await startFakeAntigravity({ operationPollsBeforeDone: 1 });
    ag.addAccount({ email: 'donor@example.com' });
    second = ag.addAccount({ email: 'second@example.com', project: null });
    fresh = ag.addAccount({ email: 'fresh@example.com' });
    registerSecrets([second.refreshToken, fresh.refreshToken, fresh.accessToken, ANTIGRAVITY_CLIENT_SECRET]);
    callbackPort = await freePort();
    const env: Record<string, string> = {
      ...google.env,
      ...ag.env,
      ANTIGRAVITY_SETUP_URL: ag.url,
      ANTIGRAVITY_OAUTH_CALLBACK_PORT: String(callbackPort),
      OAUTH_CALLBACK_PORT: String(await freePort()),
      API_PASSWORD,
      PANEL_PASSWORD,
      CALLS_PER_ROTATION: '1',
      CLIGATE_ONBOARD_POLL_SECONDS: '0.05',
      GCLI_CREDS_1: gcli2apiFile(pooled),
    };
    const storage = await modeEnv(mode, 'antigravity');
    dropDb = storage.drop;
    Object.assign(env, storage.env);
    gateway = await startGatewayProcess({ name: `antigravity-${mode}`, env });
    admin = new AdminClient(gateway.url, PANEL_PASSWORD);
    openai = new OpenAI({ apiKey: API_PASSWORD, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    genai = new GoogleGenAI({ apiKey: API_PASSWORD, httpOptions: { baseUrl: gateway.url } });
    anthropic = new Anthropic({ apiKey: API_PASSWORD, baseURL: gateway.url, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([google?.close(), ag?.close()]);
    await dropDb?.();
  });

  it('donates an Antigravity account through /auth: its client, PKCE, the pasted callback URL', async () => {
    const types = await fetch(`${gateway.url}/auth/account-types`).then((r) => r.json());
    expect(types.types).toEqual(expect.arrayContaining([{ type: 'gemini-cli', label: 'Gemini CLI' }, { type: 'antigravity', label: 'Antigravity' }]));
    expect((await post(gateway.url, '/auth/start', { type: 'nope' })).body.code).toBe('unknown_account_type');

    const started = await post(gateway.url, '/auth/start', { type: 'antigravity' });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ type: 'antigravity', redirect_uri: `http://localhost:${callbackPort}/oauth-callback`, loopback: true });
    const url = new URL(started.body.auth_url);
    expect(url.origin + url.pathname).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      client_id: ANTIGRAVITY_CLIENT_ID,
      redirect_uri: started.body.redirect_uri,
      response_type: 'code',
      access_type: 'offline',
      prompt: 'consent',
      state: started.body.state,
      code_challenge_method: 'S256',
    });
    expect(params.scope!.split(' ')).toContain('https://www.googleapis.com/auth/cclog');

    // Google redirects the donor's browser; the fake checks redirect URI, client and PKCE verifier
    const code = ag.issueAuthCode('donor@example.com', { redirectUri: started.body.redirect_uri, codeChallenge: params.code_challenge, clientId: ANTIGRAVITY_CLIENT_ID });
    const done = await post(gateway.url, '/auth/callback-url', { callback_url: `${started.body.redirect_uri}?state=${started.body.state}&code=${encodeURIComponent(code)}&scope=email` });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'success',
      credentials: { filename: 'antigravity-donor@example.com.json', email: 'donor@example.com', project_id: 'ag-proj-donor-example-com', tier: 'free-tier' },
    });
    const grant = ag.callsTo('token', 'donor@example.com').find((c) => (c.body as Record<string, string>).grant_type === 'authorization_code')!.body as Record<string, string>;
    expect(grant).toMatchObject({ client_id: ANTIGRAVITY_CLIENT_ID, redirect_uri: started.body.redirect_uri });
    expect(createHash('sha256').update(grant.code_verifier!).digest('base64url')).toBe(params.code_challenge);
    expect(google.callsTo('token')).toHaveLength(0);
    expect((ag.callsTo('loadCodeAssist', 'donor@example.com')[0]!.body as any).metadata).toEqual({ ideType: 'ANTIGRAVITY' });

    const cred = await admin.credentialByEmail('donor@example.com');
    expect(cred).toMatchObject({ backend_type: 'antigravity', source: 'oauth', project_id: 'ag-proj-donor-example-com', disabled: false });
    const file = (await admin.json('GET', `/creds/download/${cred.filename}`)).body;
    expect(file).toMatchObject({ type: 'antigravity', client_id: ANTIGRAVITY_CLIENT_ID, email: 'donor@example.com', project_id: 'ag-proj-donor-example-com' });
    expect(file.refresh_token).toMatch(/^1\/\/fake-refresh-/);
    expect((await fetch(`${gateway.url}/auth/status/${started.body.state}`).then((r) => r.json())).type).toBe('antigravity');
  });

  it('imports Antigravity files (typed upload), onboarding an account that has no project yet', async () => {
    const upload = await admin.upload([
      { name: 'second.json', content: JSON.stringify({ type: 'antigravity', refresh_token: second.refreshToken }) },
      // fresh@'s token expires in 7 minutes: outside the 5-minute lead of requests, inside the 10-minute lead of the refresh job
      {
        name: 'fresh.json',
        content: JSON.stringify({ type: 'antigravity', client_id: ANTIGRAVITY_CLIENT_ID, refresh_token: fresh.refreshToken, access_token: fresh.accessToken, expiry: new Date(Date.now() + 7 * 60_000).toISOString(), email: 'fresh@example.com' }),
      },
    ]);
    expect(upload.body.results.map((r: any) => r.status)).toEqual(['success', 'success']);
    expect(await admin.credentialByEmail('second@example.com')).toMatchObject({ backend_type: 'antigravity', project_id: 'ag-proj-second-example-com', tier: 'free-tier' });
    // onboarding the Antigravity way: snake_case, polled by posting onboardUser again
    const onboard = ag.callsTo('onboardUser', 'second@example.com');
    expect(onboard.length).toBeGreaterThanOrEqual(2);
    expect(onboard[0]!.body).toMatchObject({ tier_id: 'free-tier', metadata: { ide_type: 'ANTIGRAVITY' } });
    expect(ag.callsTo('token', 'fresh@example.com')).toHaveLength(0);
    const status = await admin.status();
    expect(status.items.filter((i: any) => i.backend_type === 'antigravity')).toHaveLength(3);
    // a credential of this kind is tested with its own upstream (the model listing)
    const tested = await admin.json('POST', `/creds/test/${(await admin.credentialByEmail('second@example.com')).filename}`);
    expect(tested.body).toMatchObject({ success: true, status: 200 });
  });

  it('serves text through the OpenAI, Gemini and Anthropic SDKs, streamed and not, in Antigravity\'s envelope', async () => {
    const chat = await openai.chat.completions.create({ model: 'gemini-3-flash', messages: [{ role: 'user', content: 'hello there' }] });
    expect(chat.choices[0]!.message.content).toMatch(/^Hello from (donor|second|fresh)@example\.com \(gemini-3-flash\): hello there$/);
    const envelope = lastEnvelope('generateContent');
    expect(envelope).toMatchObject({ model: 'gemini-3-flash', userAgent: 'antigravity', requestType: 'agent', project: expect.stringMatching(/^ag-proj-/) });
    expect(envelope.requestId).toMatch(/^agent-[0-9a-f-]{36}$/);
    expect(envelope.request.sessionId).toMatch(/^-\d+$/);
    expect(envelope.request.contents).toEqual([{ role: 'user', parts: [{ text: 'hello there' }] }]);
    // no Antigravity User-Agent: cligate says who it is
    const headers = ag.callsTo('generateContent').at(-1)!.headers;
    expect(headers['user-agent']).toBe('cligate');
    expect(headers['x-goog-api-client']).toBeUndefined();

    const stream = await openai.chat.completions.create({ model: 'gemini-3-flash', stream: true, messages: [{ role: 'user', content: 'stream it' }] });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
    expect(streamed).toMatch(/\(gemini-3-flash\): stream it$/);
    expect(ag.callsTo('streamGenerateContent').at(-1)!.query.alt).toBe('sse');

    const native = await genai.models.generateContent({ model: 'gemini-3-flash', contents: 'native hello' });
    expect(native.text).toMatch(/\(gemini-3-flash\): native hello$/);
    let nativeStreamed = '';
    for await (const chunk of await genai.models.generateContentStream({ model: 'gemini-3-flash', contents: 'native stream' })) nativeStreamed += chunk.text ?? '';
    expect(nativeStreamed).toMatch(/\(gemini-3-flash\): native stream$/);
    const counted = await genai.models.countTokens({ model: 'gemini-3-flash', contents: 'count these words please' });
    expect(counted.totalTokens).toBeGreaterThan(0);
    expect(ag.callsTo('countTokens')).toHaveLength(1);

    const claude = await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 256, messages: [{ role: 'user', content: 'claude hello' }] });
    expect(claude.content.find((b) => b.type === 'text')).toMatchObject({ text: expect.stringMatching(/\(claude-sonnet-4-6\): claude hello$/) });
    const claudeStream = anthropic.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 256, messages: [{ role: 'user', content: 'claude stream' }] });
    const final = await claudeStream.finalMessage();
    expect(final.content.map((b) => (b.type === 'text' ? b.text : '')).join('')).toMatch(/\(claude-sonnet-4-6\): claude stream$/);
    expect(lastEnvelope('streamGenerateContent').model).toBe('claude-sonnet-4-6');
    expect(google.callsTo('generateContent')).toHaveLength(0);
    expect(google.callsTo('streamGenerateContent')).toHaveLength(0);
  });

  it('generates images through the image models in every client protocol', async () => {
    const image = await openai.images.generate({ model: 'gemini-3.1-flash-image', prompt: 'a red cube', size: '1792x1024' });
    expect(image.data?.[0]?.b64_json).toBe(TINY_PNG_BASE64);
    const envelope = lastEnvelope('generateContent');
    expect(envelope).toMatchObject({ model: 'gemini-3.1-flash-image', userAgent: 'antigravity', requestType: 'image_gen' });
    expect(envelope.requestId).toMatch(/^image_gen\/\d{13}\/[0-9a-f-]{36}\/12$/);
    expect(envelope.request.sessionId).toBeUndefined();
    expect(envelope.request.generationConfig).toMatchObject({ candidateCount: 1, imageConfig: { aspectRatio: '16:9', imageSize: '2K' } });

    const chat = await openai.chat.completions.create({ model: 'gemini-3-pro-image', messages: [{ role: 'user', content: 'draw a cat' }] });
    expect((chat.choices[0]!.message as unknown as { images: Array<{ image_url: { url: string } }> }).images[0]!.image_url.url).toBe(`data:image/png;base64,${TINY_PNG_BASE64}`);
    const native = await genai.models.generateContent({ model: 'gemini-3-pro-image', contents: 'draw natively' });
    expect(native.candidates?.[0]?.content?.parts?.find((p) => p.inlineData)?.inlineData?.data).toBe(TINY_PNG_BASE64);
    const claude = await anthropic.messages.create({ model: 'gemini-3.1-flash-image', max_tokens: 64, messages: [{ role: 'user', content: 'draw for claude' }] });
    expect(claude.content.find((b) => b.type === 'image')).toMatchObject({ source: { type: 'base64', media_type: 'image/png', data: TINY_PNG_BASE64 } });
    expect(lastEnvelope('generateContent').requestType).toBe('image_gen');
    const models = await openai.models.list();
    expect(models.data.find((m) => m.id === 'gemini-3.1-flash-image')?.owned_by).toBe('antigravity');
  });

  it("shows each account's models and quotas, and keeps an exhausted model off the account", async () => {
    const listed = await admin.json('GET', '/antigravity/models');
    expect(listed.status).toBe(200);
    expect(listed.body.credentials).toHaveLength(3);
    const donor = listed.body.credentials.find((c: any) => c.email === 'donor@example.com');
    expect(donor.models.find((m: any) => m.id === 'gemini-3-flash')).toMatchObject({ provider: 'MODEL_PROVIDER_GOOGLE', remaining_fraction: 1, reset_time: expect.any(String) });

    const reset = new Date(Date.now() + 2 * 3600_000).toISOString();
    ag.setQuota('fresh@example.com', 'claude-opus-4-6-thinking', { remainingFraction: 0, resetTime: reset });
    const refreshed = await admin.json('POST', '/antigravity/models/refresh');
    expect(refreshed.body).toMatchObject({ refreshed: 3, failed: 0 });
    const freshModels = refreshed.body.credentials.find((c: any) => c.email === 'fresh@example.com').models;
    expect(freshModels.find((m: any) => m.id === 'claude-opus-4-6-thinking')).toMatchObject({ remaining_fraction: 0, reset_time: reset });
    expect((await cooldownsOf('fresh@example.com'))['claude-opus-4-6-thinking']).toMatchObject({ reason: 'quota exhausted (fetchAvailableModels)' });

    const before = ag.callsTo('generateContent', 'fresh@example.com').length;
    for (let i = 0; i < 3; i++) {
      const r = await openai.chat.completions.create({ model: 'claude-opus-4-6-thinking', messages: [{ role: 'user', content: `opus ${i}` }] });
      expect(r.choices[0]!.message.content).toMatch(/^Hello from (donor|second)@example\.com/);
    }
    expect(ag.callsTo('generateContent', 'fresh@example.com').length).toBe(before);
  });

  it('refreshes tokens ahead of expiry with the account\'s own client, and recovers from a refused token', async () => {
    const result = await runJob('refresh-tokens');
    expect(result.refreshed).toBeGreaterThanOrEqual(1);
    const refresh = ag.callsTo('token', 'fresh@example.com').at(-1)!.body as Record<string, string>;
    expect(refresh).toMatchObject({ grant_type: 'refresh_token', client_id: ANTIGRAVITY_CLIENT_ID, refresh_token: fresh.refreshToken });
    expect(google.callsTo('token')).toHaveLength(0);
    registerSecrets([fresh.accessToken]);

    // an access token the upstream stops accepting: refreshed once, the request still answers
    ag.expireTokens('donor@example.com');
    ag.expireTokens('second@example.com');
    const since = ag.calls.length;
    const refused = () => ag.calls.slice(since).filter((c) => c.route === 'generateContent' && c.status === 401);
    for (let i = 0; i < 6 && refused().length === 0; i++) {
      const r = await openai.chat.completions.create({ model: 'gemini-3-flash', messages: [{ role: 'user', content: `after expiry ${i}` }] });
      expect(r.choices[0]!.message.content).toContain(`after expiry ${i}`);
    }
    const [first] = refused();
    expect(first).toBeDefined();
    // the refused account got a new token from its own client, and its next call went through
    const after = ag.calls.slice(ag.calls.indexOf(first!) + 1).filter((c) => c.credential === first!.credential);
    expect(after.find((c) => c.route === 'token')?.body).toMatchObject({ grant_type: 'refresh_token', client_id: ANTIGRAVITY_CLIENT_ID });
    expect(after.find((c) => c.route === 'generateContent')?.status).toBe(200);
  });

  it('moves to another account on 429 QUOTA_EXHAUSTED and cools the whole model group until the reset', async () => {
    const reset = new Date(Date.now() + 3600_000).toISOString();
    ag.setQuota('donor@example.com', 'gemini-3-flash', { remainingFraction: 0, resetTime: reset });
    ag.setQuota('second@example.com', 'gemini-3-flash', { remainingFraction: 0, resetTime: reset });
    for (let i = 0; i < 3; i++) {
      const r = await openai.chat.completions.create({ model: 'gemini-3-flash', messages: [{ role: 'user', content: `quota ${i}` }] });
      expect(r.choices[0]!.message.content).toMatch(/^Hello from fresh@example\.com \(gemini-3-flash\)/);
    }
    const limited = [...ag.callsTo('generateContent', 'donor@example.com'), ...ag.callsTo('generateContent', 'second@example.com')].filter((c) => c.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    const cooled = [...(await admin.status()).items].filter((i: any) => i.model_cooldowns['gemini-3-flash']);
    expect(cooled.map((i: any) => i.user_email).sort()).toEqual(expect.arrayContaining([limited[0]!.credential]));
    const windows = await cooldownsOf(limited[0]!.credential!);
    expect(windows['gemini-3-flash']!.remaining_seconds).toBeGreaterThan(3000);
    // the individual quota covers the account's Gemini group, not its Claude models
    expect(windows['gemini-3-pro-high']).toMatchObject({ reason: '429 QUOTA_EXHAUSTED' });
    expect(windows['claude-sonnet-4-6']).toBeUndefined();
  });

  it('fails over between the Gemini CLI pool and Antigravity for a model both serve', async () => {
    const first = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'who serves' }] });
    expect(first.choices[0]!.message.content).toContain('pool@example.com');

    google.script('*', 'generateContent', Array.from({ length: 8 }, () => ({ status: 500, body: googleError(500, 'INTERNAL', 'down') })));
    const failover = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'failover please' }] });
    expect(failover.choices[0]!.message.content).toMatch(/^Hello from (donor|second|fresh)@example\.com \(gemini-2\.5-flash\): failover please$/);
    expect(lastEnvelope('generateContent').model).toBe('gemini-2.5-flash');
    google.reset();

    // the other way round: Antigravity first (routing rule), failing, the Gemini CLI pool answers
    expect((await admin.json('POST', '/config/save', { config: { model_routing: { 'gemini-2.5-flash': { providers: ['antigravity', 'gemini-cli'] } } } })).status).toBe(200);
    ag.script('*', 'generateContent', Array.from({ length: 8 }, () => ({ status: 503, body: googleError(503, 'UNAVAILABLE', 'overloaded') })));
    await expect
      .poll(async () => (await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'back to the pool' }] })).choices[0]!.message.content)
      .toContain('pool@example.com');
    expect(ag.callsTo('generateContent').some((c) => c.status === 503)).toBe(true);
  });
});

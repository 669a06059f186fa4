import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAiStudio, type FakeAiStudio } from '../fakes/fake-ai-studio.js';
import { OAUTH_BETA, startFakeAnthropic, usageLimit429, type FakeAnthropic } from '../fakes/fake-anthropic.js';
import { ANTIGRAVITY_CLIENT_ID, ANTIGRAVITY_CLIENT_SECRET, startFakeAntigravity, type FakeAntigravity } from '../fakes/fake-antigravity.js';
import { startFakeCodex, usageLimitReached429, type FakeCodex } from '../fakes/fake-codex.js';
import { startFakeGoogle, TINY_PNG_BASE64, type FakeAccount, type FakeGoogle } from '../fakes/fake-google.js';
import { isRecord, type RecordedCall } from '../fakes/fake-http.js';
import { openAIError, startFakeOpenAICompatible, type FakeOpenAICompatible } from '../fakes/fake-openai-compatible.js';
import { AdminClient, gcli2apiFile } from '../support/admin-client.js';
import { createTestDatabase, uniqueRedisPrefix } from '../support/databases.js';
import { TEST_REDIS_URL, testModes, type GatewayMode } from '../support/env.js';
import { freePort } from '../support/free-port.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { expectNoSecretsInLogs, registerSecrets } from '../support/secrets.js';

const API_PASSWORD = 'e2e-one-instance-api-1b1b';
const PANEL_PASSWORD = 'e2e-one-instance-panel-2c2c';
const STUDIO_KEY_A = 'AIzaFakeOneInstanceKeyAAAAAAAAAAAAAAAAA1';
const STUDIO_KEY_B = 'AIzaFakeOneInstanceKeyBBBBBBBBBBBBBBBBB2';
const ROUTER_KEY = 'sk-or-fake-one-instance-router-RRRRRRRR';
const CLAUDE_KEY = 'sk-ant-api03-fake-one-instance-key-CCCCCCCC';
const CODEX_KEY = 'sk-proj-fake-one-instance-key-XXXXXXXXXXXX';

const GCLI_EMAIL = 'gcli-donor@example.com';
const AG_EMAIL = 'ag-donor@example.com';
const CLAUDE_EMAIL = 'claude-sub@example.com';
const CODEX_EMAIL = 'codex-sub@example.com';

/** An AI Studio model neither Google account kind serves (Gemini CLI and Antigravity only take gemini-* names they know). */
const STUDIO_TEXT = 'gemma-3-27b-it';
const STUDIO_IMAGE = 'gemini-2.5-flash-image';
const AG_IMAGE = 'gemini-3.1-flash-image';
const AG_TEXT = 'gemini-3-flash';
const GCLI_MODEL = 'gemini-2.5-pro';
/** Served by Claude accounts and Claude keys, not by Antigravity (which lists claude-sonnet-4-6 and would rank before the key). */
const CLAUDE_MODEL = 'claude-opus-4-6';
const CODEX_MODEL = 'gpt-5-codex';
const ALIAS = 'fast';
const ALIAS_UPSTREAM = 'qwen-plus';
/** Costs set through the costs API (everything else uses the gateway's defaults, read back from the public lookup). */
const SET_COSTS: Record<string, number> = { [CLAUDE_MODEL]: 7, [CODEX_MODEL]: 4, [AG_IMAGE]: 5, [ALIAS]: 3 };
const ALLOWED = [GCLI_MODEL, STUDIO_TEXT, STUDIO_IMAGE, AG_IMAGE, AG_TEXT, ALIAS, CLAUDE_MODEL, CODEX_MODEL];

type Envelope = { model: string; requestType: string; request: { generationConfig?: { imageConfig?: unknown; candidateCount?: number } } };
type ChatImages = { images?: Array<{ image_url: { url: string } }> };

/** Every bearer token, API key and grant secret the gateway sent to a fake: all must stay out of the logs. */
function secretsSentTo(calls: ReadonlyArray<Pick<RecordedCall, 'headers' | 'body'>>): string[] {
  const out: string[] = [];
  for (const call of calls) {
    const bearer = /^Bearer\s+(.+)$/i.exec(call.headers.authorization ?? '')?.[1];
    if (bearer) out.push(bearer);
    for (const h of ['x-api-key', 'x-goog-api-key']) if (call.headers[h]) out.push(call.headers[h]!);
    if (isRecord(call.body)) for (const field of ['refresh_token', 'code', 'code_verifier']) if (typeof call.body[field] === 'string') out.push(call.body[field] as string);
  }
  return out;
}

async function post(base: string, path: string, body: unknown) {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

/**
 * The issue's "done when": ONE gateway instance, set up the way a new user does it — through the
 * admin API and the donation page only, no credential in the environment — with every upstream kind
 * (a Gemini CLI account, AI Studio keys, an Antigravity account, an OpenAI-compatible provider, a
 * Claude key and a Claude Code account, a Codex key and a ChatGPT account), and ONE issued `sk-` key
 * with a quota and an allow-list driving all of them through the official OpenAI, Gemini and
 * Anthropic SDKs. Every answer is checked against what the fakes recorded (which credential served,
 * which headers went upstream), and the key's ledger against the calls that succeeded.
 */
describe.each(testModes())('one instance, every upstream kind, one key (%s)', (mode: GatewayMode) => {
  let google: FakeGoogle;
  let studio: FakeAiStudio;
  let ag: FakeAntigravity;
  let router: FakeOpenAICompatible;
  let claudeFake: FakeAnthropic;
  let codexFake: FakeCodex;
  let gcliAccount: FakeAccount;
  let gateway: GatewayProcess;
  let admin: AdminClient;
  let dropDb: (() => Promise<void>) | undefined;

  let key: { id: string; api_key: string; total_quota: number };
  let openai: OpenAI;
  let genai: GoogleGenAI;
  let anthropic: Anthropic;
  /** requested model names of the calls that succeeded, in order (each must be charged once) */
  const succeeded: string[] = [];
  /** requested model names of the calls that failed (none may be charged) */
  const failed: string[] = [];
  const ok = <T>(model: string, value: T): T => {
    succeeded.push(model);
    return value;
  };
  const textOf = (m: Anthropic.Message) => m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  const envelopes = (route: 'generateContent' | 'streamGenerateContent') => ag.callsTo(route).map((c) => c.body as Envelope);

  beforeAll(async () => {
    [google, studio, ag, router, claudeFake, codexFake] = await Promise.all([
      startFakeGoogle(),
      startFakeAiStudio({ models: ['gemini-2.5-pro', 'gemini-2.5-flash', STUDIO_IMAGE, STUDIO_TEXT] }),
      startFakeAntigravity(),
      startFakeOpenAICompatible(),
      startFakeAnthropic(),
      startFakeCodex(),
    ]);
    gcliAccount = google.addAccount({ email: GCLI_EMAIL });
    studio.addKey(STUDIO_KEY_A, { label: 'studio-a' });
    studio.addKey(STUDIO_KEY_B, { label: 'studio-b' });
    router.addKey(ROUTER_KEY, { label: 'router-key' });
    claudeFake.addKey(CLAUDE_KEY, { label: 'claude-key' });
    codexFake.addKey(CODEX_KEY, { label: 'codex-key' });
    registerSecrets([STUDIO_KEY_A, STUDIO_KEY_B, ROUTER_KEY, CLAUDE_KEY, CODEX_KEY, gcliAccount.refreshToken, gcliAccount.accessToken, ANTIGRAVITY_CLIENT_SECRET]);

    // only where each upstream lives (the fakes) — no credential of any kind
    const env: Record<string, string> = {
      ...google.env,
      ...ag.env,
      ANTIGRAVITY_SETUP_URL: ag.url,
      ANTIGRAVITY_OAUTH_CALLBACK_PORT: String(await freePort()),
      OAUTH_CALLBACK_PORT: String(await freePort()),
      AI_STUDIO_BASE_URL: studio.url,
      CLAUDE_API_BASE_URL: claudeFake.url,
      CLAUDE_OAUTH_AUTHORIZE_URL: `${claudeFake.url}/oauth/authorize`,
      CLAUDE_OAUTH_TOKEN_URL: `${claudeFake.url}/v1/oauth/token`,
      CODEX_API_BASE_URL: codexFake.apiBaseUrl,
      CODEX_OAUTH_ISSUER: codexFake.url,
      CODEX_CHATGPT_BASE_URL: codexFake.chatgptBaseUrl,
      API_PASSWORD,
      PANEL_PASSWORD,
      // the provider's fake listens on loopback
      CLIGATE_ALLOW_PRIVATE_UPSTREAMS: 'true',
    };
    if (mode === 'postgres+redis') {
      const db = await createTestDatabase('one_instance');
      dropDb = db.drop;
      Object.assign(env, {
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: uniqueRedisPrefix('one-instance'),
        CLIGATE_ENCRYPTION_KEY: Buffer.alloc(32, 91).toString('base64'),
        CLIGATE_KEY_HASH_SECRET: Buffer.alloc(32, 92).toString('base64'),
      });
    }
    gateway = await startGatewayProcess({ name: `one-instance-${mode}`, env });
    admin = new AdminClient(gateway.url, PANEL_PASSWORD);
  });

  afterAll(async () => {
    const fakes = [google, studio, ag, router, claudeFake, codexFake];
    const secrets = fakes.flatMap((f) => secretsSentTo(f?.calls ?? []));
    for (const a of [ag?.account(AG_EMAIL), claudeFake?.account(CLAUDE_EMAIL), codexFake?.account(CODEX_EMAIL)]) {
      if (a) secrets.push(a.accessToken, a.refreshToken);
    }
    const codexAccount = codexFake?.account(CODEX_EMAIL);
    if (codexAccount) secrets.push(codexAccount.idToken);
    if (key) secrets.push(key.api_key);
    registerSecrets(secrets);
    if (gateway) expectNoSecretsInLogs([gateway], [...secrets, API_PASSWORD, PANEL_PASSWORD]);
    await gateway?.stop();
    await Promise.all(fakes.map((f) => f?.close()));
    await dropDb?.();
  });

  // ---------------------------------------------------------------------------------------------
  // Set-up, as a new user does it
  // ---------------------------------------------------------------------------------------------

  it('adds a Gemini CLI account, AI Studio keys and an Antigravity account (donated through /auth)', async () => {
    expect((await admin.status()).total).toBe(0);

    const upload = await admin.upload([{ name: 'gcli.json', content: gcli2apiFile(gcliAccount) }]);
    expect(upload.body.results[0]).toMatchObject({ status: 'success' });

    expect((await admin.json('POST', '/creds/add', { kind: 'ai-studio', api_key: STUDIO_KEY_A, label: 'studio A' })).body.status).toBe('success');
    expect((await admin.json('POST', '/creds/add', { kind: 'ai-studio', api_key: STUDIO_KEY_B, label: 'studio B' })).body.status).toBe('success');

    // the donation page: choose Antigravity, sign in at Google (the fake), paste the address the browser ended on
    const started = await post(gateway.url, '/auth/start', { type: 'antigravity' });
    expect(started.status).toBe(200);
    expect(started.body.type).toBe('antigravity');
    const consent = new URL(started.body.auth_url);
    expect(consent.searchParams.get('client_id')).toBe(ANTIGRAVITY_CLIENT_ID);
    const code = ag.issueAuthCode(AG_EMAIL, {
      redirectUri: started.body.redirect_uri,
      codeChallenge: consent.searchParams.get('code_challenge')!,
      clientId: ANTIGRAVITY_CLIENT_ID,
    });
    const done = await post(gateway.url, '/auth/callback-url', { callback_url: `${started.body.redirect_uri}?state=${started.body.state}&code=${encodeURIComponent(code)}&scope=email` });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'success', credentials: { email: AG_EMAIL, project_id: 'ag-proj-ag-donor-example-com' } });
    // its tokens came from Antigravity's token endpoint, not Gemini CLI's
    expect(google.callsTo('token').filter((c) => (c.body as Record<string, string>).grant_type === 'authorization_code')).toHaveLength(0);

    const status = await admin.status();
    expect(status.stats.kinds).toMatchObject({ 'gemini-cli': 1, 'ai-studio': 2, antigravity: 1 });
    expect(await admin.credentialByEmail(GCLI_EMAIL)).toMatchObject({ backend_type: 'gemini-cli', project_id: gcliAccount.project, disabled: false });
  });

  it('defines an OpenAI-compatible provider, adds a Claude key and a Codex key, and signs a Claude Code and a ChatGPT account in', async () => {
    const created = await admin.json('POST', '/providers', { name: 'router', base_url: router.baseUrl, models: [`${ALIAS}=${ALIAS_UPSTREAM}`], api_keys: [ROUTER_KEY] });
    expect(created.status).toBe(201);
    expect(created.body.provider).toMatchObject({ name: 'router', wire: 'openai-chat', keys: { enabled: 1, total: 1 } });

    expect((await admin.json('POST', '/creds/add', { kind: 'claude', api_key: CLAUDE_KEY, label: 'claude key' })).body.status).toBe('success');
    expect((await admin.json('POST', '/creds/add', { kind: 'codex', api_key: CODEX_KEY, label: 'codex key' })).body.status).toBe('success');

    // Claude Code account: open the consent URL, sign in, paste the code#state the callback page shows
    const claudeStart = await admin.json('POST', '/oauth/claude/start');
    expect(claudeStart.status).toBe(200);
    const claudeConsent = new URL(claudeStart.body.auth_url);
    expect(`${claudeConsent.origin}${claudeConsent.pathname}`).toBe(`${claudeFake.url}/oauth/authorize`);
    const claudeCode = claudeFake.issueAuthCode(CLAUDE_EMAIL, {
      redirectUri: claudeStart.body.redirect_uri,
      codeChallenge: claudeConsent.searchParams.get('code_challenge')!,
      state: claudeStart.body.state,
    });
    const claudeDone = await admin.json('POST', '/oauth/claude/complete', { pasted: `${claudeCode}#${claudeStart.body.state}` });
    expect(claudeDone.status).toBe(200);
    expect(claudeDone.body).toMatchObject({ status: 'success', credential: { email: CLAUDE_EMAIL } });

    // ChatGPT account: paste the whole callback address the browser ended on
    const codexStart = await admin.json('POST', '/oauth/codex/start');
    expect(codexStart.status).toBe(200);
    const codexConsent = new URL(codexStart.body.auth_url);
    const codexCode = codexFake.issueAuthCode(CODEX_EMAIL, { redirectUri: codexStart.body.redirect_uri, codeChallenge: codexConsent.searchParams.get('code_challenge')! });
    const codexDone = await admin.json('POST', '/oauth/codex/complete', { pasted: `${codexStart.body.redirect_uri}?code=${codexCode}&scope=openid&state=${codexStart.body.state}` });
    expect(codexDone.status).toBe(200);
    expect(codexDone.body).toMatchObject({ status: 'success', credential: { email: CODEX_EMAIL, project_id: codexFake.account(CODEX_EMAIL)!.accountId } });

    const status = await admin.status();
    expect(status.stats.kinds).toEqual({ 'gemini-cli': 1, 'ai-studio': 2, antigravity: 1, 'openai-compat': 1, claude: 1, 'claude-oauth': 1, codex: 1, 'codex-oauth': 1 });
    expect(status.items.every((i: any) => i.disabled === false)).toBe(true);
    // no secret in what the admin API shows
    const shown = JSON.stringify(status);
    for (const secret of [STUDIO_KEY_A, ROUTER_KEY, CLAUDE_KEY, CODEX_KEY, gcliAccount.refreshToken, ag.account(AG_EMAIL)!.refreshToken, claudeFake.account(CLAUDE_EMAIL)!.refreshToken]) {
      expect(shown).not.toContain(secret);
    }
  });

  it('sets model costs and issues ONE key with a quota and an allow-list, which refuses a model outside it', async () => {
    for (const [model_name, cost] of Object.entries(SET_COSTS)) {
      expect((await admin.json('POST', '/auth/models/costs', { model_name, cost })).status).toBe(200);
    }
    expect((await admin.json('GET', '/auth/models/costs')).body.model_costs).toMatchObject({ ...SET_COSTS, [GCLI_MODEL]: 10 });
    for (const [model, cost] of Object.entries(SET_COSTS)) {
      expect(await fetch(`${gateway.url}/auth/models/${encodeURIComponent(model)}/cost`).then((r) => r.json())).toEqual({ model_name: model, cost, is_default: false });
    }

    const issued = await admin.json('POST', '/auth/keys', { total_quota: 500, description: 'the one key', allowed_models: ALLOWED });
    expect(issued.status).toBe(200);
    expect(issued.body.api_key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    expect(issued.body).toMatchObject({ total_quota: 500, used_quota: 0, allowed_models: ALLOWED });
    key = issued.body;
    openai = new OpenAI({ apiKey: key.api_key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    genai = new GoogleGenAI({ apiKey: key.api_key, httpOptions: { baseUrl: gateway.url } });
    anthropic = new Anthropic({ apiKey: key.api_key, baseURL: gateway.url, maxRetries: 0 });

    // gemini-2.5-flash is served (by the Gemini CLI account first) but not on this key's list
    const generations = () =>
      [google.calls, studio.calls, ag.calls].flat().filter((c) => /:(stream)?generateContent$/i.test(c.path)).length;
    const before = generations();
    const refused = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'not mine' }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((refused as Error).message).toMatch(/may not use the model gemini-2\.5-flash/);
    const nativeRefused = await genai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'not mine either' }).catch((e: unknown) => e);
    expect(String(nativeRefused)).toMatch(/403/);
    const claudeRefused = await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'no' }] }).catch((e: unknown) => e);
    expect(claudeRefused).toBeInstanceOf(Anthropic.PermissionDeniedError);
    failed.push('gemini-2.5-flash', 'gemini-2.5-flash', 'claude-sonnet-4-6');
    expect(generations()).toBe(before);
    expect(claudeFake.callsTo('messages')).toHaveLength(0);
  });

  // ---------------------------------------------------------------------------------------------
  // One key, every upstream kind
  // ---------------------------------------------------------------------------------------------

  it('serves a Gemini CLI model through the openai SDK and @google/genai, streamed and not', async () => {
    const hello = `Hello from ${GCLI_EMAIL} (${GCLI_MODEL})`;
    const chat = ok(GCLI_MODEL, await openai.chat.completions.create({ model: GCLI_MODEL, messages: [{ role: 'user', content: 'cli chat' }] }));
    expect(chat.choices[0]!.message.content).toBe(`${hello}: cli chat`);
    let streamed = '';
    for await (const chunk of await openai.chat.completions.create({ model: GCLI_MODEL, stream: true, messages: [{ role: 'user', content: 'cli stream' }] })) {
      streamed += chunk.choices[0]?.delta?.content ?? '';
    }
    ok(GCLI_MODEL, streamed);
    expect(streamed).toBe(`${hello}: cli stream`);
    const native = ok(GCLI_MODEL, await genai.models.generateContent({ model: GCLI_MODEL, contents: 'cli native' }));
    expect(native.text).toBe(`${hello}: cli native`);
    let nativeStreamed = '';
    for await (const chunk of await genai.models.generateContentStream({ model: GCLI_MODEL, contents: 'cli native stream' })) nativeStreamed += chunk.text ?? '';
    ok(GCLI_MODEL, nativeStreamed);
    expect(nativeStreamed).toBe(`${hello}: cli native stream`);

    const calls = [...google.callsTo('generateContent'), ...google.callsTo('streamGenerateContent')];
    expect(calls).toHaveLength(4);
    for (const call of calls) {
      expect(call.account).toBe(GCLI_EMAIL);
      expect(call.status).toBe(200);
      expect(call.headers.authorization).toBe(`Bearer ${google.account(GCLI_EMAIL)!.accessToken}`);
      expect((call.body as { model: string; project: string }).model).toBe(GCLI_MODEL);
      expect((call.body as { project: string }).project).toBe(gcliAccount.project);
    }
    expect(studio.callsTo('generateContent')).toHaveLength(0);
    expect(ag.callsTo('generateContent')).toHaveLength(0);
  });

  it('serves an AI Studio-only model and AI Studio images in OpenAI images, chat images[], Gemini inlineData and Claude image blocks', async () => {
    const googleBefore = google.calls.length;
    const text = ok(STUDIO_TEXT, await openai.chat.completions.create({ model: STUDIO_TEXT, messages: [{ role: 'user', content: 'gemma please' }] }));
    expect(text.choices[0]!.message.content).toMatch(new RegExp(`^Hello from studio-[ab] \\(${STUDIO_TEXT}\\): gemma please$`));
    let gemmaStreamed = '';
    for await (const chunk of await genai.models.generateContentStream({ model: STUDIO_TEXT, contents: 'gemma native' })) gemmaStreamed += chunk.text ?? '';
    ok(STUDIO_TEXT, gemmaStreamed);
    expect(gemmaStreamed).toMatch(/: gemma native$/);

    const image = ok(STUDIO_IMAGE, await openai.images.generate({ model: STUDIO_IMAGE, prompt: 'a red cube', size: '1024x1536' }));
    expect(image.data?.[0]?.b64_json).toBe(TINY_PNG_BASE64);

    const chat = ok(STUDIO_IMAGE, await openai.chat.completions.create({
      model: STUDIO_IMAGE,
      messages: [{ role: 'user', content: 'draw a blue cube' }],
      modalities: ['image', 'text'],
      image_config: { aspect_ratio: '3:4', image_size: '1K' },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming));
    expect((chat.choices[0]!.message as unknown as ChatImages).images?.[0]?.image_url.url).toBe(`data:image/png;base64,${TINY_PNG_BASE64}`);

    const native = ok(STUDIO_IMAGE, await genai.models.generateContent({
      model: STUDIO_IMAGE,
      contents: 'draw natively',
      config: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '16:9', imageSize: '1K' } },
    }));
    expect(native.candidates?.[0]?.content?.parts?.find((p) => p.inlineData)?.inlineData).toEqual({ mimeType: 'image/png', data: TINY_PNG_BASE64 });

    // a Claude client has no image settings: the model-name suffix carries the aspect ratio
    const claudeModel = `${STUDIO_IMAGE}-9x16`;
    const claude = ok(claudeModel, await anthropic.messages.create({ model: claudeModel, max_tokens: 64, messages: [{ role: 'user', content: 'draw for claude' }] }));
    expect(claude.content.find((b) => (b as { type: string }).type === 'image')).toMatchObject({ source: { type: 'base64', media_type: 'image/png', data: TINY_PNG_BASE64 } });

    const calls = [...studio.callsTo('generateContent'), ...studio.callsTo('streamGenerateContent')];
    expect(calls).toHaveLength(6);
    for (const call of calls) {
      expect(call.status).toBe(200);
      expect(['studio-a', 'studio-b']).toContain(call.credential);
      expect(call.headers['x-goog-api-key']).toBe(call.credential === 'studio-a' ? STUDIO_KEY_A : STUDIO_KEY_B);
      expect(call.headers.authorization).toBeUndefined();
      expect(call.path).toMatch(/^\/v1beta\/models\//);
    }
    const imageConfigs = studio.callsTo('generateContent').filter((c) => c.path.includes(STUDIO_IMAGE)).map((c) => (c.body as any).generationConfig?.imageConfig);
    expect(imageConfigs).toEqual([
      { aspectRatio: '2:3', imageSize: '2K' },
      { aspectRatio: '3:4', imageSize: '1K' },
      { aspectRatio: '16:9', imageSize: '1K' },
      { aspectRatio: '9:16' },
    ]);
    expect(studio.callsTo('generateContent').filter((c) => c.path.includes(STUDIO_IMAGE)).every((c) => c.path === `/v1beta/models/${STUDIO_IMAGE}:generateContent`)).toBe(true);
    // neither Google account kind was asked for these
    expect(google.calls.length).toBe(googleBefore);
    expect(ag.callsTo('generateContent')).toHaveLength(0);
  });

  it('serves an Antigravity image model the same four ways, and an Antigravity text model', async () => {
    const before = google.calls.length;
    const image = ok(AG_IMAGE, await openai.images.generate({ model: AG_IMAGE, prompt: 'a green cube', size: '1792x1024' }));
    expect(image.data?.[0]?.b64_json).toBe(TINY_PNG_BASE64);
    const chat = ok(AG_IMAGE, await openai.chat.completions.create({
      model: AG_IMAGE,
      messages: [{ role: 'user', content: 'draw a cat' }],
      image_config: { aspect_ratio: '4:3', image_size: '4K' },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming));
    expect((chat.choices[0]!.message as unknown as ChatImages).images?.[0]?.image_url.url).toBe(`data:image/png;base64,${TINY_PNG_BASE64}`);
    const native = ok(AG_IMAGE, await genai.models.generateContent({ model: AG_IMAGE, contents: 'draw natively', config: { imageConfig: { aspectRatio: '9:16', imageSize: '2K' } } }));
    expect(native.candidates?.[0]?.content?.parts?.find((p) => p.inlineData)?.inlineData?.data).toBe(TINY_PNG_BASE64);
    const claudeModel = `${AG_IMAGE}-4k-21x9`;
    const claude = ok(claudeModel, await anthropic.messages.create({ model: claudeModel, max_tokens: 64, messages: [{ role: 'user', content: 'draw for claude' }] }));
    expect(claude.content.find((b) => (b as { type: string }).type === 'image')).toMatchObject({ source: { type: 'base64', media_type: 'image/png', data: TINY_PNG_BASE64 } });

    const images = envelopes('generateContent');
    expect(images.map((e) => [e.model, e.requestType])).toEqual(Array.from({ length: 4 }, () => [AG_IMAGE, 'image_gen']));
    expect(images.map((e) => e.request.generationConfig?.imageConfig)).toEqual([
      { aspectRatio: '16:9', imageSize: '2K' },
      { aspectRatio: '4:3', imageSize: '4K' },
      { aspectRatio: '9:16', imageSize: '2K' },
      { aspectRatio: '21:9', imageSize: '4K' },
    ]);
    expect(images.every((e) => e.request.generationConfig?.candidateCount === 1)).toBe(true);

    const hello = `Hello from ${AG_EMAIL} (${AG_TEXT})`;
    const text = ok(AG_TEXT, await openai.chat.completions.create({ model: AG_TEXT, messages: [{ role: 'user', content: 'ag chat' }] }));
    expect(text.choices[0]!.message.content).toBe(`${hello}: ag chat`);
    let nativeStreamed = '';
    for await (const chunk of await genai.models.generateContentStream({ model: AG_TEXT, contents: 'ag native stream' })) nativeStreamed += chunk.text ?? '';
    ok(AG_TEXT, nativeStreamed);
    expect(nativeStreamed).toBe(`${hello}: ag native stream`);
    expect(envelopes('generateContent').at(-1)).toMatchObject({ model: AG_TEXT, requestType: 'agent' });
    expect(envelopes('streamGenerateContent').map((e) => e.model)).toEqual([AG_TEXT]);

    for (const call of [...ag.callsTo('generateContent'), ...ag.callsTo('streamGenerateContent')]) {
      expect(call.credential).toBe(AG_EMAIL);
      expect(call.status).toBe(200);
      expect(call.headers.authorization).toBe(`Bearer ${ag.account(AG_EMAIL)!.accessToken}`);
      expect(call.headers['user-agent']).toBe('cligate');
    }
    expect(google.calls.length).toBe(before);
    expect(studio.callsTo('generateContent').filter((c) => c.path.includes('3.1-flash-image'))).toHaveLength(0);
  });

  it("serves the OpenAI-compatible provider's alias through the openai SDK (passthrough) and @anthropic-ai/sdk (translated)", async () => {
    const body = { model: ALIAS, messages: [{ role: 'user' as const, content: 'via openai' }], user: 'u-1', transforms: ['middle-out'] };
    const passed = ok(ALIAS, await openai.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming));
    // same protocol: the upstream's own answer and model name, the client body forwarded as sent (alias resolved)
    expect(passed.model).toBe(ALIAS_UPSTREAM);
    expect(passed.choices[0]!.message.content).toBe(`Hello from router-key (${ALIAS_UPSTREAM}): via openai`);
    expect(router.callsTo('chatCompletions').at(-1)!.body).toEqual({ ...body, model: ALIAS_UPSTREAM });

    const claude = ok(ALIAS, await anthropic.messages.create({ model: ALIAS, max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'via claude' }] }));
    expect(claude.type).toBe('message');
    expect(textOf(claude)).toBe(`Hello from router-key (${ALIAS_UPSTREAM}): via claude`);
    const translated = router.callsTo('chatCompletions').at(-1)!.body as { model: string; messages: Array<{ role: string; content: unknown }>; max_tokens?: number };
    expect(translated.model).toBe(ALIAS_UPSTREAM);
    expect(translated.messages[0]).toMatchObject({ role: 'system' });
    expect(JSON.stringify(translated.messages)).toContain('via claude');

    // an upstream refusal reaches the client and is not charged
    router.script('*', 'chatCompletions', [{ status: 400, body: openAIError('This model does not take that request', 'invalid_request_error', 'bad_request') }]);
    const refused = await openai.chat.completions.create({ model: ALIAS, messages: [{ role: 'user', content: 'refused' }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBeGreaterThanOrEqual(400);
    failed.push(ALIAS);

    const calls = router.callsTo('chatCompletions');
    expect(calls.map((c) => c.status)).toEqual([200, 200, 400]);
    for (const call of calls) {
      expect(call.credential).toBe('router-key');
      expect(call.headers.authorization).toBe(`Bearer ${ROUTER_KEY}`);
      expect(call.path).toBe('/v1/chat/completions');
    }
  });

  it('serves a Claude model through @anthropic-ai/sdk and openai: the Claude Code account first, the Claude key once the account is throttled', async () => {
    const fromAccount = `Hello from ${CLAUDE_EMAIL} (${CLAUDE_MODEL})`;
    const first = ok(CLAUDE_MODEL, await anthropic.messages.create({ model: CLAUDE_MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'claude one' }] }));
    expect(textOf(first)).toBe(`${fromAccount}: claude one`);
    const chat = ok(CLAUDE_MODEL, await openai.chat.completions.create({ model: CLAUDE_MODEL, messages: [{ role: 'user', content: 'claude chat' }] }));
    expect(chat.choices[0]!.message.content).toBe(`${fromAccount}: claude chat`);

    // the subscription hits its 5-hour limit: the key takes over, for both clients
    const resetAt = Math.floor(Date.now() / 1000) + 5 * 3600;
    claudeFake.script(CLAUDE_EMAIL, 'messages', [usageLimit429(resetAt)]);
    const fromKey = `Hello from claude-key (${CLAUDE_MODEL})`;
    const second = ok(CLAUDE_MODEL, await anthropic.messages.create({ model: CLAUDE_MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'claude two' }] }));
    expect(textOf(second)).toBe(`${fromKey}: claude two`);
    let streamed = '';
    for await (const chunk of await openai.chat.completions.create({ model: CLAUDE_MODEL, stream: true, messages: [{ role: 'user', content: 'claude stream' }] })) {
      streamed += chunk.choices[0]?.delta?.content ?? '';
    }
    ok(CLAUDE_MODEL, streamed);
    expect(streamed).toBe(`${fromKey}: claude stream`);

    const calls = claudeFake.callsTo('messages');
    expect(calls.map((c) => [c.credential, c.status])).toEqual([
      [CLAUDE_EMAIL, 200],
      [CLAUDE_EMAIL, 200],
      [CLAUDE_EMAIL, 429],
      ['claude-key', 200],
      ['claude-key', 200],
    ]);
    for (const call of calls.filter((c) => c.credential === CLAUDE_EMAIL)) {
      expect(call.headers.authorization).toMatch(/^Bearer sk-ant-oat01-/);
      expect(call.headers['x-api-key']).toBeUndefined();
      expect(call.headers['anthropic-beta']).toContain(OAUTH_BETA);
      expect(call.headers['x-app']).toBeUndefined();
      expect(call.headers['user-agent'] ?? '').not.toMatch(/claude-cli|claude-code/i);
    }
    for (const call of calls.filter((c) => c.credential === 'claude-key')) {
      expect(call.headers['x-api-key']).toBe(CLAUDE_KEY);
      expect(call.headers['anthropic-beta'] ?? '').not.toContain(OAUTH_BETA);
    }
    const account = await admin.credentialByEmail(CLAUDE_EMAIL);
    expect(account.model_cooldowns[CLAUDE_MODEL].until).toBeGreaterThanOrEqual(resetAt - 2);
    // Antigravity (which serves other Claude names) was not used for this one
    expect(envelopes('generateContent').some((e) => e.model.startsWith('claude'))).toBe(false);
  });

  it('serves a Codex model through openai Responses and Chat Completions: the ChatGPT account first, the Codex key once the account is throttled', async () => {
    const fromAccount = `Hello from ${CODEX_EMAIL} (${CODEX_MODEL})`;
    const response = ok(CODEX_MODEL, await openai.responses.create({ model: CODEX_MODEL, input: 'codex one' }));
    expect(response.output_text).toBe(`${fromAccount}: codex one`);
    const chat = ok(CODEX_MODEL, await openai.chat.completions.create({ model: CODEX_MODEL, messages: [{ role: 'user', content: 'codex chat' }] }));
    expect(chat.choices[0]!.message.content).toBe(`${fromAccount}: codex chat`);

    codexFake.script(CODEX_EMAIL, 'codexResponses', [usageLimitReached429({ resetsInSeconds: 7200 })]);
    const fromKey = `Hello from codex-key (${CODEX_MODEL})`;
    const streamed = ok(CODEX_MODEL, await openai.responses.stream({ model: CODEX_MODEL, input: 'codex two' }).finalResponse());
    expect(streamed.output_text).toBe(`${fromKey}: codex two`);
    const chat2 = ok(CODEX_MODEL, await openai.chat.completions.create({ model: CODEX_MODEL, messages: [{ role: 'user', content: 'codex chat two' }] }));
    expect(chat2.choices[0]!.message.content).toBe(`${fromKey}: codex chat two`);

    const accountCalls = codexFake.callsTo('codexResponses');
    expect(accountCalls.map((c) => c.status)).toEqual([200, 200, 429]);
    const accountId = codexFake.account(CODEX_EMAIL)!.accountId;
    for (const call of accountCalls) {
      expect(call.credential).toBe(CODEX_EMAIL);
      expect(call.headers['chatgpt-account-id']).toBe(accountId);
      expect(call.headers.originator).toBe('cligate');
      expect(call.headers['user-agent'] ?? '').not.toMatch(/codex_cli_rs/);
    }
    const keyCalls = codexFake.callsTo('responses');
    expect(keyCalls.map((c) => [c.credential, c.status])).toEqual([
      ['codex-key', 200],
      ['codex-key', 200],
    ]);
    for (const call of keyCalls) {
      expect(call.headers.authorization).toBe(`Bearer ${CODEX_KEY}`);
      expect(call.headers['chatgpt-account-id']).toBeUndefined();
    }
    expect((await admin.credentialByEmail(CODEX_EMAIL)).model_cooldowns[CODEX_MODEL]).toBeDefined();
  });

  it('lists the models of all six kinds with their owners on /v1/models, within the allow-list', async () => {
    const models = await openai.models.list();
    const owners = Object.fromEntries(models.data.map((m) => [m.id, m.owned_by]));
    expect(owners).toMatchObject({
      [GCLI_MODEL]: 'google',
      [STUDIO_IMAGE]: 'google-ai-studio',
      [AG_IMAGE]: 'antigravity',
      [AG_TEXT]: 'antigravity',
      [ALIAS]: 'router',
      [CLAUDE_MODEL]: 'anthropic',
      [CODEX_MODEL]: 'openai',
    });
    // nothing outside the key's list (gateway variants of an allowed base model are allowed)
    expect(models.data.map((m) => m.id)).not.toContain('gemini-2.5-flash');
    expect(models.data.map((m) => m.id)).not.toContain('claude-sonnet-4-6');
    expect(models.data.every((m) => ALLOWED.some((a) => m.id === a || m.id.includes(`${a}-`) || m.id.endsWith(`/${a}`)))).toBe(true);
  });

  it("adds the key's usage up to exactly the charges of the successful calls, none for the failed ones, per model", async () => {
    const costOf = new Map<string, number>();
    for (const model of new Set([...succeeded, ...failed])) {
      const found = await fetch(`${gateway.url}/auth/models/${encodeURIComponent(model)}/cost`).then((r) => r.json());
      costOf.set(model, found.cost);
    }
    for (const [model, cost] of Object.entries(SET_COSTS)) expect(costOf.get(model)).toBe(cost);
    expect(costOf.get(GCLI_MODEL)).toBe(10);
    // a size / aspect-ratio suffix costs what its base model costs (never the default)
    expect(costOf.get(`${AG_IMAGE}-4k-21x9`)).toBe(SET_COSTS[AG_IMAGE]);
    expect(costOf.get(`${STUDIO_IMAGE}-9x16`)).toBe(costOf.get(STUDIO_IMAGE));
    const expectedUsed = succeeded.reduce((sum, model) => sum + costOf.get(model)!, 0);
    const expectedStats: Record<string, number> = {};
    for (const model of succeeded) expectedStats[model] = (expectedStats[model] ?? 0) + costOf.get(model)!;
    expect(succeeded).toHaveLength(26);

    // the ledger: one row per request that reached the relay; charged rows are exactly the successes
    let rows: Array<Record<string, string>> = [];
    for (let i = 0; i < 50; i++) {
      rows = await admin.usageRows(key.id);
      if (rows.filter((r) => r.policy === 'charged').length >= succeeded.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // what the key's owner sees (public query) and what the key itself sees
    const query = await post(gateway.url, '/auth/query', { api_key: key.api_key });
    expect(query.status).toBe(200);
    expect(query.body).toMatchObject({ total_quota: 500, used_quota: expectedUsed, remaining_quota: 500 - expectedUsed });
    expect(query.body.model_stats).toEqual(expectedStats);
    const own = await fetch(`${gateway.url}/auth/quota`, { headers: { 'x-api-key': key.api_key } }).then((r) => r.json());
    expect(own.used_quota).toBe(expectedUsed);

    const charged = rows.filter((r) => r.policy === 'charged');
    expect(charged.map((r) => r.requested_model)).toEqual(succeeded);
    expect(charged.map((r) => Number(r.cost))).toEqual(succeeded.map((m) => costOf.get(m)));
    expect(charged.every((r) => r.status === '200')).toBe(true);
    // the upstream refusal is in the ledger, refunded; the allow-list refusals never reached the relay
    const notCharged = rows.filter((r) => r.policy !== 'charged');
    expect(notCharged.map((r) => [r.requested_model, r.status, r.policy, r.cost])).toEqual([[ALIAS, '400', 'refunded', '0']]);
    expect(rows).toHaveLength(succeeded.length + 1);

    // per-model statistics show every model used, with its requests and charges
    const byModel = await admin.json('GET', `/usage/stats?group_by=model&key_id=${key.id}`);
    const stats = Object.fromEntries(byModel.body.data.map((r: any) => [r.group, r]));
    for (const [model, cost] of Object.entries(expectedStats)) {
      expect(stats[model]).toMatchObject({ cost, requests: succeeded.filter((m) => m === model).length + rows.filter((r) => r.policy !== 'charged' && r.requested_model === model).length });
    }
    expect(byModel.body.data.reduce((sum: number, r: any) => sum + r.cost, 0)).toBe(expectedUsed);
    // and every kind of credential served some of it
    const byCredential = await admin.json('GET', `/usage/stats?group_by=credential&key_id=${key.id}`);
    const labels = byCredential.body.data.filter((r: any) => r.cost > 0).map((r: any) => r.label);
    expect(labels).toEqual(expect.arrayContaining([GCLI_EMAIL, AG_EMAIL, CLAUDE_EMAIL, CODEX_EMAIL, 'claude key', 'codex key']));
    expect(labels.some((l: string) => /^studio [AB]$/.test(l))).toBe(true);
    expect(byCredential.body.data.reduce((sum: number, r: any) => sum + r.cost, 0)).toBe(expectedUsed);
  });

  it('never sent the client key or a gateway password to any upstream', () => {
    const fakes = { google, studio, ag, router, claudeFake, codexFake };
    let total = 0;
    for (const [name, fake] of Object.entries(fakes)) {
      for (const call of fake.calls) {
        total += 1;
        const seen = `${call.path} ${JSON.stringify(call.query)} ${JSON.stringify(call.headers)} ${JSON.stringify(call.body)}`;
        for (const secret of [key.api_key, API_PASSWORD, PANEL_PASSWORD]) {
          if (seen.includes(secret)) throw new Error(`${name} received a client secret (${secret.slice(0, 6)}…) at ${call.path}`);
        }
      }
    }
    expect(total).toBeGreaterThan(30);
  });
});

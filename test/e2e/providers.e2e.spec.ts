import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleError, startFakeGoogle, type FakeGoogle } from '../fakes/fake-google.js';
import { anthropicError, startFakeAnthropic, type FakeAnthropic } from '../fakes/fake-anthropic.js';
import { startFakeCodex, type FakeCodex } from '../fakes/fake-codex.js';
import { openAIError, startFakeOpenAICompatible, type FakeOpenAICompatible } from '../fakes/fake-openai-compatible.js';
import { AdminClient, gcli2apiFile } from '../support/admin-client.js';
import { testModes, type GatewayMode } from '../support/env.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { modeEnv } from '../support/mode-env.js';
import { registerSecrets } from '../support/secrets.js';

const API_PASSWORD = 'e2e-providers-api-5c5c';
const PANEL_PASSWORD = 'e2e-providers-panel-6d6d';
const ROUTER_KEY_A = 'sk-or-fake-router-key-AAAAAAAAAAAA';
const ROUTER_KEY_B = 'sk-or-fake-router-key-BBBBBBBBBBBB';
const ROUTER_HEADER_SECRET = 'attribution-secret-7f7f7f';
const CLAUDE_KEY = 'sk-ant-api03-fake-claude-key-CCCCCCCC';
const CODEX_KEY = 'sk-proj-fake-codex-key-DDDDDDDDDDDD';

/**
 * Admin-defined OpenAI-compatible providers, Claude API keys and Codex (OpenAI) API keys behind one
 * /v1, driven with the official SDKs against fakes that speak each upstream's wire.
 */
describe.each(testModes())('configured providers and API-key upstreams (%s)', (mode: GatewayMode) => {
  let google: FakeGoogle;
  let router: FakeOpenAICompatible;
  let anthropicFake: FakeAnthropic;
  let codexFake: FakeCodex;
  let gateway: GatewayProcess;
  let admin: AdminClient;
  let openai: OpenAI;
  let anthropic: Anthropic;
  let dropDb: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    google = await startFakeGoogle();
    router = await startFakeOpenAICompatible({ basePath: '/api/v1', reasoningField: 'reasoning' });
    router.addKey(ROUTER_KEY_A, { label: 'router-a' });
    router.addKey(ROUTER_KEY_B, { label: 'router-b' });
    anthropicFake = await startFakeAnthropic();
    anthropicFake.addKey(CLAUDE_KEY, { label: 'claude-key' });
    codexFake = await startFakeCodex();
    codexFake.addKey(CODEX_KEY, { label: 'codex-key' });
    registerSecrets([ROUTER_KEY_A, ROUTER_KEY_B, ROUTER_HEADER_SECRET, CLAUDE_KEY, CODEX_KEY]);
    const account = google.addAccount({ email: 'pool@example.com' });
    const env: Record<string, string> = {
      ...google.env,
      API_PASSWORD,
      PANEL_PASSWORD,
      CALLS_PER_ROTATION: '1',
      GCLI_CREDS_1: gcli2apiFile(account),
      CLAUDE_API_BASE_URL: anthropicFake.url,
      CODEX_API_BASE_URL: codexFake.apiBaseUrl,
      // the fakes listen on loopback
      CLIGATE_ALLOW_PRIVATE_UPSTREAMS: 'true',
    };
    const storage = await modeEnv(mode, 'providers');
    dropDb = storage.drop;
    Object.assign(env, storage.env);
    gateway = await startGatewayProcess({ name: `providers-${mode}`, env });
    admin = new AdminClient(gateway.url, PANEL_PASSWORD);
    openai = new OpenAI({ apiKey: API_PASSWORD, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: API_PASSWORD, baseURL: gateway.url, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([google?.close(), router?.close(), anthropicFake?.close(), codexFake?.close()]);
    await dropDb?.();
  });

  it('defines an OpenAI-compatible provider with keys, aliases, a prefix and sealed extra headers', async () => {
    const bad = await admin.json('POST', '/providers', { name: 'Bad Name!', base_url: router.baseUrl });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/name/);
    expect((await admin.json('POST', '/providers', { name: 'x', base_url: 'ftp://example.com' })).status).toBe(400);
    expect((await admin.json('POST', '/providers', { name: 'x', base_url: router.baseUrl, headers: { Host: 'evil' } })).status).toBe(400);

    const created = await admin.json('POST', '/providers', {
      name: 'router',
      base_url: router.baseUrl,
      models: ['gpt-4o-mini', 'fast=qwen-plus', { id: 'thinker', upstream: 'deepseek-reasoner' }],
      prefix: 'router',
      headers: { 'HTTP-Referer': 'https://cligate.example', 'X-Title': ROUTER_HEADER_SECRET },
      api_keys: [ROUTER_KEY_A],
    });
    expect(created.status).toBe(201);
    expect(created.body.keys[0].status).toBe('success');
    expect(created.body.provider).toMatchObject({ name: 'router', wire: 'openai-chat', prefix: 'router', keys: { enabled: 1, total: 1 } });
    expect(created.body.provider.headers).toEqual({ 'http-referer': '********', 'x-title': '********' });
    expect((await admin.json('POST', '/providers', { name: 'router', base_url: router.baseUrl })).status).toBe(409);

    // a second key through the generic credential API, naming the provider
    const added = await admin.json('POST', '/creds/add', { kind: 'openai-compat', provider: 'router', api_key: ROUTER_KEY_B, label: 'router B' });
    expect(added.body.status).toBe('success');
    expect((await admin.json('POST', '/creds/add', { kind: 'openai-compat', api_key: ROUTER_KEY_B })).status).toBe(400);

    const listed = await admin.json('GET', '/providers');
    expect(listed.body.providers).toHaveLength(1);
    expect(listed.body.providers[0].keys).toEqual({ enabled: 2, total: 2 });
    expect(JSON.stringify(listed.body)).not.toContain(ROUTER_HEADER_SECRET);
    const status = await admin.status();
    expect(status.items.filter((i: any) => i.backend_type === 'openai-compat')).toHaveLength(2);
    expect(JSON.stringify(status)).not.toContain(ROUTER_KEY_A);

    const test = await admin.json('POST', '/providers/router/test');
    expect(test.body).toMatchObject({ provider: 'router', success: true, status: 200 });
    expect(test.body.models).toContain('qwen-plus');
  });

  it('serves aliases and prefixed names through the provider, rotating its keys, with the admin headers', async () => {
    router.reset();
    const a = await openai.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'one' }] });
    const b = await openai.chat.completions.create({ model: 'router/gpt-4o-mini', messages: [{ role: 'user', content: 'two' }] });
    // same protocol: the answer is the upstream's own, untranslated (its model name included)
    expect(a.model).toBe('qwen-plus');
    expect(a.choices[0]!.message.content).toMatch(/^Hello from router-[ab] \(qwen-plus\): one$/);
    expect(b.choices[0]!.message.content).toMatch(/\(gpt-4o-mini\): two$/);
    const calls = router.callsTo('chatCompletions');
    expect(calls.map((c) => (c.body as { model: string }).model)).toEqual(['qwen-plus', 'gpt-4o-mini']);
    expect(new Set(calls.map((c) => c.credential))).toEqual(new Set(['router-a', 'router-b']));
    expect(calls[0]!.path).toBe('/api/v1/chat/completions');
    expect(calls[0]!.headers['x-title']).toBe(ROUTER_HEADER_SECRET);
    expect(calls[0]!.headers['http-referer']).toBe('https://cligate.example');

    // streamed, and from a Claude client (translated both ways)
    const stream = await openai.chat.completions.create({ model: 'thinker', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'three' }] });
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toMatch(/\(deepseek-reasoner\): three$/);
    expect(usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    const claude = await anthropic.messages.create({ model: 'fast', max_tokens: 100, messages: [{ role: 'user', content: 'four' }] });
    expect(claude.content[0]).toMatchObject({ type: 'text', text: expect.stringMatching(/\(qwen-plus\): four$/) });

    const models = await openai.models.list();
    const owners = Object.fromEntries(models.data.map((m) => [m.id, m.owned_by]));
    expect(owners).toMatchObject({ 'router/fast': 'router', 'router/thinker': 'router' });
  });

  it('passes same-protocol requests through untranslated, still reading usage for the ledger', async () => {
    router.reset();
    // vendor extensions the gateway has no IR field for reach the upstream as the client sent them
    const body = { model: 'fast', messages: [{ role: 'user' as const, content: 'raw' }], provider: { order: ['deepinfra'], allow_fallbacks: false }, transforms: ['middle-out'], user: 'u-42' };
    const answer = await openai.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(answer.choices[0]!.message.content).toContain('(qwen-plus): raw');
    const sent = router.callsTo('chatCompletions').at(-1)!.body as Record<string, unknown>;
    expect(sent).toEqual({ ...body, model: 'qwen-plus' });

    // a stream without include_usage: the gateway asks for usage upstream and keeps it from the client
    const stream = await openai.chat.completions.create({ model: 'thinker', stream: true, messages: [{ role: 'user', content: 'count me' }] });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.some((c) => c.choices.length === 0)).toBe(false);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toContain('count me');
    const streamed = router.callsTo('chatCompletions').at(-1)!.body as Record<string, unknown>;
    expect(streamed.stream_options).toEqual({ include_usage: true });
    let row: { total_tokens: number } | undefined;
    for (let i = 0; i < 50 && !row?.total_tokens; i++) {
      const stats = await admin.json('GET', '/usage/stats?group_by=model');
      row = stats.body.data.find((r: { group: string }) => r.group === 'thinker');
      if (!row?.total_tokens) await new Promise((r) => setTimeout(r, 100));
    }
    expect(row?.total_tokens).toBeGreaterThan(0);

    // an upstream stream cut before its end: the client gets an error event, not a silent stop
    router.script('*', 'chatCompletions', [{ sse: [{ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'qwen-plus', choices: [{ index: 0, delta: { role: 'assistant', content: 'par' }, finish_reason: null }] }], cutAfter: 1 }]);
    const cut = await openai.chat.completions.create({ model: 'fast', stream: true, messages: [{ role: 'user', content: 'cut' }] });
    let partial = '';
    const read = async () => {
      for await (const chunk of cut) partial += chunk.choices[0]?.delta?.content ?? '';
    };
    await expect(read()).rejects.toThrow(/interrupted|truncat|ended/i);
    expect(partial).toBe('par');
  });

  it('moves off a throttled key and takes a refused key out of rotation', async () => {
    router.reset();
    router.script('router-a', 'chatCompletions', [{ status: 429, body: openAIError('Rate limit reached', 'requests', 'rate_limit_exceeded'), headers: { 'retry-after': '120' } }]);
    router.script('router-b', 'chatCompletions', [{ status: 429, body: openAIError('Rate limit reached', 'requests', 'rate_limit_exceeded'), headers: { 'retry-after': '120' } }]);
    const first = await openai.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    // both keys throttled for qwen-plus: a clear 429 with a retry hint, nothing else called
    expect(first).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number((first as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after'))).toBeGreaterThan(60);
    // another model of the same provider is not affected by the per-model window
    const other = await openai.chat.completions.create({ model: 'router/gpt-4o-mini', messages: [{ role: 'user', content: 'y' }] });
    expect(other.choices[0]!.message.content).toContain('(gpt-4o-mini): y');

    await admin.json('POST', '/creds/batch-action', { filenames: (await admin.status()).items.filter((i: any) => i.backend_type === 'openai-compat').map((i: any) => i.filename), action: 'clear_cooldown' });
    router.reset();
    router.script('router-a', 'chatCompletions', [{ status: 401, body: openAIError('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key') }]);
    router.script('router-b', 'chatCompletions', [{ status: 401, body: openAIError('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key') }]);
    const refused = await openai.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'z' }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBeGreaterThanOrEqual(500);
    const status = await admin.status();
    const keys = status.items.filter((i: any) => i.backend_type === 'openai-compat');
    expect(keys.every((k: any) => k.disabled === true)).toBe(true);
    expect(JSON.stringify(status)).not.toContain(ROUTER_KEY_B);
    // re-enable for the next tests
    await admin.json('POST', '/creds/batch-action', { filenames: keys.map((k: any) => k.filename), action: 'enable' });
  });

  it('fails a model served by two providers over from the failing one, and obeys a routing rule', async () => {
    const patched = await admin.json('PATCH', '/providers/router', { models: ['gpt-4o-mini', 'fast=qwen-plus', 'thinker=deepseek-reasoner', 'gemini-2.5-flash=qwen-plus'] });
    expect(patched.status).toBe(200);
    router.reset();
    google.reset();
    const normal = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'who' }] });
    expect(normal.choices[0]!.message.content).toContain('pool@example.com');
    google.script('*', 'generateContent', Array.from({ length: 8 }, () => ({ status: 503, body: googleError(503, 'UNAVAILABLE', 'overloaded') })));
    const failover = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'failover' }] });
    expect(failover.choices[0]!.message.content).toMatch(/^Hello from router-[ab] \(qwen-plus\): failover$/);
    google.reset();

    const saved = await admin.json('POST', '/config/save', { config: { model_routing: { 'gemini-2.5-flash': { providers: ['router'], only: true } } } });
    expect(saved.status).toBe(200);
    const routed = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'routed' }] });
    expect(routed.choices[0]!.message.content).toContain('(qwen-plus): routed');
    await admin.json('POST', '/config/save', { config: { model_routing: {} } });
  });

  it('disables and deletes a provider: its models leave /v1/models and its keys leave the pool', async () => {
    await admin.json('PATCH', '/providers/router', { enabled: false });
    const gone = await openai.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError);
    expect((await openai.models.list()).data.map((m) => m.id)).not.toContain('router/fast');
    await admin.json('PATCH', '/providers/router', { enabled: true });
    expect((await openai.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'back' }] })).choices[0]!.message.content).toContain('back');
  });

  it('serves Claude models through pooled Anthropic API keys, to Claude and OpenAI clients', async () => {
    const added = await admin.json('POST', '/creds/add', { kind: 'claude', api_key: CLAUDE_KEY, label: 'claude key' });
    expect(added.body.status).toBe('success');
    const beta = new Anthropic({ apiKey: API_PASSWORD, baseURL: gateway.url, maxRetries: 0, defaultHeaders: { 'anthropic-beta': 'context-1m-2025-08-07' } });
    const message = await beta.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 200, messages: [{ role: 'user', content: 'hi claude' }], metadata: { user_id: 'u-7' } });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from claude-key (claude-sonnet-4-6): hi claude' });
    const call = anthropicFake.callsTo('messages').at(-1)!;
    expect(call.headers['x-api-key']).toBe(CLAUDE_KEY);
    expect(call.headers['anthropic-version']).toBe('2023-06-01');
    expect(call.headers['x-app']).toBeUndefined();
    // Claude client → Claude keys: untranslated, the client's beta header forwarded, never its key
    expect(call.headers['anthropic-beta']).toBe('context-1m-2025-08-07');
    expect(call.body).toEqual({ model: 'claude-sonnet-4-6', max_tokens: 200, messages: [{ role: 'user', content: 'hi claude' }], metadata: { user_id: 'u-7' } });
    expect(JSON.stringify(call.headers)).not.toContain(API_PASSWORD);

    const stream = await openai.chat.completions.create({ model: 'claude-sonnet-4-6', stream: true, messages: [{ role: 'user', content: 'stream please' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Hello from claude-key (claude-sonnet-4-6): stream please');

    anthropicFake.script('claude-key', 'messages', [{ status: 429, body: anthropicError('rate_limit_error', 'Number of requests has exceeded your rate limit'), headers: { 'retry-after': '300' } }]);
    const limited = await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });

    const models = await openai.models.list();
    expect(models.data.find((m) => m.id === 'claude-sonnet-4-6')?.owned_by).toBe('anthropic');
  });

  it('serves Codex models through pooled OpenAI API keys on the Responses API', async () => {
    const added = await admin.json('POST', '/creds/add', { kind: 'codex', api_key: CODEX_KEY, label: 'codex key' });
    expect(added.body.status).toBe('success');
    const response = await openai.responses.create({ model: 'gpt-5-codex', input: 'hi codex' });
    expect(response.output_text).toBe('Hello from codex-key (gpt-5-codex): hi codex');
    const call = codexFake.callsTo('responses').at(-1)!;
    expect(call.path).toBe('/v1/responses');
    expect(call.headers.authorization).toBe(`Bearer ${CODEX_KEY}`);
    expect(call.headers.originator).toBeUndefined();

    const chat = await openai.chat.completions.create({ model: 'gpt-5-codex', messages: [{ role: 'user', content: 'as chat' }] });
    expect(chat.choices[0]!.message.content).toBe('Hello from codex-key (gpt-5-codex): as chat');
    const claude = await anthropic.messages.create({ model: 'gpt-5-codex', max_tokens: 50, messages: [{ role: 'user', content: 'as claude' }] });
    expect(claude.content[0]).toMatchObject({ text: 'Hello from codex-key (gpt-5-codex): as claude' });
  });
});

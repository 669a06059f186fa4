import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic, { APIError, AuthenticationError, RateLimitError } from '@anthropic-ai/sdk';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  CLAUDE_CODE_CLIENT_ID,
  CLAUDE_MANUAL_REDIRECT_URI,
  type FakeAnthropic,
  type FakeAnthropicOptions,
  OAUTH_BETA,
  overloaded529,
  startFakeAnthropic,
  streamErrorEvent,
  textMessageEvents,
  usageLimit429,
} from './fake-anthropic.js';
import { parseSse, pkcePair, readAll } from './fake-http.js';

async function start(opts?: FakeAnthropicOptions): Promise<FakeAnthropic> {
  const fake = await startFakeAnthropic(opts);
  onTestFinished(() => fake.close());
  return fake;
}

/** The official SDK with an API key (sent as `Authorization: Bearer` by @anthropic-ai/sdk 1.x). */
function keyClient(fake: FakeAnthropic, apiKey: string): Anthropic {
  return new Anthropic({ apiKey, baseURL: fake.url, maxRetries: 0 });
}

/** The official SDK with an OAuth access token, sending the oauth beta as Claude Code does. */
function oauthClient(fake: FakeAnthropic, token: string, beta: string | null = OAUTH_BETA): Anthropic {
  return new Anthropic({ authToken: token, baseURL: fake.url, maxRetries: 0, defaultHeaders: beta ? { 'anthropic-beta': beta } : {} });
}

const WEATHER_TOOL = { name: 'get_weather', description: 'Weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } };

function rawMessages(fake: FakeAnthropic, headers: Record<string, string>, body: unknown): Promise<Response> {
  return fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('Messages API through @anthropic-ai/sdk', () => {
  it('answers with the key label, model and last user text; accepts x-api-key and Bearer keys', async () => {
    const fake = await start();
    fake.addKey('sk-ant-api03-fake-one', { label: 'claude-key' });
    const msg = await keyClient(fake, 'sk-ant-api03-fake-one').messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 256,
      system: 'be brief',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(msg.content).toStrictEqual([{ type: 'text', text: 'Hello from claude-key (claude-sonnet-4-6): hello' }]);
    expect(msg).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn', usage: { input_tokens: expect.any(Number) } });
    expect(msg.id).toMatch(/^msg_01/);
    const call = fake.callsTo('messages', 'claude-key')[0]!;
    expect(call.headers.authorization).toBe('Bearer sk-ant-api03-fake-one');
    expect(call.headers['anthropic-version']).toEqual(expect.any(String));

    const viaHeader = await rawMessages(
      fake,
      { 'x-api-key': 'sk-ant-api03-fake-one', 'anthropic-version': '2023-06-01' },
      { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] },
    );
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.headers.get('request-id')).toMatch(/^req_/);
    expect(viaHeader.headers.get('anthropic-ratelimit-requests-remaining')).toBe('3999');
    const noVersion = await rawMessages(fake, { 'x-api-key': 'sk-ant-api03-fake-one' }, { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    expect(noVersion.status).toBe(400);
  });

  it('streams the exact event vocabulary; the SDK accumulates text, thinking with signature', async () => {
    const fake = await start();
    fake.addKey('k1');
    const client = keyClient(fake, 'k1');
    const stream = client.messages.stream({
      model: 'claude-opus-4-6',
      max_tokens: 2048,
      thinking: { type: 'adaptive' },
      messages: [{ role: 'user', content: 'think and answer' }],
    });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'thinking', thinking: 'Thinking about it', signature: expect.any(String) });
    expect(final.content[1]).toMatchObject({ type: 'text', text: 'Hello from key-1 (claude-opus-4-6): think and answer' });
    expect(text).toBe('Hello from key-1 (claude-opus-4-6): think and answer');
    expect(final.usage.output_tokens).toBeGreaterThan(1);

    const raw = await rawMessages(fake, { 'x-api-key': 'k1', 'anthropic-version': '2023-06-01' }, {
      model: 'claude-opus-4-6',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    const body = await raw.text();
    expect(body).not.toContain('[DONE]');
    const events = parseSse(body);
    for (const e of events) expect((JSON.parse(e.data) as { type: string }).type).toBe(e.event);
    expect(events.map((e) => e.event)).toStrictEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('returns tool_use (streamed input_json accumulates) and answers tool_result with "Tool said"', async () => {
    const fake = await start();
    fake.addKey('k1');
    const client = keyClient(fake, 'k1');
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'call get_weather {"city":"Paris"}' }];
    const streamed = await client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 100, tools: [WEATHER_TOOL], messages }).finalMessage();
    expect(streamed.stop_reason).toBe('tool_use');
    const toolUse = streamed.content[0] as Anthropic.ToolUseBlock;
    expect(toolUse).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' }, id: expect.stringMatching(/^toolu_01/) });

    messages.push(
      { role: 'assistant', content: [{ type: 'tool_use', id: toolUse.id, name: toolUse.name, input: toolUse.input }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '{"temp":21}' }] },
    );
    const second = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 100, tools: [WEATHER_TOOL], messages });
    expect(second.content).toStrictEqual([{ type: 'text', text: 'Tool said: {"temp":21}' }]);
  });

  it('counts tokens, lists models, refuses unknown models (404) and keys (401)', async () => {
    const fake = await start();
    fake.addKey('k1');
    const client = keyClient(fake, 'k1');
    expect((await client.messages.countTokens({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'abcdefgh' }] })).input_tokens).toBe(2);
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('claude-haiku-4-5-20251001');
    await expect(client.messages.create({ model: 'claude-9', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 404 });
    await expect(keyClient(fake, 'nope').messages.create({ model: 'claude-sonnet-4-6', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });
});

describe('Claude Code OAuth', () => {
  it('completes the paste-the-code login (PKCE S256, state), then refreshes with rotation', async () => {
    const fake = await start();
    const { verifier, challenge } = pkcePair();
    const code = fake.issueAuthCode('donor@example.com', { redirectUri: CLAUDE_MANUAL_REDIRECT_URI, codeChallenge: challenge, state: 'st4te' });
    const pasted = `${code}#st4te`;
    const exchange = (body: Record<string, string>): Promise<Response> =>
      fetch(`${fake.url}/v1/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const fields = { grant_type: 'authorization_code', client_id: CLAUDE_CODE_CLIENT_ID, redirect_uri: CLAUDE_MANUAL_REDIRECT_URI, code_verifier: verifier };

    expect(await (await exchange({ ...fields, code: pasted })).json()).toMatchObject({ error: 'invalid_grant' }); // unsplit paste
    expect(await (await exchange({ ...fields, code, state: 'st4te', code_verifier: 'wrong' })).json()).toMatchObject({ error: 'invalid_grant' });
    expect((await exchange({ ...fields, code, state: 'st4te', client_id: 'someone-else' })).status).toBe(401);
    const [splitCode, state] = pasted.split('#') as [string, string];
    const res = await exchange({ ...fields, code: splitCode, state });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as { access_token: string; refresh_token: string; expires_in: number; token_type: string; account: { email_address: string } };
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 28800, account: { email_address: 'donor@example.com' } });
    expect(tokens.access_token).toMatch(/^sk-ant-oat01-/);
    expect(tokens.refresh_token).toMatch(/^sk-ant-ort01-/);

    const msg = await oauthClient(fake, tokens.access_token).messages.create({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(msg.content[0]).toMatchObject({ text: 'Hello from donor@example.com (claude-sonnet-4-6): hi' });

    const refresh = (rt: string): Promise<Response> =>
      fetch(`${fake.url}/v1/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: rt, client_id: CLAUDE_CODE_CLIENT_ID }),
      });
    const r1 = (await (await refresh(tokens.refresh_token)).json()) as { access_token: string; refresh_token: string };
    expect(r1.refresh_token).not.toBe(tokens.refresh_token);
    expect((await refresh(tokens.refresh_token)).status).toBe(400); // rotated away
    expect((await refresh(r1.refresh_token)).status).toBe(200);
    expect(fake.callsTo('token', 'donor@example.com').length).toBeGreaterThanOrEqual(4);
  });

  it('requires the oauth beta on bearer tokens, rejects expired tokens, and sends unified rate-limit headers', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'max@example.com' });
    await expect(oauthClient(fake, acct.accessToken, null).messages.create({ model: 'claude-sonnet-4-6', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toSatisfy(
      (e: unknown) => e instanceof AuthenticationError && e.message.includes('OAuth authentication is currently not supported'),
    );
    const { response } = await oauthClient(fake, acct.accessToken)
      .messages.create({ model: 'claude-sonnet-4-6', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .withResponse();
    expect(response.headers.get('anthropic-ratelimit-unified-status')).toBe('allowed');
    expect(Number(response.headers.get('anthropic-ratelimit-unified-5h-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(fake.callsTo('messages', 'max@example.com')[1]!.headers['anthropic-beta']).toContain(OAUTH_BETA);
    fake.expireTokens('max@example.com');
    await expect(oauthClient(fake, acct.accessToken).messages.create({ model: 'claude-sonnet-4-6', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });

  it('lets the SDK`s own user_oauth provider refresh an expired credential against the token endpoint', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'sdk@example.com' });
    fake.expireTokens('sdk@example.com');
    const dir = mkdtempSync(join(tmpdir(), 'fake-anthropic-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'credentials.json');
    writeFileSync(path, JSON.stringify({ version: '1.0', type: 'oauth_token', access_token: acct.accessToken, refresh_token: acct.refreshToken, expires_at: 1 }));
    chmodSync(path, 0o600);
    const client = new Anthropic({
      baseURL: fake.url,
      maxRetries: 0,
      config: { authentication: { type: 'user_oauth', client_id: CLAUDE_CODE_CLIENT_ID, credentials_path: path } } as never,
    });
    const msg = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 5, messages: [{ role: 'user', content: 'refreshed' }] });
    expect(msg.content[0]).toMatchObject({ text: 'Hello from sdk@example.com (claude-sonnet-4-6): refreshed' });
    expect(fake.callsTo('token')[0]).toMatchObject({
      credential: 'sdk@example.com',
      status: 200,
      headers: { 'anthropic-beta': OAUTH_BETA, 'content-type': 'application/json' },
      body: { grant_type: 'refresh_token', client_id: CLAUDE_CODE_CLIENT_ID },
    });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ access_token: acct.accessToken, refresh_token: acct.refreshToken });
  });
});

describe('scripts', () => {
  it('serves the subscription usage limit (unified reset) and 529 overloaded, then the default resumes', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'pro@example.com' });
    const reset = Math.floor(Date.now() / 1000) + 3600;
    fake.script('pro@example.com', 'messages', [usageLimit429(reset), overloaded529()]);
    const client = oauthClient(fake, acct.accessToken);
    const params = { model: 'claude-sonnet-4-6', max_tokens: 5, messages: [{ role: 'user' as const, content: 'x' }] };
    const limited = (await client.messages.create(params).catch((e: unknown) => e)) as RateLimitError;
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited.headers!.get('anthropic-ratelimit-unified-status')).toBe('rejected');
    expect(limited.headers!.get('anthropic-ratelimit-unified-reset')).toBe(String(reset));
    expect(Number(limited.headers!.get('retry-after'))).toBeGreaterThan(3500);
    expect((limited.error as { error: { type: string } }).error.type).toBe('rate_limit_error');
    const overloaded = (await client.messages.create(params).catch((e: unknown) => e)) as APIError;
    expect(overloaded.status).toBe(529);
    expect((await client.messages.create(params)).content[0]).toMatchObject({ type: 'text' });
  });

  it('an error event mid-stream makes the SDK throw; cutAfter drops the connection', async () => {
    const fake = await start();
    fake.addKey('k1');
    const events = textMessageEvents('one two three');
    fake.script('*', 'messages', [{ sse: [...events.slice(0, 4), streamErrorEvent()] }, { sse: events, cutAfter: 3 }]);
    const client = keyClient(fake, 'k1');
    const params = { model: 'claude-sonnet-4-6', max_tokens: 5, messages: [{ role: 'user' as const, content: 'x' }] };
    await expect(client.messages.stream(params).finalMessage()).rejects.toSatisfy((e: unknown) => e instanceof APIError && e.message.includes('Overloaded'));
    const cut = await rawMessages(fake, { 'x-api-key': 'k1', 'anthropic-version': '2023-06-01' }, { ...params, stream: true });
    const { text, error } = await readAll(cut);
    expect(error).toBeInstanceOf(Error);
    expect(parseSse(text)).toHaveLength(3);
  });
});

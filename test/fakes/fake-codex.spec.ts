import OpenAI, { APIError, RateLimitError } from 'openai';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  CODEX_CLIENT_ID,
  CODEX_REDIRECT_URI,
  type FakeCodex,
  type FakeCodexOptions,
  failedResponseEvents,
  OPENAI_AUTH_CLAIM,
  rateLimited429,
  startFakeCodex,
  textResponseEvents,
  usageLimitReached429,
} from './fake-codex.js';
import { decodeJwtPayload, parseSse, pkcePair, readAll } from './fake-http.js';

async function start(opts?: FakeCodexOptions): Promise<FakeCodex> {
  const fake = await startFakeCodex(opts);
  onTestFinished(() => fake.close());
  return fake;
}

function apiClient(fake: FakeCodex, key: string): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: fake.apiBaseUrl, maxRetries: 0 });
}

/** The SDK aimed at the ChatGPT backend with an account's tokens, headers as the Codex CLI sends them. */
function accountClient(fake: FakeCodex, accessToken: string, accountId: string): OpenAI {
  return new OpenAI({
    apiKey: accessToken,
    baseURL: fake.chatgptBaseUrl,
    maxRetries: 0,
    defaultHeaders: { 'chatgpt-account-id': accountId, originator: 'codex_cli_rs', 'OpenAI-Beta': 'responses=experimental' },
  });
}

const SHELL_TOOL = { type: 'function' as const, name: 'shell', description: 'Run a command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } }, strict: false };

describe('Responses API with API keys (openai SDK)', () => {
  it('answers non-streaming with output_text and usage; records the key', async () => {
    const fake = await start();
    fake.addKey('sk-proj-fake-1', { label: 'codex-key' });
    const res = await apiClient(fake, 'sk-proj-fake-1').responses.create({ model: 'gpt-5-codex', input: 'hello' });
    expect(res.object).toBe('response');
    expect(res.status).toBe('completed');
    expect(res.output_text).toBe('Hello from codex-key (gpt-5-codex): hello');
    expect(res.usage!.total_tokens).toBe(res.usage!.input_tokens + res.usage!.output_tokens);
    expect(fake.callsTo('responses', 'codex-key')[0]).toMatchObject({ path: '/v1/responses', status: 200, headers: { authorization: 'Bearer sk-proj-fake-1' } });
  });

  it('streams the event vocabulary the SDK`s strict accumulator accepts, ending in response.completed', async () => {
    const fake = await start();
    fake.addKey('k1');
    const client = apiClient(fake, 'k1');
    const stream = client.responses.stream({
      model: 'gpt-5-codex',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'stream me' }] }],
      reasoning: { effort: 'medium', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
    });
    const types: string[] = [];
    stream.on('event', (e) => types.push(e.type));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Hello from key-1 (gpt-5-codex): stream me');
    const reasoning = final.output[0] as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'Thinking about it' }], encrypted_content: expect.any(String) });
    expect(final.usage!.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(types).toContain('response.reasoning_summary_text.delta');
    expect(types.filter((t) => t === 'response.output_text.delta')).toHaveLength(3);

    const raw = await fetch(`${fake.apiBaseUrl}/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer k1', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5-codex', input: 'x', stream: true }),
    });
    const events = parseSse(await raw.text());
    expect(events.every((e) => (JSON.parse(e.data) as { type: string }).type === e.event)).toBe(true);
    expect(events.map((e) => (JSON.parse(e.data) as { sequence_number: number }).sequence_number)).toStrictEqual(events.map((_, i) => i));
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
  });

  it('runs a tool loop: function_call for "call <tool>", "Tool said" for function_call_output', async () => {
    const fake = await start();
    fake.addKey('k1');
    const client = apiClient(fake, 'k1');
    const first = await client.responses.stream({ model: 'gpt-5-codex', input: 'call shell {"cmd":"ls"}', tools: [SHELL_TOOL] }).finalResponse();
    const call = first.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ type: 'function_call', name: 'shell', arguments: '{"cmd":"ls"}', call_id: expect.stringMatching(/^call_/) });
    const second = await client.responses.create({
      model: 'gpt-5-codex',
      tools: [SHELL_TOOL],
      input: [
        { role: 'user', content: 'call shell {"cmd":"ls"}' },
        { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: 'function_call_output', call_id: call.call_id, output: 'a.txt' },
      ],
    });
    expect(second.output_text).toBe('Tool said: a.txt');
  });

  it('lists models; refuses unknown models (400 model_not_found) and keys (401)', async () => {
    const fake = await start();
    fake.addKey('k1');
    const client = apiClient(fake, 'k1');
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toContain('gpt-5-codex');
    await expect(client.responses.create({ model: 'gpt-9', input: 'x' })).rejects.toMatchObject({ status: 400, code: 'model_not_found' });
    await expect(apiClient(fake, 'nope').responses.create({ model: 'gpt-5', input: 'x' })).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
  });
});

describe('ChatGPT-account Codex backend', () => {
  it('serves accounts with chatgpt-account-id; enforces stream/store/instructions; reports x-codex usage headers', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'plus@example.com', planType: 'plus' });
    const client = accountClient(fake, acct.accessToken, acct.accountId);
    const params = { model: 'gpt-5-codex', instructions: 'You are Codex.', store: false, input: 'hello' } as const;
    const stream = client.responses.stream(params);
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Hello from plus@example.com (gpt-5-codex): hello');
    const call = fake.callsTo('codexResponses', 'plus@example.com')[0]!;
    expect(call).toMatchObject({ path: '/backend-api/codex/responses', headers: { 'chatgpt-account-id': acct.accountId, originator: 'codex_cli_rs' } });

    const raw = (body: Record<string, unknown>, accountId = acct.accountId): Promise<Response> =>
      fetch(`${fake.chatgptBaseUrl}/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${acct.accessToken}`, 'chatgpt-account-id': accountId, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(await (await raw({ ...params })).json()).toStrictEqual({ detail: 'Stream must be set to true' });
    expect(await (await raw({ ...params, stream: true, store: true })).json()).toStrictEqual({ detail: 'Store must be set to false' });
    expect(await (await raw({ model: 'gpt-5-codex', input: 'x', stream: true, store: false })).json()).toStrictEqual({ detail: 'Instructions are required' });
    expect((await raw({ ...params, stream: true }, 'someone-else')).status).toBe(403);
    const ok = await raw({ ...params, stream: true });
    expect(ok.headers.get('x-codex-primary-used-percent')).toBe('10');
    expect(ok.headers.get('x-codex-secondary-window-minutes')).toBe('10080');
    expect(parseSse(await ok.text()).at(-1)!.event).toBe('response.completed');
  });

  it('answers usage_limit_reached 429 with resets_at / resets_in_seconds, then the default resumes', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    fake.script('a@example.com', 'codexResponses', [usageLimitReached429({ resetsInSeconds: 7200, planType: 'plus' }), rateLimited429({ retryAfterSeconds: 3 })]);
    const client = accountClient(fake, acct.accessToken, acct.accountId);
    const params = { model: 'gpt-5-codex', instructions: 'x', store: false, input: 'hi' } as const;
    const limited = (await client.responses.stream(params).finalResponse().catch((e: unknown) => e)) as RateLimitError;
    expect(limited).toBeInstanceOf(RateLimitError);
    const error = (limited.error as { type: string; resets_in_seconds: number; resets_at: number; plan_type: string });
    expect(error).toMatchObject({ type: 'usage_limit_reached', resets_in_seconds: 7200, plan_type: 'plus' });
    expect(error.resets_at).toBeGreaterThan(Date.now() / 1000 + 7000);
    expect(limited.headers!.get('x-codex-primary-used-percent')).toBe('100');
    const rate = (await client.responses.stream(params).finalResponse().catch((e: unknown) => e)) as RateLimitError;
    expect(rate.headers!.get('retry-after')).toBe('3');
    expect((await client.responses.stream(params).finalResponse()).output_text).toContain('hi');
    expect(fake.callsTo('codexResponses', 'a@example.com').map((c) => c.status)).toStrictEqual([429, 429, 200]);
  });

  it('answers 401 token_expired for an expired access token', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    fake.expireTokens('a@example.com');
    const err = (await accountClient(fake, acct.accessToken, acct.accountId)
      .responses.stream({ model: 'gpt-5-codex', instructions: 'x', store: false, input: 'hi' })
      .finalResponse()
      .catch((e: unknown) => e)) as APIError;
    expect(err.status).toBe(401);
    expect(err.code).toBe('token_expired');
  });

  it('a response.failed stream reaches the SDK as status failed with the error; a cut stream breaks', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    fake.script('*', 'codexResponses', [
      { sse: failedResponseEvents('rate_limit_exceeded', 'Rate limit reached. Please try again in 11.054s.') },
      { sse: textResponseEvents('one two three'), cutAfter: 4 },
    ]);
    const client = accountClient(fake, acct.accessToken, acct.accountId);
    const params = { model: 'gpt-5-codex', instructions: 'x', store: false, input: 'hi' } as const;
    const failed = await client.responses.stream(params).finalResponse();
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'rate_limit_exceeded', message: expect.stringContaining('11.054s') });
    const cut = await fetch(`${fake.chatgptBaseUrl}/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acct.accessToken}`, 'chatgpt-account-id': acct.accountId, 'content-type': 'application/json' },
      body: JSON.stringify({ ...params, stream: true }),
    });
    const { text, error } = await readAll(cut);
    expect(error).toBeInstanceOf(Error);
    expect(parseSse(text)).toHaveLength(4);
  });
});

describe('Codex OAuth', () => {
  it('exchanges a PKCE code for tokens whose id_token carries the account id, then refreshes with rotation', async () => {
    const fake = await start();
    const { verifier, challenge } = pkcePair();
    const code = fake.issueAuthCode('new@example.com', { redirectUri: CODEX_REDIRECT_URI, codeChallenge: challenge });
    const form = (fields: Record<string, string>): Promise<Response> =>
      fetch(`${fake.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    const fields = { grant_type: 'authorization_code', code, redirect_uri: CODEX_REDIRECT_URI, client_id: CODEX_CLIENT_ID };
    expect((await form({ ...fields, code_verifier: 'wrong' })).status).toBe(400);
    expect((await form({ ...fields, redirect_uri: 'http://localhost:1457/auth/callback', code_verifier: verifier })).status).toBe(400);
    const res = await form({ ...fields, code_verifier: verifier });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as { id_token: string; access_token: string; refresh_token: string };
    const acct = fake.account('new@example.com')!;
    const claims = decodeJwtPayload(tokens.id_token);
    expect(claims).toMatchObject({ email: 'new@example.com', [OPENAI_AUTH_CLAIM]: { chatgpt_account_id: acct.accountId, chatgpt_plan_type: 'plus' } });
    expect(decodeJwtPayload(tokens.access_token).exp).toEqual(expect.any(Number));

    const json = (body: Record<string, string>): Promise<Response> =>
      fetch(`${fake.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const refreshed = (await (await json({ client_id: CODEX_CLIENT_ID, grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).json()) as {
      access_token: string;
      refresh_token: string;
      id_token: string;
    };
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const reused = await json({ client_id: CODEX_CLIENT_ID, grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(reused.status).toBe(401);
    expect(((await reused.json()) as { error: { code: string } }).error.code).toBe('refresh_token_reused');
    fake.revokeRefreshToken('new@example.com');
    const revoked = await json({ client_id: CODEX_CLIENT_ID, grant_type: 'refresh_token', refresh_token: refreshed.refresh_token });
    expect(((await revoked.json()) as { error: { code: string } }).error.code).toBe('refresh_token_invalidated');
    expect(fake.callsTo('token', 'new@example.com').map((c) => c.status)).toStrictEqual([400, 400, 200, 200, 401, 401]);

    const ok = await accountClient(fake, refreshed.access_token, acct.accountId)
      .responses.stream({ model: 'gpt-5-codex', instructions: 'x', store: false, input: 'after refresh' })
      .finalResponse();
    expect(ok.output_text).toContain('after refresh');
  });
});

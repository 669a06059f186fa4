import { describe, expect, it, onTestFinished } from 'vitest';
import {
  ANTIGRAVITY_CLIENT_ID,
  ANTIGRAVITY_CLIENT_SECRET,
  ANTIGRAVITY_IDE_CLIENT_ID,
  ANTIGRAVITY_IDE_CLIENT_SECRET,
  ANTIGRAVITY_REDIRECT_URI,
  ANTIGRAVITY_SCOPES,
  antigravityTextEvents,
  type FakeAntigravity,
  type FakeAntigravityOptions,
  individualQuota429,
  startFakeAntigravity,
} from './fake-antigravity.js';
import type { CodeAssistEnvelope } from './fake-google.js';
import { decodeJwtPayload, parseSse, pkcePair, readAll } from './fake-http.js';

async function start(opts?: FakeAntigravityOptions): Promise<FakeAntigravity> {
  const fake = await startFakeAntigravity(opts);
  onTestFinished(() => fake.close());
  return fake;
}

const UA = 'antigravity/1.21.9 darwin/arm64';

function post(fake: FakeAntigravity, path: string, token: string | undefined, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': UA };
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(`${fake.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
}

function tokenRequest(fake: FakeAntigravity, fields: Record<string, string>): Promise<Response> {
  return fetch(`${fake.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

/** Antigravity's envelope (docs/upstreams.md §2.4). */
function envelope(project: string | null, text: string, model = 'gemini-3-flash', request: Record<string, unknown> = {}) {
  return {
    model,
    project,
    requestId: `agent-${crypto.randomUUID()}`,
    userAgent: 'antigravity',
    requestType: model.includes('image') ? 'image_gen' : 'agent',
    request: { contents: [{ role: 'user', parts: [{ text }] }], sessionId: '-1234567890', ...request },
  };
}

describe('OAuth (Antigravity client)', () => {
  it('completes a PKCE login: code exchange, id_token, userinfo, then refresh', async () => {
    const fake = await start();
    const { verifier, challenge } = pkcePair();
    const code = fake.issueAuthCode('donor@example.com', { redirectUri: ANTIGRAVITY_REDIRECT_URI, codeChallenge: challenge });
    const fields = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: ANTIGRAVITY_REDIRECT_URI,
      client_id: ANTIGRAVITY_CLIENT_ID,
      client_secret: ANTIGRAVITY_CLIENT_SECRET,
    };
    expect(await (await tokenRequest(fake, { ...fields, code_verifier: 'wrong' })).json()).toMatchObject({ error: 'invalid_grant' });
    expect((await tokenRequest(fake, { ...fields, client_secret: 'nope', code_verifier: verifier })).status).toBe(401);

    const res = await tokenRequest(fake, { ...fields, code_verifier: verifier });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; refresh_token: string; id_token: string; scope: string; expires_in: number };
    expect(body.scope.split(' ')).toStrictEqual([...ANTIGRAVITY_SCOPES]);
    expect(body.access_token).toMatch(/^ya29\.fake\.ag\./);
    const acct = fake.account('donor@example.com')!;
    expect(decodeJwtPayload(body.id_token)).toMatchObject({ email: 'donor@example.com', aud: ANTIGRAVITY_CLIENT_ID, sub: acct.id });

    const info = await fetch(`${fake.url}/oauth2/v2/userinfo`, { headers: { authorization: `Bearer ${body.access_token}` } });
    expect(await info.json()).toMatchObject({ email: 'donor@example.com', id: acct.id });

    const refreshed = await tokenRequest(fake, {
      grant_type: 'refresh_token',
      refresh_token: body.refresh_token,
      client_id: ANTIGRAVITY_CLIENT_ID,
      client_secret: ANTIGRAVITY_CLIENT_SECRET,
    });
    const fresh = (await refreshed.json()) as { access_token: string; refresh_token?: string };
    expect(fresh.access_token).not.toBe(body.access_token);
    expect(fresh.refresh_token).toBeUndefined();
    expect(fake.callsTo('token', 'donor@example.com').map((c) => c.status)).toStrictEqual([400, 401, 200, 200]);
  });

  it('also accepts the second Antigravity client; refuses gemini-cli`s and revoked refresh tokens', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    const base = { grant_type: 'refresh_token', refresh_token: acct.refreshToken };
    expect((await tokenRequest(fake, { ...base, client_id: ANTIGRAVITY_IDE_CLIENT_ID, client_secret: ANTIGRAVITY_IDE_CLIENT_SECRET })).status).toBe(200);
    const cli = await tokenRequest(fake, { ...base, client_id: '681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com', client_secret: 'x' });
    expect(cli.status).toBe(401);
    fake.revokeRefreshToken('a@example.com');
    const revoked = await tokenRequest(fake, { ...base, client_id: ANTIGRAVITY_CLIENT_ID, client_secret: ANTIGRAVITY_CLIENT_SECRET });
    expect(await revoked.json()).toStrictEqual({ error: 'invalid_grant', error_description: 'Bad Request' });
  });
});

describe('project discovery', () => {
  it('reports the project of an onboarded account', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com', paidTier: { id: 'g1-pro-tier', name: 'Google AI Pro' } });
    const res = await post(fake, '/v1internal:loadCodeAssist', acct.accessToken, { metadata: { ideType: 'ANTIGRAVITY' } });
    expect(await res.json()).toMatchObject({ cloudaicompanionProject: acct.project, currentTier: { id: 'free-tier' }, paidTier: { id: 'g1-pro-tier' } });
    expect(fake.calls[0]!.headers['user-agent']).toBe(UA);
  });

  it('onboards through re-POSTed onboardUser calls until done', async () => {
    const fake = await start({ operationPollsBeforeDone: 2 });
    const acct = fake.addAccount({ email: 'new@example.com', project: null });
    const load = (await (await post(fake, '/v1internal:loadCodeAssist', acct.accessToken, { metadata: { ideType: 'ANTIGRAVITY' } })).json()) as Record<string, unknown>;
    expect(load.cloudaicompanionProject).toBeUndefined();
    const onboard = { tier_id: 'free-tier', metadata: { ide_type: 'ANTIGRAVITY', ide_name: 'antigravity' } };
    const r1 = (await (await post(fake, '/v1internal:onboardUser', acct.accessToken, onboard)).json()) as { done: boolean; name: string };
    expect(r1).toMatchObject({ done: false, name: expect.stringMatching(/^operations\//) });
    expect(((await (await post(fake, '/v1internal:onboardUser', acct.accessToken, onboard)).json()) as { done: boolean }).done).toBe(false);
    const r3 = (await (await post(fake, '/v1internal:onboardUser', acct.accessToken, onboard)).json()) as {
      done: boolean;
      response: { cloudaicompanionProject: { id: string } };
    };
    expect(r3.done).toBe(true);
    expect(r3.response.cloudaicompanionProject.id).toBe(acct.project);
  });
});

describe('fetchAvailableModels and quotas', () => {
  it('lists Gemini, Claude and image models with quotaInfo; a model at 0 answers 429 QUOTA_EXHAUSTED', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    const reset = new Date(Date.now() + 3600_000).toISOString();
    fake.setQuota('a@example.com', 'claude-sonnet-4-6', { remainingFraction: 0, resetTime: reset });

    const list = (await (await post(fake, '/v1internal:fetchAvailableModels', acct.accessToken, { project: acct.project })).json()) as {
      models: Record<string, { displayName: string; modelProvider: string; quotaInfo: { remainingFraction: number; resetTime: string } }>;
      defaultAgentModelId: string;
    };
    expect(Object.keys(list.models)).toEqual(expect.arrayContaining(['gemini-3-pro-high', 'claude-sonnet-4-6', 'gemini-3.1-flash-image', 'gemini-3-pro-image']));
    expect(list.models['claude-sonnet-4-6']).toMatchObject({ modelProvider: 'MODEL_PROVIDER_ANTHROPIC', quotaInfo: { remainingFraction: 0, resetTime: reset } });
    expect(list.models['gemini-3-flash']!.quotaInfo.remainingFraction).toBe(1);

    const limited = await post(fake, '/v1internal:generateContent', acct.accessToken, envelope(acct.project, 'x', 'claude-sonnet-4-6'));
    expect(limited.status).toBe(429);
    const err = (await limited.json()) as { error: { status: string; message: string; details: Array<{ reason: string; metadata: { quotaResetDelay: string } }> } };
    expect(err.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(err.error.message).toMatch(/^Individual quota reached for this model\. Resets in (0h59m\d+s|1h0m0s)\.$/);
    expect(err.error.details[0]).toMatchObject({ reason: 'QUOTA_EXHAUSTED', metadata: { quotaResetDelay: expect.stringMatching(/^3[56]\d\ds$/) } });
    expect((await post(fake, '/v1internal:generateContent', acct.accessToken, envelope(acct.project, 'x', 'gemini-3-flash'))).status).toBe(200);
  });
});

describe('generation', () => {
  it('answers the Antigravity envelope with a Code Assist envelope, and streams SSE without [DONE]', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    const res = await post(fake, '/v1internal:generateContent', acct.accessToken, envelope(acct.project, 'hello'));
    const body = (await res.json()) as CodeAssistEnvelope;
    expect(body.traceId).toMatch(/^[0-9a-f]{16}$/);
    expect(body.response.candidates[0]).toMatchObject({
      content: { role: 'model', parts: [{ text: 'Hello from a@example.com (gemini-3-flash): hello' }] },
      finishReason: 'STOP',
    });
    expect(fake.callsTo('generateContent')[0]!.body).toMatchObject({ userAgent: 'antigravity', requestType: 'agent', requestId: expect.stringMatching(/^agent-/) });

    const stream = await post(fake, '/v1internal:streamGenerateContent?alt=sse', acct.accessToken, envelope(acct.project, 'stream me'));
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const text = await stream.text();
    expect(text).not.toContain('[DONE]');
    const events = parseSse(text).map((e) => JSON.parse(e.data) as CodeAssistEnvelope);
    expect(events).toHaveLength(3);
    expect(events.map((e) => e.response.candidates[0]!.content.parts[0]!.text).join('')).toBe('Hello from a@example.com (gemini-3-flash): stream me');
    expect(events.at(-1)!.response.candidates[0]!.finishReason).toBe('STOP');
    expect(events.every((e) => e.response.usageMetadata)).toBe(true);
  });

  it('answers Claude models in Gemini shape: signed thought part, functionCall ids', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    const tools = [{ functionDeclarations: [{ name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }] }];
    const res = await post(
      fake,
      '/v1internal:generateContent',
      acct.accessToken,
      envelope(acct.project, 'call read_file {"path":"a.txt"}', 'claude-opus-4-6-thinking', {
        tools,
        toolConfig: { functionCallingConfig: { mode: 'VALIDATED' } },
        generationConfig: { thinkingConfig: { includeThoughts: true, thinkingBudget: 4096 } },
      }),
    );
    const parts = ((await res.json()) as CodeAssistEnvelope).response.candidates[0]!.content.parts;
    expect(parts[0]).toMatchObject({ text: 'Thinking about it', thought: true, thoughtSignature: expect.any(String) });
    expect(parts[1]!.functionCall).toMatchObject({ name: 'read_file', args: { path: 'a.txt' }, id: expect.stringMatching(/^toolu_/) });
    expect(parts[1]!.thoughtSignature).toBeUndefined();
  });

  it('generates images through image models', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    const res = await post(
      fake,
      '/v1internal:generateContent',
      acct.accessToken,
      envelope(acct.project, 'a cat', 'gemini-3.1-flash-image', { generationConfig: { candidateCount: 1, imageConfig: { aspectRatio: '21:9', imageSize: '4K' } } }),
    );
    const parts = ((await res.json()) as CodeAssistEnvelope).response.candidates[0]!.content.parts;
    expect(parts[0]!.text).toBe('Hello from a@example.com (gemini-3.1-flash-image): a cat [aspectRatio=21:9 imageSize=4K]');
    expect(parts[1]!.inlineData).toMatchObject({ mimeType: 'image/png' });
  });

  it('refuses foreign projects (403), unknown models (404), bad envelopes (400) and bad tokens (401)', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    expect((await post(fake, '/v1internal:generateContent', acct.accessToken, envelope('someone-else', 'x'))).status).toBe(403);
    expect((await post(fake, '/v1internal:generateContent', acct.accessToken, envelope(acct.project, 'x', 'gemini-9'))).status).toBe(404);
    expect((await post(fake, '/v1internal:generateContent', acct.accessToken, { project: acct.project, request: { contents: [] } })).status).toBe(400);
    const token = acct.accessToken;
    fake.expireTokens('a@example.com');
    const expired = await post(fake, '/v1internal:generateContent', token, envelope(acct.project, 'x'));
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { status: string } }).error.status).toBe('UNAUTHENTICATED');
  });
});

describe('scripts', () => {
  it('serves a scripted 429 and a cut stream, then the default resumes', async () => {
    const fake = await start();
    const a = fake.addAccount({ email: 'a@example.com' });
    fake.script('a@example.com', 'streamGenerateContent', [
      { status: 429, body: individualQuota429(248557) },
      { sse: antigravityTextEvents('one two three four', { chunks: 4 }), cutAfter: 2 },
    ]);
    const r1 = await post(fake, '/v1internal:streamGenerateContent?alt=sse', a.accessToken, envelope(a.project, 'x'));
    expect(r1.status).toBe(429);
    expect(((await r1.json()) as { error: { message: string } }).error.message).toBe('Individual quota reached for this model. Resets in 69h2m37s.');
    const r2 = await post(fake, '/v1internal:streamGenerateContent?alt=sse', a.accessToken, envelope(a.project, 'x'));
    const { text, error } = await readAll(r2);
    expect(error).toBeInstanceOf(Error);
    expect(parseSse(text)).toHaveLength(2);
    const r3 = await post(fake, '/v1internal:streamGenerateContent?alt=sse', a.accessToken, envelope(a.project, 'x'));
    expect(parseSse(await r3.text())).toHaveLength(3);
    expect(fake.callsTo('streamGenerateContent', 'a@example.com').map((c) => c.status)).toStrictEqual([429, 200, 200]);
  });
});

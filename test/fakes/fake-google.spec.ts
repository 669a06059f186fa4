import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  bare429,
  type CodeAssistEnvelope,
  type FakeGoogle,
  type FakeGoogleOptions,
  forbidden403,
  GEMINI_CLI_CLIENT_ID,
  GEMINI_CLI_CLIENT_SECRET,
  goDuration,
  GOOGLE_FIXTURES_DIR,
  quotaExhausted429,
  rateLimit429,
  SKIP_THOUGHT_SIGNATURE,
  sseTextEvents,
  startFakeGoogle,
  textEnvelope,
  tokenResponse,
} from './fake-google.js';

// --- helpers -------------------------------------------------------------------------------------

async function start(opts?: FakeGoogleOptions): Promise<FakeGoogle> {
  const fake = await startFakeGoogle(opts);
  onTestFinished(() => fake.close());
  return fake;
}

/** A small SSE parser (line based, per the HTML spec): returns each event's joined data. */
function parseSse(text: string): string[] {
  const events: string[] = [];
  let data: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (data.length > 0) events.push(data.join('\n'));
      data = [];
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
  }
  return events; // an unterminated trailing event is dropped, as the spec says
}

function parseEnvelopes(text: string): CodeAssistEnvelope[] {
  return parseSse(text).map((d) => JSON.parse(d) as CodeAssistEnvelope);
}

/** Reads a streamed body to the end or to a transport error; returns what arrived and the error. */
async function readAll(res: Response): Promise<{ text: string; error?: unknown }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode() };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}

const GEMINI_CLI_HEADERS = {
  accept: 'application/json',
  'content-type': 'application/json',
  'user-agent': 'GeminiCLI-tui/0.61.0/gemini-2.5-flash (linux; x64; terminal) google-api-nodejs-client/10.9.0',
  'x-goog-api-client': 'gl-node/20.20.2',
};

function post(fake: FakeGoogle, path: string, token: string | undefined, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { ...GEMINI_CLI_HEADERS };
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(`${fake.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
}

function get(fake: FakeGoogle, path: string, token?: string): Promise<Response> {
  return fetch(`${fake.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

function tokenRequest(fake: FakeGoogle, fields: Record<string, string>): Promise<Response> {
  return fetch(`${fake.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    body: new URLSearchParams(fields).toString(),
  });
}

function refresh(fake: FakeGoogle, refreshToken: string): Promise<Response> {
  return tokenRequest(fake, {
    refresh_token: refreshToken,
    client_id: GEMINI_CLI_CLIENT_ID,
    client_secret: GEMINI_CLI_CLIENT_SECRET,
    grant_type: 'refresh_token',
  });
}

/** The shape gemini-cli 0.61 sends (see /work/shared/fixtures/gemini-cli-requests.json). */
function envelope(project: string | null, text: string, extra: Record<string, unknown> = {}, model = 'gemini-2.5-flash') {
  return {
    model,
    project,
    user_prompt_id: '7c3200e9-0ccb-46bf-81e7-04896d7fb65f',
    request: {
      contents: [{ role: 'user', parts: [{ text: '<session_context>\nThis is the Gemini CLI.\n</session_context>' }, { text }] }],
      generationConfig: { temperature: 1, topP: 0.95, topK: 64 },
      session_id: '7c3200e9-0ccb-46bf-81e7-04896d7fb65f',
      ...extra,
    },
  };
}

const WEATHER_TOOLS = [
  {
    functionDeclarations: [
      { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'list_directory', description: 'ls', parameters: { type: 'object', properties: {} } },
    ],
  },
];

// --- OAuth ---------------------------------------------------------------------------------------

describe('token endpoint', () => {
  it('refreshes with the form-encoded grant and binds the new access token to the account', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    const before = acct.accessToken;

    const res = await refresh(fake, acct.refreshToken);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ expires_in: 3599, token_type: 'Bearer' });
    expect(body.access_token).toMatch(/^ya29\.fake\.\d+\.[\w-]+$/);
    expect(body.refresh_token).toBeUndefined(); // no rotation unless scripted
    expect(String(body.scope).split(' ')).toContain('https://www.googleapis.com/auth/cloud-platform');
    expect(acct.accessToken).toBe(body.access_token);
    expect(acct.accessToken).not.toBe(before);

    const info = await get(fake, '/oauth2/v2/userinfo', String(body.access_token));
    expect(info.status).toBe(200);
    expect(await info.json()).toStrictEqual({
      id: acct.id,
      email: 'a@example.com',
      verified_email: true,
      picture: expect.stringMatching(/^https:\/\//),
    });

    const [call] = fake.callsTo('token');
    expect(call).toMatchObject({
      method: 'POST',
      path: '/token',
      account: 'a@example.com',
      status: 200,
      body: { grant_type: 'refresh_token', refresh_token: acct.refreshToken, client_id: GEMINI_CLI_CLIENT_ID, client_secret: GEMINI_CLI_CLIENT_SECRET },
    });
  });

  it('answers the permanent and client failure classes like Google', async () => {
    const fake = await start();
    const revoked = fake.addAccount({ email: 'revoked@example.com', refreshError: { status: 400, error: 'invalid_grant' } });

    const unknown = await refresh(fake, '1//nobody');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toStrictEqual({ error: 'invalid_grant', error_description: 'Bad Request' });

    const failing = await refresh(fake, revoked.refreshToken);
    expect(failing.status).toBe(400);
    expect(await failing.json()).toStrictEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });

    const wrongClient = await tokenRequest(fake, { grant_type: 'refresh_token', refresh_token: revoked.refreshToken, client_id: 'x', client_secret: 'y' });
    expect(wrongClient.status).toBe(401);
    expect(((await wrongClient.json()) as { error: string }).error).toBe('invalid_client');

    const ok = fake.addAccount({ email: 'ok@example.com' });
    fake.revokeRefreshToken('ok@example.com');
    expect((await refresh(fake, ok.refreshToken)).status).toBe(400);
  });

  it('rotates the refresh token only when scripted, and the rotated tokens work', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'rot@example.com' });
    const oldRefresh = acct.refreshToken;
    fake.script('rot@example.com', 'token', [{ status: 200, body: tokenResponse({ accessToken: 'ya29.rotated', refreshToken: '1//rotated' }) }]);

    const res = await refresh(fake, oldRefresh);
    expect(await res.json()).toMatchObject({ access_token: 'ya29.rotated', refresh_token: '1//rotated' });
    expect(acct.refreshToken).toBe('1//rotated');
    expect((await get(fake, '/oauth2/v2/userinfo', 'ya29.rotated')).status).toBe(200);
    expect((await refresh(fake, oldRefresh)).status).toBe(400); // the old one is gone
    expect((await refresh(fake, '1//rotated')).status).toBe(200); // script exhausted: default again
  });

  it('exchanges an issued authorization code once, checking redirect_uri and PKCE', async () => {
    const fake = await start();
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUri = 'https://codeassist.google.com/authcode';
    const code = fake.issueAuthCode('donor@example.com', { redirectUri, codeChallenge: challenge });
    const fields = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: GEMINI_CLI_CLIENT_ID, client_secret: GEMINI_CLI_CLIENT_SECRET };

    const mismatch = await tokenRequest(fake, { ...fields, redirect_uri: 'http://localhost:1/', code_verifier: verifier });
    expect(await mismatch.json()).toMatchObject({ error: 'redirect_uri_mismatch' });
    const badVerifier = await tokenRequest(fake, { ...fields, code_verifier: 'nope' });
    expect(await badVerifier.json()).toMatchObject({ error: 'invalid_grant', error_description: 'Invalid code verifier.' });

    const res = await tokenRequest(fake, { ...fields, code_verifier: verifier });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string | number>;
    const acct = fake.account('donor@example.com')!;
    expect(body).toMatchObject({ access_token: acct.accessToken, refresh_token: acct.refreshToken, expires_in: 3599, token_type: 'Bearer' });
    const claims = JSON.parse(Buffer.from(String(body.id_token).split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ email: 'donor@example.com', sub: acct.id, aud: GEMINI_CLI_CLIENT_ID });

    const again = await tokenRequest(fake, { ...fields, code_verifier: verifier });
    expect(again.status).toBe(400);
    expect(await again.json()).toStrictEqual({ error: 'invalid_grant', error_description: 'Bad Request' });
  });
});

describe('userinfo and bearer checks', () => {
  it('rejects missing, unknown and expired tokens with 401 UNAUTHENTICATED', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });

    const missing = await get(fake, '/oauth2/v2/userinfo');
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { status: string } }).error.status).toBe('UNAUTHENTICATED');
    expect((await get(fake, '/oauth2/v2/userinfo', 'ya29.unknown')).status).toBe(401);

    const token = acct.accessToken;
    fake.expireTokens('a@example.com');
    const expired = await post(fake, '/v1internal:loadCodeAssist', token, { metadata: {} });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('invalid_token');
    const body = (await expired.json()) as { error: { code: number; details: Array<{ reason: string }> } };
    expect(body.error.code).toBe(401);
    expect(body.error.details[0]!.reason).toBe('ACCESS_TOKEN_EXPIRED');
    expect(fake.callsTo('loadCodeAssist')[0]!.account).toBe('a@example.com'); // resolved even when expired

    const fresh = (await (await refresh(fake, acct.refreshToken)).json()) as { access_token: string };
    expect((await post(fake, '/v1internal:loadCodeAssist', fresh.access_token, { metadata: {} })).status).toBe(200);
  });

  it('answers tokeninfo for a valid token', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    const res = await fetch(`${fake.url}/tokeninfo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acct.accessToken}`, 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    });
    expect(await res.json()).toMatchObject({ email: 'a@example.com', aud: GEMINI_CLI_CLIENT_ID, email_verified: 'true' });
  });
});

// --- project discovery -----------------------------------------------------------------------------

describe('loadCodeAssist / onboardUser / operations', () => {
  it('reports the current tier and project of an onboarded account', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com', project: 'proj-cli1', tier: 'standard-tier' });
    const res = await post(fake, '/v1internal:loadCodeAssist', acct.accessToken, {
      metadata: { ideType: 'IDE_UNSPECIFIED', platform: 'PLATFORM_UNSPECIFIED', pluginType: 'GEMINI' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ currentTier: { id: 'standard-tier' }, cloudaicompanionProject: 'proj-cli1' });
  });

  it('onboards a new account through the LRO and polls until done', async () => {
    const fake = await start({ operationPollsBeforeDone: 2 });
    const acct = fake.addAccount({ email: 'new@example.com', project: null });
    const metadata = { ideType: 'IDE_UNSPECIFIED', platform: 'PLATFORM_UNSPECIFIED', pluginType: 'GEMINI' };

    const load = (await (await post(fake, '/v1internal:loadCodeAssist', acct.accessToken, { metadata })).json()) as Record<string, unknown>;
    expect(load.currentTier).toBeUndefined();
    expect(load.cloudaicompanionProject).toBeUndefined();
    expect(load.allowedTiers).toContainEqual(expect.objectContaining({ id: 'free-tier', isDefault: true }));

    // free-tier with a project is a precondition failure
    const withProject = await post(fake, '/v1internal:onboardUser', acct.accessToken, { tierId: 'free-tier', cloudaicompanionProject: 'x', metadata });
    expect(withProject.status).toBe(400);

    const lro = (await (await post(fake, '/v1internal:onboardUser', acct.accessToken, { tierId: 'free-tier', metadata })).json()) as {
      name: string;
      done: boolean;
    };
    expect(lro.done).toBe(false);
    expect(lro.name).toMatch(/^operations\/onboard-/);

    const poll1 = (await (await get(fake, `/v1internal/${lro.name}`, acct.accessToken)).json()) as { done: boolean };
    expect(poll1.done).toBe(false);
    const poll2 = (await (await get(fake, `/v1internal/${lro.name}`, acct.accessToken)).json()) as {
      done: boolean;
      response: { cloudaicompanionProject: { id: string; name: string } };
    };
    expect(poll2.done).toBe(true);
    const project = poll2.response.cloudaicompanionProject.id;
    expect(project).toBe(acct.project);
    expect(fake.callsTo('operation', 'new@example.com')).toHaveLength(2);

    const after = (await (await post(fake, '/v1internal:loadCodeAssist', acct.accessToken, { metadata })).json()) as Record<string, unknown>;
    expect(after).toMatchObject({ currentTier: { id: 'free-tier' }, cloudaicompanionProject: project });
    expect((await post(fake, '/v1internal:generateContent', acct.accessToken, envelope(project, 'hi'))).status).toBe(200);
  });

  it('reports ineligibility and refuses to serve an ineligible account', async () => {
    const fake = await start();
    const acct = fake.addAccount({
      email: 'x@example.com',
      project: null,
      ineligible: { reasonCode: 'UNSUPPORTED_LOCATION', reasonMessage: 'Not available in your country.' },
    });
    const load = (await (await post(fake, '/v1internal:loadCodeAssist', acct.accessToken, { metadata: {} })).json()) as Record<string, unknown>;
    expect(load.ineligibleTiers).toStrictEqual([
      expect.objectContaining({ reasonCode: 'UNSUPPORTED_LOCATION', reasonMessage: 'Not available in your country.' }),
    ]);
    expect((await post(fake, '/v1internal:onboardUser', acct.accessToken, { tierId: 'free-tier' })).status).toBe(403);
    expect((await post(fake, '/v1internal:generateContent', acct.accessToken, envelope('p', 'hi'))).status).toBe(403);
  });

  it('answers retrieveUserQuota and listExperiments with minimal valid JSON', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    const quota = (await (await post(fake, '/v1internal:retrieveUserQuota', acct.accessToken, { project: acct.project })).json()) as {
      buckets: Array<{ modelId: string; remainingFraction: number }>;
    };
    expect(quota.buckets.length).toBeGreaterThan(0);
    expect(quota.buckets[0]).toMatchObject({ remainingFraction: 1, tokenType: 'REQUESTS' });
    const exp = await post(fake, '/v1internal:listExperiments', acct.accessToken, { project: acct.project, metadata: {} });
    expect(await exp.json()).toStrictEqual({ experimentIds: [], flags: [] });
  });
});

// --- generation ----------------------------------------------------------------------------------

describe('generateContent', () => {
  it('answers deterministically with the account, the model and the last user text', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    const res = await post(fake, '/v1internal:generateContent', acct.accessToken, envelope(acct.project, 'hello from S1'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as CodeAssistEnvelope;
    expect(res.headers.get('x-cloudaicompanion-trace-id')).toBe(body.traceId);
    expect(body.traceId).toMatch(/^[0-9a-f]{16}$/);
    const candidate = body.response.candidates[0]!;
    expect(candidate).toStrictEqual({
      content: { role: 'model', parts: [{ text: 'Hello from a@example.com (gemini-2.5-flash): hello from S1' }] },
      finishReason: 'STOP',
    });
    expect(body.response.modelVersion).toBe('gemini-2.5-flash');
    expect(body.response.responseId).toEqual(expect.any(String));
    const usage = body.response.usageMetadata!;
    expect(usage.promptTokenCount).toBeGreaterThan(0);
    expect(usage.totalTokenCount).toBe(usage.promptTokenCount! + usage.candidatesTokenCount!);
  });

  it('adds a thought part, a signature and thoughtsTokenCount when includeThoughts is set', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    const req = envelope(acct.project, 'think', { generationConfig: { thinkingConfig: { includeThoughts: true, thinkingBudget: 8192 } } });
    const body = (await (await post(fake, '/v1internal:generateContent', acct.accessToken, req)).json()) as CodeAssistEnvelope;
    const parts = body.response.candidates[0]!.content.parts;
    expect(parts[0]).toStrictEqual({ text: 'Thinking about it', thought: true });
    expect(parts[1]!.text).toBe('Hello from a@example.com (gemini-2.5-flash): think');
    expect(parts[1]!.thoughtSignature).toEqual(expect.any(String));
    const u = body.response.usageMetadata!;
    expect(u.thoughtsTokenCount).toBeGreaterThan(0);
    expect(u.totalTokenCount).toBe(u.promptTokenCount! + u.candidatesTokenCount! + u.thoughtsTokenCount!);
  });

  it('returns a real 1x1 PNG for image models', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    const body = (await (await post(fake, '/v1internal:generateContent', acct.accessToken, envelope(acct.project, 'draw', {}, 'gemini-2.5-flash-image'))).json()) as CodeAssistEnvelope;
    const parts = body.response.candidates[0]!.content.parts;
    expect(parts[0]!.text).toContain('a@example.com');
    const image = parts.find((p) => p.inlineData)!.inlineData!;
    expect(image.mimeType).toBe('image/png');
    const png = Buffer.from(image.data, 'base64');
    expect(png.subarray(0, 8)).toStrictEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(1); // IHDR width
    expect(png.readUInt32BE(20)).toBe(1); // IHDR height
    const idatLength = png.readUInt32BE(33);
    expect(inflateSync(png.subarray(41, 41 + idatLength))).toHaveLength(5); // filter byte + one RGBA pixel
  });

  it('runs a tool loop: "call <tool>" gives a signed functionCall, a functionResponse gives "Tool said"', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    const first = envelope(acct.project, 'please call get_weather {"city":"Paris"}', { tools: WEATHER_TOOLS }, 'gemini-3-pro-preview');
    const r1 = (await (await post(fake, '/v1internal:generateContent', acct.accessToken, first)).json()) as CodeAssistEnvelope;
    const callPart = r1.response.candidates[0]!.content.parts[0]!;
    expect(callPart.functionCall).toStrictEqual({ name: 'get_weather', args: { city: 'Paris' } });
    expect(callPart.thoughtSignature).toEqual(expect.any(String));
    expect(r1.response.candidates[0]!.finishReason).toBe('STOP');

    const toolTurn = { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 21 } } }] };
    const second = structuredClone(first);
    second.request.contents.push({ role: 'model', parts: [callPart] } as never, toolTurn as never);
    const r2 = (await (await post(fake, '/v1internal:generateContent', acct.accessToken, second)).json()) as CodeAssistEnvelope;
    expect(r2.response.candidates[0]!.content.parts).toStrictEqual([{ text: 'Tool said: {"temp":21}' }]);

    // Gemini 3 refuses a replayed functionCall without a signature; the sentinel is accepted.
    const unsigned = structuredClone(second);
    unsigned.request.contents[1] = { role: 'model', parts: [{ functionCall: callPart.functionCall }] } as never;
    const r3 = await post(fake, '/v1internal:generateContent', acct.accessToken, unsigned);
    expect(r3.status).toBe(400);
    expect(((await r3.json()) as { error: { message: string; status: string } }).error).toMatchObject({
      status: 'INVALID_ARGUMENT',
      message: expect.stringContaining('missing a thought_signature'),
    });
    unsigned.request.contents[1] = { role: 'model', parts: [{ functionCall: callPart.functionCall, thoughtSignature: SKIP_THOUGHT_SIGNATURE }] } as never;
    expect((await post(fake, '/v1internal:generateContent', acct.accessToken, unsigned)).status).toBe(200);
  });

  it('rejects malformed envelopes and foreign projects', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    const noModel = await post(fake, '/v1internal:generateContent', acct.accessToken, { project: acct.project, request: { contents: [{ role: 'user', parts: [{ text: 'x' }] }] } });
    expect(noModel.status).toBe(400);
    expect(((await noModel.json()) as { error: { status: string } }).error.status).toBe('INVALID_ARGUMENT');
    const noContents = await post(fake, '/v1internal:streamGenerateContent?alt=sse', acct.accessToken, { model: 'gemini-2.5-pro', project: acct.project, request: {} });
    expect(noContents.status).toBe(400);
    const foreign = await post(fake, '/v1internal:generateContent', acct.accessToken, envelope('someone-else', 'x'));
    expect(foreign.status).toBe(403);
    expect((await post(fake, '/v1internal:generateContent', undefined, envelope(acct.project, 'x'))).status).toBe(401);
  });
});

describe('streamGenerateContent', () => {
  it('streams the default answer as 3 SSE events without [DONE], usage on the last', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    const res = await post(fake, '/v1internal:streamGenerateContent?alt=sse', acct.accessToken, envelope(acct.project, 'stream me'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text();
    expect(text).not.toContain('[DONE]');
    expect(text.endsWith('\n\n')).toBe(true);
    const events = parseEnvelopes(text);
    expect(events).toHaveLength(3);
    const joined = events.map((e) => e.response.candidates[0]!.content.parts.map((p) => p.text).join('')).join('');
    expect(joined).toBe('Hello from a@example.com (gemini-2.5-flash): stream me');
    expect(events.slice(0, 2).every((e) => !e.response.usageMetadata && !e.response.candidates[0]!.finishReason)).toBe(true);
    expect(events[2]!.response.candidates[0]!.finishReason).toBe('STOP');
    expect(events[2]!.response.usageMetadata!.totalTokenCount).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.response.responseId)).size).toBe(1);
    expect(new Set(events.map((e) => e.traceId))).toStrictEqual(new Set([res.headers.get('x-cloudaicompanion-trace-id')]));
  });

  it('streams a thought event first when includeThoughts is set', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    const req = envelope(acct.project, 'hmm', { generationConfig: { thinkingConfig: { includeThoughts: true } } });
    const events = parseEnvelopes(await (await post(fake, '/v1internal:streamGenerateContent?alt=sse', acct.accessToken, req)).text());
    expect(events).toHaveLength(4);
    expect(events[0]!.response.candidates[0]!.content.parts).toStrictEqual([{ text: 'Thinking about it', thought: true }]);
    expect(events[1]!.response.candidates[0]!.content.parts[0]!.thoughtSignature).toEqual(expect.any(String));
    expect(events[3]!.response.usageMetadata!.thoughtsTokenCount).toBeGreaterThan(0);
  });

  it('streams a JSON array when alt=sse is missing', async () => {
    const fake = await start();
    const acct = fake.addAccount({ email: 'a@example.com' });
    const res = await post(fake, '/v1internal:streamGenerateContent', acct.accessToken, envelope(acct.project, 'x'));
    const body = (await res.json()) as CodeAssistEnvelope[];
    expect(body).toHaveLength(3);
  });
});

// --- scripting -----------------------------------------------------------------------------------

describe('scripts', () => {
  it('serves a scripted 429, then the default resumes; calls record status and account', async () => {
    const fake = await start();
    const a = fake.addAccount({ email: 'a@example.com' });
    const b = fake.addAccount({ email: 'b@example.com' });
    const reset = '2026-12-01T00:00:00Z';
    fake.script('a@example.com', 'streamGenerateContent', [{ status: 429, body: quotaExhausted429(reset, 'gemini-2.5-flash') }]);

    const r1 = await post(fake, '/v1internal:streamGenerateContent?alt=sse', a.accessToken, envelope(a.project, 'one'));
    expect(r1.status).toBe(429);
    const err = (await r1.json()) as { error: { status: string; details: Array<Record<string, unknown>> } };
    expect(err.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(err.error.details[0]).toMatchObject({ reason: 'QUOTA_EXHAUSTED', metadata: { quotaResetTimeStamp: reset, model: 'gemini-2.5-flash' } });
    expect(err.error.details[1]!['@type']).toBe('type.googleapis.com/google.rpc.RetryInfo');

    const r2 = await post(fake, '/v1internal:streamGenerateContent?alt=sse', b.accessToken, envelope(b.project, 'two'));
    expect(r2.status).toBe(200);
    expect(parseEnvelopes(await r2.text()).at(-1)!.response.candidates[0]!.finishReason).toBe('STOP');
    const r3 = await post(fake, '/v1internal:streamGenerateContent?alt=sse', a.accessToken, envelope(a.project, 'three'));
    expect(r3.status).toBe(200);
    await r3.text();

    const calls = fake.callsTo('streamGenerateContent');
    expect(calls.map((c) => [c.account, c.status])).toStrictEqual([
      ['a@example.com', 429],
      ['b@example.com', 200],
      ['a@example.com', 200],
    ]);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      path: '/v1internal:streamGenerateContent',
      query: { alt: 'sse' },
      headers: { 'user-agent': GEMINI_CLI_HEADERS['user-agent'], 'x-goog-api-client': 'gl-node/20.20.2', authorization: `Bearer ${a.accessToken}` },
      body: { model: 'gemini-2.5-flash', project: a.project, request: { contents: [expect.anything()] } },
    });
    expect(calls[0]!.at).toBeLessThanOrEqual(calls[1]!.at);
    expect(fake.callsTo('streamGenerateContent', 'b@example.com')).toHaveLength(1);

    fake.reset();
    expect(fake.calls).toHaveLength(0);
  });

  it("applies '*' scripts to every account, after account-specific ones", async () => {
    const fake = await start();
    const a = fake.addAccount({ email: 'a@example.com' });
    fake.script('*', 'generateContent', [{ status: 429, body: bare429() }, { status: 503, body: 'upstream down', headers: { 'content-type': 'text/plain' } }]);
    fake.script('a@example.com', 'generateContent', [{ status: 200, body: textEnvelope('scripted', { model: 'gemini-2.5-pro' }) }]);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await post(fake, '/v1internal:generateContent', a.accessToken, envelope(a.project, 'x'));
      statuses.push(res.status);
      if (i === 2) expect(await res.text()).toBe('upstream down');
      else await res.arrayBuffer();
    }
    expect(statuses).toStrictEqual([200, 429, 503, 200]);
  });

  it('cutAfter destroys the socket mid-stream: the client sees an early close', async () => {
    const fake = await start();
    const a = fake.addAccount({ email: 'a@example.com' });
    fake.script('a@example.com', 'streamGenerateContent', [{ sse: sseTextEvents('one two three four', { chunks: 4, model: 'gemini-2.5-flash' }), cutAfter: 2 }]);
    const res = await post(fake, '/v1internal:streamGenerateContent?alt=sse', a.accessToken, envelope(a.project, 'x'));
    expect(res.status).toBe(200);
    const { text, error } = await readAll(res);
    expect(error).toBeInstanceOf(Error);
    const events = parseEnvelopes(text);
    expect(events).toHaveLength(2);
    expect(events.every((e) => !e.response.candidates[0]!.finishReason)).toBe(true);
  });

  it('cutAfter: 0 sends the 200 headers, then drops the connection', async () => {
    const fake = await start();
    const a = fake.addAccount({ email: 'a@example.com' });
    fake.script('a@example.com', 'streamGenerateContent', [{ sse: sseTextEvents('never seen'), cutAfter: 0 }]);
    const res = await post(fake, '/v1internal:streamGenerateContent?alt=sse', a.accessToken, envelope(a.project, 'x'));
    expect(res.status).toBe(200);
    const { text, error } = await readAll(res);
    expect(error).toBeInstanceOf(Error);
    expect(text).toBe('');
  });

  it('hangAfter keeps the socket open; the client can abort and close() still returns', async () => {
    const fake = await start();
    const a = fake.addAccount({ email: 'a@example.com' });
    fake.script('*', 'streamGenerateContent', [{ sse: sseTextEvents('abc def', { chunks: 2 }), hangAfter: 1 }]);
    const controller = new AbortController();
    const res = await fetch(`${fake.url}/v1internal:streamGenerateContent?alt=sse`, {
      method: 'POST',
      headers: { ...GEMINI_CLI_HEADERS, authorization: `Bearer ${a.accessToken}` },
      body: JSON.stringify(envelope(a.project, 'x')),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(parseSse(new TextDecoder().decode(first.value))).toHaveLength(1);
    const next = reader.read();
    const raced = await Promise.race([next.then(() => 'data'), new Promise((r) => setTimeout(() => r('silent'), 200))]);
    expect(raced).toBe('silent');
    controller.abort();
    await expect(next).rejects.toThrow();
  });

  it('a hang step never answers until the client gives up', async () => {
    const fake = await start();
    const a = fake.addAccount({ email: 'a@example.com' });
    fake.script('a@example.com', 'generateContent', [{ hang: true }]);
    const started = Date.now();
    await expect(
      fetch(`${fake.url}/v1internal:generateContent`, {
        method: 'POST',
        headers: { ...GEMINI_CLI_HEADERS, authorization: `Bearer ${a.accessToken}` },
        body: JSON.stringify(envelope(a.project, 'x')),
        signal: AbortSignal.timeout(150),
      }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(fake.callsTo('generateContent')[0]!.status).toBeUndefined();
  });

  it('serves fixtures byte for byte (.sse) and with the error status (.json)', async () => {
    const fake = await start();
    const a = fake.addAccount({ email: 'a@example.com' });
    fake.script('a@example.com', 'streamGenerateContent', [{ fixture: 'tool-call.1.sse' }, { fixture: '429-quota-exhausted.1.json' }]);
    const r1 = await post(fake, '/v1internal:streamGenerateContent?alt=sse', a.accessToken, envelope(a.project, 'x'));
    const raw = await readFile(join(GOOGLE_FIXTURES_DIR, 'tool-call.1.sse'), 'utf8');
    expect(r1.headers.get('content-type')).toBe('text/event-stream');
    expect(r1.headers.get('x-cloudaicompanion-trace-id')).toBe('fedcba9876543210');
    expect(await r1.text()).toBe(raw);
    const r2 = await post(fake, '/v1internal:streamGenerateContent?alt=sse', a.accessToken, envelope(a.project, 'x'));
    expect(r2.status).toBe(429);
    expect(((await r2.json()) as { error: { details: Array<{ reason?: string }> } }).error.details[0]!.reason).toBe('QUOTA_EXHAUSTED');
  });

  it('delays a plain step by delayMs', async () => {
    const fake = await start();
    const a = fake.addAccount({ email: 'a@example.com' });
    fake.script('a@example.com', 'loadCodeAssist', [{ status: 500, body: { error: { code: 500, message: 'x', status: 'INTERNAL' } }, delayMs: 120 }]);
    const started = Date.now();
    expect((await post(fake, '/v1internal:loadCodeAssist', a.accessToken, {})).status).toBe(500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });
});

describe('countTokens', () => {
  it('counts ceil(text chars / 4), min 1', async () => {
    const fake = await start();
    const a = fake.addAccount({ email: 'a@example.com' });
    const count = async (texts: string[]): Promise<number> => {
      const res = await post(fake, '/v1internal:countTokens', a.accessToken, {
        request: { model: 'models/gemini-2.5-pro', contents: [{ role: 'user', parts: texts.map((text) => ({ text })) }] },
      });
      return ((await res.json()) as { totalTokens: number }).totalTokens;
    };
    expect(await count(['abcdefgh', 'i'])).toBe(3);
    expect(await count([''])).toBe(1);
    const bad = await post(fake, '/v1internal:countTokens', a.accessToken, { request: { contents: [] } });
    expect(bad.status).toBe(400);
  });
});

// --- fixtures and builders -------------------------------------------------------------------------

describe('fixtures', () => {
  it.each(['text.1.sse', 'tool-call.1.sse', 'thinking-signature.1.sse'])('%s is a valid Code Assist SSE transcript', async (name) => {
    const raw = await readFile(join(GOOGLE_FIXTURES_DIR, name), 'utf8');
    expect(raw).not.toContain('[DONE]');
    const events = parseEnvelopes(raw);
    expect(events.length).toBeGreaterThan(1);
    for (const e of events) {
      expect(e.traceId).toEqual(expect.any(String));
      expect(e.response.candidates[0]!.content.role).toBe('model');
    }
    const last = events.at(-1)!.response;
    expect(last.candidates[0]!.finishReason).toBe('STOP');
    const u = last.usageMetadata!;
    expect(u.totalTokenCount).toBe(u.promptTokenCount! + u.candidatesTokenCount! + (u.thoughtsTokenCount ?? 0));
  });

  it('429-quota-exhausted.1.json has ErrorInfo and RetryInfo', async () => {
    const body = JSON.parse(await readFile(join(GOOGLE_FIXTURES_DIR, '429-quota-exhausted.1.json'), 'utf8')) as {
      error: { code: number; details: Array<Record<string, unknown>> };
    };
    expect(body.error.code).toBe(429);
    expect(body.error.details.map((d) => d['@type'])).toStrictEqual([
      'type.googleapis.com/google.rpc.ErrorInfo',
      'type.googleapis.com/google.rpc.RetryInfo',
    ]);
  });
});

describe('builders', () => {
  it('formats Go durations', () => {
    expect(goDuration(0)).toBe('0s');
    expect(goDuration(500)).toBe('500ms');
    expect(goDuration(1200)).toBe('1.2s');
    expect(goDuration((13 * 3600 + 19 * 60 + 1.2) * 1000)).toBe('13h19m1.2s');
    expect(goDuration(3600 * 1000)).toBe('1h0m0s');
  });

  it('builds the 429 and 403 bodies of upstream-google.md §7', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const q = quotaExhausted429('2026-01-01T13:19:01.200Z', 'gemini-2.5-pro', { now, quotaFailure: true });
    expect(q.error.details).toStrictEqual([
      expect.objectContaining({ reason: 'QUOTA_EXHAUSTED', metadata: expect.objectContaining({ quotaResetDelay: '13h19m1.2s', quotaResetTimeStamp: '2026-01-01T13:19:01Z' }) }),
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '47941.200s' },
      expect.objectContaining({ '@type': 'type.googleapis.com/google.rpc.QuotaFailure' }),
    ]);
    expect(rateLimit429('0.539s').error.details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.539s' });
    expect(bare429()).toStrictEqual({ error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } });
    expect(forbidden403('validation').error.details).toContainEqual(expect.objectContaining({ reason: 'VALIDATION_REQUIRED' }));
    expect(forbidden403('license').error.message).toContain('#3501');
    expect(forbidden403('tos').error.message).toContain('Terms of Service');
    expect(forbidden403('ineligible').error.message).toContain('not eligible');
  });
});

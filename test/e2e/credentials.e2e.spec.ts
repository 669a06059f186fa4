import OpenAI from 'openai';
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sseTextEvents, startFakeGoogle, tokenResponse, type FakeAccount, type FakeGoogle } from '../fakes/fake-google.js';
import { AdminClient, gcli2apiFile } from '../support/admin-client.js';
import { testModes, type GatewayMode } from '../support/env.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { modeEnv } from '../support/mode-env.js';

const API_PASSWORD = 'e2e-creds-api-7c21';
const PANEL_PASSWORD = 'e2e-creds-panel-0d9a';

/** Credential lifecycle: env credentials, token rotation, dead grants, cut streams, Gemini passthrough. */
describe.each(testModes())('credential lifecycle (%s)', (mode: GatewayMode) => {
  let google: FakeGoogle;
  let gateway: GatewayProcess;
  let admin: AdminClient;
  let openai: OpenAI;
  let dave: FakeAccount;
  let erin: FakeAccount;
  let dropDb: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    google = await startFakeGoogle();
    dave = google.addAccount({ email: 'dave@example.com' });
    erin = google.addAccount({ email: 'erin@example.com' });
    const env: Record<string, string> = {
      ...google.env,
      API_PASSWORD,
      PANEL_PASSWORD,
      CALLS_PER_ROTATION: '1',
      // one credential as raw JSON, one as base64 JSON
      GCLI_CREDS_DAVE: gcli2apiFile(dave),
      GCLI_CREDS_2: Buffer.from(gcli2apiFile(erin, { expired: true })).toString('base64'),
    };
    const storage = await modeEnv(mode, 'creds');
    dropDb = storage.drop;
    Object.assign(env, storage.env);
    gateway = await startGatewayProcess({ name: `creds-${mode}`, env });
    admin = new AdminClient(gateway.url, PANEL_PASSWORD);
    openai = new OpenAI({ apiKey: API_PASSWORD, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await google?.close();
    await dropDb?.();
  });

  it('imports GCLI_CREDS_* variables given as JSON or base64 JSON', async () => {
    const status = await admin.status();
    expect(status.items.map((i: any) => [i.filename, i.user_email, i.source]).sort()).toEqual([
      ['env-2.json', 'erin@example.com', 'env'],
      ['env-dave.json', 'dave@example.com', 'env'],
    ]);
    const envStatus = await admin.json('GET', '/auth/env-creds-status');
    expect(Object.keys(envStatus.body.available_env_vars).sort()).toEqual(['GCLI_CREDS_2', 'GCLI_CREDS_DAVE']);
    // loading again is idempotent: the same accounts are updated, not duplicated
    const again = await admin.json('POST', '/auth/load-env-creds');
    expect(again.body.results.map((r: any) => r.status)).toEqual(['updated', 'updated']);
    expect((await admin.status()).total).toBe(2);
  });

  it('keeps a rotated refresh token', async () => {
    const rotated = `1//rotated-${Date.now()}`;
    google.script('dave@example.com', 'token', [{ status: 200, body: tokenResponse({ refreshToken: rotated }) }]);
    google.expireTokens('dave@example.com');
    google.expireTokens('erin@example.com');
    for (let i = 0; i < 2; i++) await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: `rot${i}` }] });
    expect(dave.refreshToken).toBe(rotated);
    // the old refresh token is dead now: only the stored rotated one can keep dave working
    google.expireTokens('dave@example.com');
    google.reset();
    for (let i = 0; i < 2; i++) await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: `after${i}` }] });
    expect(google.callsTo('generateContent').map((c) => c.account)).toContain('dave@example.com');
    const refresh = google.callsTo('token', 'dave@example.com').at(-1)!;
    expect((refresh.body as Record<string, string>).refresh_token).toBe(rotated);
    // the download hands back the current tokens in gcli2api format
    const row = await admin.credentialByEmail('dave@example.com');
    const file = await admin.json('GET', `/creds/download/${row.filename}`);
    expect(file.body).toMatchObject({ refresh_token: rotated, project_id: dave.project, type: 'authorized_user' });
  });

  it('disables a credential whose refresh token Google rejects, with the reason', async () => {
    google.revokeRefreshToken('erin@example.com');
    google.expireTokens('erin@example.com');
    google.reset();
    for (let i = 0; i < 3; i++) {
      const c = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: `dead${i}` }] });
      expect(c.choices[0]!.message.content).toContain('dave@example.com');
    }
    const erinRow = await admin.credentialByEmail('erin@example.com');
    expect(erinRow.disabled).toBe(true);
    expect(erinRow.disabled_reason).toMatch(/invalid_grant/);
    // erin's cached token was refused once (401), the refresh failed for good, and she was never used again
    expect(google.callsTo('generateContent', 'erin@example.com').map((c) => c.status)).toEqual([401]);
    expect(google.callsTo('token').map((c) => c.status)).toEqual([400]);
  });

  it('ends a stream cut mid-way with an error the SDK raises, never a silent truncation', async () => {
    const events = sseTextEvents('one two three four five six', { chunks: 3, model: 'gemini-2.5-flash' });
    google.script('*', 'streamGenerateContent', [{ sse: events, cutAfter: 1 }]);
    const stream = await openai.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'cut' }],
      stream: true,
    });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().then(
      () => null,
      (e: unknown) => e,
    );
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toBe('one two three four five six');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toMatch(/ended before completion/);
  });

  it('forwards Gemini-native bodies untouched inside the envelope', async () => {
    const genai = new GoogleGenAI({ apiKey: API_PASSWORD, httpOptions: { baseUrl: gateway.url } });
    google.reset();
    await genai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: [{ role: 'user', parts: [{ text: 'verbatim' }] }],
      config: {
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT' as never, threshold: 'BLOCK_ONLY_HIGH' as never }],
        topK: 7,
        candidateCount: 1,
      },
    });
    const sent = google.callsTo('generateContent').at(-1)!.body as any;
    expect(sent.model).toBe('gemini-2.5-flash');
    expect(sent.project).toBe(dave.project);
    expect(sent.request.safetySettings).toEqual([{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }]);
    expect(sent.request.generationConfig).toEqual({ topK: 7, candidateCount: 1 });

    // a cut stream reaches the Gemini client as an error, not as a finished answer
    const events = sseTextEvents('alpha beta gamma delta', { chunks: 3, model: 'gemini-2.5-flash' });
    google.script('*', 'streamGenerateContent', [{ sse: events, cutAfter: 1 }]);
    const res = await fetch(`${gateway.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=${API_PASSWORD}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'cut' }] }] }),
    });
    const body = await res.text();
    const frames = body.split('\n\n').filter(Boolean).map((f) => JSON.parse(f.replace(/^data: /, '')));
    expect(frames[0].candidates[0].content.parts[0].text).toBeTruthy();
    expect(frames.at(-1)).toMatchObject({ error: { code: 502, status: 'UNAVAILABLE' } });
  });
});

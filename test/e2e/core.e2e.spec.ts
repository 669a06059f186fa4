import { zipSync, strToU8 } from 'fflate';
import OpenAI from 'openai';
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  forbidden403,
  quotaExhausted429,
  rateLimit429,
  startFakeGoogle,
  type FakeAccount,
  type FakeGoogle,
} from '../fakes/fake-google.js';
import { AdminClient, gcli2apiFile, geminiCliFile } from '../support/admin-client.js';
import { testModes, type GatewayMode } from '../support/env.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { modeEnv } from '../support/mode-env.js';
import { expectNoSecretsInLogs } from '../support/secrets.js';

const API_PASSWORD = 'e2e-api-password-4f1c';
const PANEL_PASSWORD = 'e2e-panel-password-9b2e';

describe.each(testModes())('gateway core (%s)', (mode: GatewayMode) => {
  let google: FakeGoogle;
  let gateway: GatewayProcess;
  let admin: AdminClient;
  let openai: OpenAI;
  let accounts: FakeAccount[];
  let env: Record<string, string>;
  let dropDb: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    google = await startFakeGoogle({ operationPollsBeforeDone: 1 });
    accounts = [
      google.addAccount({ email: 'alice@example.com' }),
      google.addAccount({ email: 'bob@example.com', project: null, onboardTier: 'free-tier' }),
      google.addAccount({ email: 'carol@example.com' }),
    ];
    env = {
      ...google.env,
      API_PASSWORD,
      PANEL_PASSWORD,
      CALLS_PER_ROTATION: '1',
      RETRY_429_MAX_RETRIES: '3',
      CLIGATE_ONBOARD_POLL_SECONDS: '0.05',
    };
    const storage = await modeEnv(mode, 'core');
    dropDb = storage.drop;
    Object.assign(env, storage.env);
    gateway = await startGatewayProcess({ name: `core-${mode}`, env });
    admin = new AdminClient(gateway.url, PANEL_PASSWORD);
    openai = new OpenAI({ apiKey: API_PASSWORD, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await google?.close();
    await dropDb?.();
  });

  it('imports both credential formats and a zip, completing project and email', async () => {
    const [alice, bob, carol] = accounts as [FakeAccount, FakeAccount, FakeAccount];
    const zip = zipSync({
      'carol.json': strToU8(gcli2apiFile({ ...carol, accessToken: undefined }, { expired: true })),
      '__MACOSX/._carol.json': strToU8('junk'),
      'broken.json': strToU8('{"client_id": "x"}'),
    });
    const upload = await admin.upload([
      { name: 'alice.json', content: gcli2apiFile(alice) },
      { name: 'oauth_creds.json', content: geminiCliFile(bob, { expired: true }) },
      { name: 'bundle.zip', content: zip },
    ]);
    expect(upload.status).toBe(200);
    const byName = Object.fromEntries(upload.body.results.map((r: any) => [r.filename, r]));
    expect(byName['alice.json'].status).toBe('success');
    expect(byName['oauth_creds.json'].status).toBe('success');
    expect(byName['carol.json'].status).toBe('success');
    expect(byName['broken.json']).toMatchObject({ status: 'error', message: 'missing refresh_token' });
    expect(upload.body.uploaded_count).toBe(3);

    const status = await admin.status();
    expect(status.total).toBe(3);
    const bobRow = await admin.credentialByEmail('bob@example.com');
    // format B has no project: discovery onboarded the account to the free tier
    expect(bobRow).toMatchObject({ project_id: bob.project, tier: 'free-tier', disabled: false });
    expect(bob.project).toMatch(/^managed-/);
    expect((await admin.credentialByEmail('alice@example.com')).project_id).toBe(alice.project);
    // secrets never appear in the status listing
    expect(JSON.stringify(status)).not.toContain(alice.refreshToken);
    expect(google.callsTo('onboardUser', 'bob@example.com')).toHaveLength(1);

    // the same account uploaded again is recognised, not duplicated
    const again = await admin.upload([{ name: 'alice-again.json', content: gcli2apiFile(alice) }]);
    expect(again.body.results[0].status).toBe('updated');
    expect((await admin.status()).total).toBe(3);
  });

  it('answers a chat completion through the openai SDK', async () => {
    const completion = await openai.chat.completions.create({
      model: 'gemini-2.5-pro',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hi' },
      ],
      temperature: 0,
      max_tokens: 50,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gemini-2.5-pro');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.choices[0]!.message.content).toMatch(/^Hello from \S+@example\.com \(gemini-2\.5-pro\): Say hi/);
    expect(completion.usage!.total_tokens).toBeGreaterThan(0);

    const sent = google.callsTo('generateContent').at(-1)!.body as any;
    expect(sent.model).toBe('gemini-2.5-pro');
    expect(sent.request.systemInstruction.parts).toEqual([{ text: 'Be brief.' }]);
    // client values forwarded exactly, nothing added
    expect(sent.request.generationConfig).toEqual({ temperature: 0, maxOutputTokens: 50 });
  });

  it('streams a chat completion that the SDK parses, ending with usage', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'Stream please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    const ids = new Set<string>();
    for await (const chunk of stream) {
      ids.add(chunk.id);
      for (const choice of chunk.choices) {
        text += choice.delta.content ?? '';
        if (choice.finish_reason) finish = choice.finish_reason;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toMatch(/^Hello from \S+ \(gemini-2\.5-flash\): Stream please$/);
    expect(finish).toBe('stop');
    expect(usage?.total_tokens).toBeGreaterThan(0);
    expect(ids.size).toBe(1);
    const call = google.callsTo('streamGenerateContent').at(-1)!;
    expect(call.query.alt).toBe('sse');
  });

  it('runs a tool round trip (tool call turn with null content survives)', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    ];
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'call get_weather {"city":"Paris"}' }];
    const first = await openai.chat.completions.create({ model: 'gemini-2.5-pro', messages, tools, tool_choice: 'auto' });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    if (call.type !== 'function') throw new Error('unexpected tool call type');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });

    messages.push({ role: 'assistant', content: null, tool_calls: choice.message.tool_calls });
    messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify({ temp: 21 }) });
    const second = await openai.chat.completions.create({ model: 'gemini-2.5-pro', messages, tools });
    expect(second.choices[0]!.message.content).toContain('Tool said: {"temp":21}');
    const sent = google.callsTo('generateContent').at(-1)!.body as any;
    const modelTurn = sent.request.contents[1];
    expect(modelTurn.role).toBe('model');
    expect(modelTurn.parts[0].functionCall).toMatchObject({ name: 'get_weather', args: { city: 'Paris' } });
    expect(modelTurn.parts[0].thoughtSignature).toBeTruthy();
    expect(sent.request.contents[2].parts[0].functionResponse).toMatchObject({ name: 'get_weather', response: { temp: 21 } });
  });

  it('returns thoughts as reasoning_content and images as message.images', async () => {
    const reasoning = await openai.chat.completions.create({
      model: 'gemini-2.5-pro',
      messages: [{ role: 'user', content: 'Think first' }],
      reasoning_effort: 'high',
    });
    const message = reasoning.choices[0]!.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
    expect(message.reasoning_content).toBe('Thinking about it');
    expect(reasoning.usage?.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
    const sent = google.callsTo('generateContent').at(-1)!.body as any;
    expect(sent.request.generationConfig.thinkingConfig).toMatchObject({ includeThoughts: true });

    const image = await openai.chat.completions.create({ model: 'gemini-2.5-flash-image', messages: [{ role: 'user', content: 'Draw' }] });
    const images = (image.choices[0]!.message as unknown as { images?: Array<{ image_url: { url: string } }> }).images;
    expect(images?.[0]?.image_url.url).toMatch(/^data:image\/png;base64,iVBOR/);

    const stream = await openai.chat.completions.create({
      model: 'gemini-2.5-flash-image',
      messages: [{ role: 'user', content: 'Draw' }],
      stream: true,
    });
    let streamedImage = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { images?: Array<{ image_url: { url: string } }> } | undefined;
      if (delta?.images?.[0]) streamedImage = delta.images[0].image_url.url;
    }
    expect(streamedImage).toMatch(/^data:image\/png;base64,/);
  });

  it('serves a Gemini-format body posted to /v1/chat/completions, answering in the OpenAI shape', async () => {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_PASSWORD}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', contents: [{ role: 'user', parts: [{ text: 'gemini body' }] }], generationConfig: { temperature: 0.3 } }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0].message.content).toContain('gemini body');
    expect((google.callsTo('generateContent').at(-1)!.body as any).request.generationConfig).toEqual({ temperature: 0.3 });
  });

  it('reports errors in the OpenAI shape with a request id', async () => {
    const bad = await openai.chat.completions
      .create({ model: 'gemini-2.5-pro', messages: 'nope' as never })
      .then(() => null, (e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect((bad as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ type: 'invalid_request_error' });

    const wrongKey = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const denied = await wrongKey.chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'x' }] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);

    const raw = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_PASSWORD}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await raw.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('JSON') } });

    // an upstream 400 about the request passes through with its message, without rotating
    google.script('*', 'generateContent', [{ status: 400, body: { error: { code: 400, message: 'Invalid value at contents', status: 'INVALID_ARGUMENT' } } }]);
    const before = google.callsTo('generateContent').length;
    const rejected = await openai.chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'x' }] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(rejected).toBeInstanceOf(OpenAI.BadRequestError);
    expect((rejected as Error).message).toContain('Invalid value at contents');
    expect(google.callsTo('generateContent').length - before).toBe(1);
  });

  it('rotates across the three accounts', async () => {
    google.reset();
    for (let i = 0; i < 6; i++) {
      await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: `r${i}` }] });
    }
    const served = google.callsTo('generateContent').map((c) => c.account);
    expect(new Set(served)).toEqual(new Set(['alice@example.com', 'bob@example.com', 'carol@example.com']));
    // CALLS_PER_ROTATION=1: never the same account twice in a row
    for (let i = 1; i < served.length; i++) expect(served[i]).not.toBe(served[i - 1]);
  });

  it('moves off an account on 429 and shows its cooldown in /creds/status', async () => {
    google.reset();
    const reset = new Date(Date.now() + 3_600_000).toISOString();
    google.script('alice@example.com', 'generateContent', [{ status: 429, body: quotaExhausted429(reset, 'gemini-2.5-pro') }]);
    google.script('bob@example.com', 'generateContent', [{ status: 429, body: quotaExhausted429(reset, 'gemini-2.5-pro') }]);
    // three requests: whatever the rotation's starting point, alice and bob are each tried once
    for (let i = 0; i < 3; i++) {
      const completion = await openai.chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'failover' }] });
      expect(completion.choices[0]!.message.content).toContain('carol@example.com');
    }
    expect(google.callsTo('generateContent', 'alice@example.com')).toHaveLength(1);
    expect(google.callsTo('generateContent', 'bob@example.com')).toHaveLength(1);
    expect((await admin.credentialByEmail('bob@example.com')).cooldown_status).toBe('cooling');
    const alice = await admin.credentialByEmail('alice@example.com');
    expect(alice.cooldown_status).toBe('cooling');
    expect(alice.model_cooldowns['gemini-2.5-pro'].until).toBe(Math.floor(Date.parse(reset) / 1000));
    expect(alice.model_cooldowns['gemini-2.5-flash']).toBeUndefined();
    expect(alice.error_codes).toContain(429);

    // later requests for that model skip the cooling accounts without calling them
    google.reset();
    await openai.chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'again' }] });
    expect(google.callsTo('generateContent').map((c) => c.account)).toEqual(['carol@example.com']);

    // every account cooling: 429 with Retry-After and a message that says so
    google.script('carol@example.com', 'generateContent', [{ status: 429, body: rateLimit429('30s', 'gemini-2.5-pro') }]);
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_PASSWORD}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = await res.json();
    expect(body.error.message).toMatch(/cooling down for gemini-2\.5-pro/);

    // the admin clears the cooldowns; the pool serves the model again
    for (const email of ['alice@example.com', 'bob@example.com', 'carol@example.com']) {
      const row = await admin.credentialByEmail(email);
      expect((await admin.json('POST', '/creds/action', { filename: row.filename, action: 'clear_cooldown' })).status).toBe(200);
    }
    const ok = await openai.chat.completions.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'cleared' }] });
    expect(ok.choices[0]!.message.content).toContain('cleared');
  });

  it('auto-bans a credential on a configured status code and serves from another', async () => {
    google.reset();
    const saved = await admin.json('POST', '/config/save', { config: { auto_ban_enabled: true, auto_ban_error_codes: [403] } });
    expect(saved.status).toBe(200);
    expect(saved.body.hot_updated).toEqual(expect.arrayContaining(['auto_ban_enabled', 'auto_ban_error_codes']));
    google.script('bob@example.com', 'generateContent', [{ status: 403, body: forbidden403('tos') }]);
    // enough calls that bob's turn comes up
    for (let i = 0; i < 3; i++) {
      const c = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: `ban${i}` }] });
      expect(c.choices[0]!.message.content).not.toContain('bob@example.com');
    }
    const bob = await admin.credentialByEmail('bob@example.com');
    expect(bob.disabled).toBe(true);
    expect(bob.disabled_reason).toMatch(/auto-ban: upstream answered 403/);
    expect(bob.last_error).toMatchObject({ code: 403 });

    await admin.json('POST', '/config/save', { config: { auto_ban_enabled: false } });
    const enabled = await admin.json('POST', '/creds/batch-action', { action: 'enable', filenames: [bob.filename] });
    expect(enabled.body.success_count).toBe(1);
    google.reset();
    for (let i = 0; i < 3; i++) await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: `back${i}` }] });
    expect(google.callsTo('generateContent').map((c) => c.account)).toContain('bob@example.com');
  });

  it('refreshes an expired access token and keeps serving', async () => {
    google.reset();
    for (const a of accounts) google.expireTokens(a.email);
    for (let i = 0; i < 3; i++) {
      const c = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: `refresh${i}` }] });
      expect(c.choices[0]!.message.content).toContain(`refresh${i}`);
    }
    const refreshes = google.callsTo('token');
    expect(refreshes.length).toBeGreaterThanOrEqual(3);
    expect((refreshes[0]!.body as Record<string, string>).grant_type).toBe('refresh_token');
  });

  it('serves the Gemini API to @google/genai (generate, stream, countTokens, models)', async () => {
    const genai = new GoogleGenAI({ apiKey: API_PASSWORD, httpOptions: { baseUrl: gateway.url } });
    const response = await genai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Hi from genai',
      config: { temperature: 0.2, systemInstruction: 'Be kind.' },
    });
    expect(response.text).toMatch(/Hello from \S+ \(gemini-2\.5-flash\): Hi from genai/);
    expect(response.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
    const sent = google.callsTo('generateContent').at(-1)!.body as any;
    expect(sent.request.generationConfig).toMatchObject({ temperature: 0.2 });
    expect(sent.request.systemInstruction.parts[0].text).toBe('Be kind.');

    let streamed = '';
    for await (const chunk of await genai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'stream me' })) {
      streamed += chunk.text ?? '';
    }
    expect(streamed).toMatch(/stream me$/);

    const counted = await genai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'count these tokens please' });
    expect(counted.totalTokens).toBeGreaterThan(0);
    expect(google.callsTo('countTokens').at(-1)!.body).toMatchObject({ request: { model: 'models/gemini-2.5-flash' } });

    const models = await fetch(`${gateway.url}/v1beta/models?key=${API_PASSWORD}`).then((r) => r.json());
    expect(models.models.map((m: any) => m.name)).toContain('models/gemini-2.5-pro');

    const wrong = await genai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(wrong).toBeNull();
    const denied = await fetch(`${gateway.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': 'wrong', 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [] }),
    });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
  });

  it('reports 503 with the reason when the pool has nothing usable', async () => {
    const status = await admin.status();
    await admin.json('POST', '/creds/batch-action', { action: 'disable', filenames: status.items.map((i: any) => i.filename) });
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_PASSWORD}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toMatch(/no enabled credentials/);
    await admin.json('POST', '/creds/batch-action', { action: 'enable', filenames: status.items.map((i: any) => i.filename) });
    // re-enabled credentials serve the next request, no restart
    const ok = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'back' }] });
    expect(ok.choices[0]!.message.content).toContain('back');
  });

  // several processes need the shared deployment (the embedded database belongs to one process)
  if (mode === 'postgres+redis')
  it('shares ban windows with a second gateway process', async () => {
    const second = await startGatewayProcess({ name: 'core-second', env });
    try {
      google.reset();
      const reset = new Date(Date.now() + 1_800_000).toISOString();
      google.script('carol@example.com', 'generateContent', [{ status: 429, body: quotaExhausted429(reset, 'gemini-2.5-flash') }]);
      for (let i = 0; i < 3; i++) await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: `p1-${i}` }] });
      const secondAdmin = new AdminClient(second.url, PANEL_PASSWORD);
      const carol = await secondAdmin.credentialByEmail('carol@example.com');
      expect(carol.model_cooldowns['gemini-2.5-flash']?.until).toBe(Math.floor(Date.parse(reset) / 1000));
      google.reset();
      const secondClient = new OpenAI({ apiKey: API_PASSWORD, baseURL: `${second.url}/v1`, maxRetries: 0 });
      for (let i = 0; i < 4; i++) await secondClient.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: `p2-${i}` }] });
      expect(google.callsTo('generateContent').map((c) => c.account)).not.toContain('carol@example.com');
    } finally {
      await second.stop();
    }
  });

  it('never writes a password or token into its log', () => {
    expectNoSecretsInLogs([gateway], [API_PASSWORD, PANEL_PASSWORD, ...accounts.flatMap((a) => [a.refreshToken, a.accessToken])]);
  });
});

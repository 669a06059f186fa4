import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleError, startFakeGoogle, TINY_PNG_BASE64, type FakeGoogle } from '../fakes/fake-google.js';
import { quotaExceeded429, startFakeAiStudio, type FakeAiStudio } from '../fakes/fake-ai-studio.js';
import { AdminClient, gcli2apiFile } from '../support/admin-client.js';
import { testModes, type GatewayMode } from '../support/env.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { modeEnv } from '../support/mode-env.js';
import { registerSecrets } from '../support/secrets.js';

const API_PASSWORD = 'e2e-upstreams-api-8d8d';
const PANEL_PASSWORD = 'e2e-upstreams-panel-9e9e';
const KEY_A = 'AIzaFakeStudioKeyAAAAAAAAAAAAAAAAAAAAAA1';
const KEY_B = 'AIzaFakeStudioKeyBBBBBBBBBBBBBBBBBBBBBB2';

/** More upstreams behind one /v1: AI Studio keys next to the Gemini CLI pool, with routing and failover. */
describe.each(testModes())('upstream providers (%s)', (mode: GatewayMode) => {
  let google: FakeGoogle;
  let studio: FakeAiStudio;
  let gateway: GatewayProcess;
  let admin: AdminClient;
  let openai: OpenAI;
  let dropDb: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    google = await startFakeGoogle();
    studio = await startFakeAiStudio();
    studio.addKey(KEY_A, { label: 'studio-a' });
    studio.addKey(KEY_B, { label: 'studio-b' });
    registerSecrets([KEY_A, KEY_B]);
    const account = google.addAccount({ email: 'pool@example.com' });
    const env: Record<string, string> = {
      ...google.env,
      AI_STUDIO_BASE_URL: studio.url,
      API_PASSWORD,
      PANEL_PASSWORD,
      CALLS_PER_ROTATION: '1',
      GCLI_CREDS_1: gcli2apiFile(account),
    };
    const storage = await modeEnv(mode, 'upstreams');
    dropDb = storage.drop;
    Object.assign(env, storage.env);
    gateway = await startGatewayProcess({ name: `upstreams-${mode}`, env });
    admin = new AdminClient(gateway.url, PANEL_PASSWORD);
    openai = new OpenAI({ apiKey: API_PASSWORD, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([google?.close(), studio?.close()]);
    await dropDb?.();
  });

  it('adds AI Studio keys through the admin API, sealed, listed and downloadable like any credential', async () => {
    const added = await admin.json('POST', '/creds/add', { kind: 'ai-studio', api_key: KEY_A, label: 'studio A' });
    expect(added.status).toBe(200);
    expect(added.body.status).toBe('success');
    expect((await admin.json('POST', '/creds/add', { kind: 'ai-studio', api_key: KEY_A })).body.status).toBe('updated');
    expect((await admin.json('POST', '/creds/add', { kind: 'nope', api_key: KEY_A })).status).toBe(400);
    const upload = await admin.upload([{ name: 'studio-b.json', content: JSON.stringify({ type: 'ai-studio', api_key: KEY_B, label: 'studio B' }) }]);
    expect(upload.body.results[0].status).toBe('success');
    const status = await admin.status();
    expect(status.items.map((i: any) => i.backend_type).sort()).toEqual(['ai-studio', 'ai-studio', 'gemini-cli']);
    expect(JSON.stringify(status)).not.toContain(KEY_A);
    const studioA = status.items.find((i: any) => i.user_email === 'studio A');
    const file = await admin.json('GET', `/creds/download/${studioA.filename}`);
    expect(file.body).toMatchObject({ type: 'ai-studio', api_key: KEY_A, label: 'studio A' });
    // the admin test lists the key's models (no generation spent)
    const tested = await admin.json('POST', `/creds/test/${studioA.filename}`);
    expect(tested.body).toMatchObject({ success: true, status: 200 });
    expect(tested.body.models).toContain('gemini-2.5-flash-image');
    expect(studio.callsTo('listModels', 'studio-a').at(-1)?.headers['x-goog-api-key']).toBe(KEY_A);
  });

  it('routes image models to AI Studio and renders the image in every protocol', async () => {
    const image = await openai.images.generate({ model: 'gemini-2.5-flash-image', prompt: 'a red cube', size: '1024x1024' });
    expect(image.data?.[0]?.b64_json).toBe(TINY_PNG_BASE64);
    const call = studio.callsTo('generateContent').at(-1)!;
    expect(call.path).toBe('/v1beta/models/gemini-2.5-flash-image:generateContent');
    expect((call.body as any).generationConfig.imageConfig).toEqual({ aspectRatio: '1:1', imageSize: '1K' });
    expect(google.callsTo('generateContent')).toHaveLength(0);

    const chat = await openai.chat.completions.create({ model: 'gemini-2.5-flash-image', messages: [{ role: 'user', content: 'draw' }] });
    expect((chat.choices[0]!.message as unknown as { images: Array<{ image_url: { url: string } }> }).images[0]!.image_url.url).toMatch(/^data:image\/png;base64,/);

    const genai = new GoogleGenAI({ apiKey: API_PASSWORD, httpOptions: { baseUrl: gateway.url } });
    const native = await genai.models.generateContent({ model: 'gemini-2.5-flash-image', contents: 'draw natively' });
    expect(native.candidates?.[0]?.content?.parts?.find((p) => p.inlineData)?.inlineData?.data).toBe(TINY_PNG_BASE64);

    const anthropic = new Anthropic({ apiKey: API_PASSWORD, baseURL: gateway.url, maxRetries: 0 });
    const claude = await anthropic.messages.create({ model: 'gemini-2.5-flash-image', max_tokens: 64, messages: [{ role: 'user', content: 'draw' }] });
    expect(claude.content.find((b) => b.type === 'image')).toMatchObject({ source: { data: TINY_PNG_BASE64 } });

    const models = await openai.models.list();
    expect(models.data.find((m) => m.id === 'gemini-2.5-flash-image')?.owned_by).toBe('google-ai-studio');
    expect(models.data.find((m) => m.id === 'gemini-2.5-pro')?.owned_by).toBe('google');
  });

  it('serves a model offered by both providers from the Gemini CLI pool first, and fails over to AI Studio', async () => {
    studio.reset();
    const first = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'who serves' }] });
    expect(first.choices[0]!.message.content).toContain('pool@example.com');
    expect(studio.callsTo('generateContent')).toHaveLength(0);

    google.script('*', 'generateContent', Array.from({ length: 8 }, () => ({ status: 500, body: googleError(500, 'INTERNAL', 'down') })));
    const failover = await openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'failover please' }] });
    expect(failover.choices[0]!.message.content).toMatch(/studio-[ab]/);
    expect(studio.callsTo('generateContent')).toHaveLength(1);
    google.reset();
  });

  it('gives AI Studio keys the same ban windows: a 429 moves to the other key', async () => {
    studio.reset();
    studio.script('studio-a', 'generateContent', [{ status: 429, body: quotaExceeded429({ model: 'gemini-2.5-flash-image', retryDelaySeconds: 600 }) }]);
    studio.script('studio-b', 'generateContent', [{ status: 429, body: quotaExceeded429({ model: 'gemini-2.5-flash-image', retryDelaySeconds: 600 }) }]);
    // whichever key comes first answers 429; the other one then serves, or both are cooling
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_PASSWORD}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash-image', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect([200, 429]).toContain(res.status);
    const cooling = (await admin.status()).items.filter((i: any) => i.backend_type === 'ai-studio' && i.model_cooldowns['gemini-2.5-flash-image']);
    expect(cooling.length).toBeGreaterThanOrEqual(1);
    expect(cooling[0].error_codes).toContain(429);
    // both cooling now or soon: the image model is refused with Retry-After rather than hammering
    const again = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_PASSWORD}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash-image', messages: [{ role: 'user', content: 'x' }] }),
    });
    if (again.status === 429) expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    else expect(again.status).toBe(200);
  });
});

import { inflateSync } from 'node:zlib';
import { ApiError, GoogleGenAI, Modality, Type, type Tool } from '@google/genai';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  apiKeyInvalid400,
  type FakeAiStudio,
  type FakeAiStudioOptions,
  geminiTextChunks,
  modelNotFound404,
  quotaExceeded429,
  startFakeAiStudio,
} from './fake-ai-studio.js';
import { parseSse, readAll } from './fake-http.js';

async function start(opts?: FakeAiStudioOptions): Promise<FakeAiStudio> {
  const fake = await startFakeAiStudio(opts);
  onTestFinished(() => fake.close());
  return fake;
}

/** The official SDK pointed at the fake: its parsers are the conformance oracle. */
function sdk(fake: FakeAiStudio, apiKey: string): GoogleGenAI {
  return new GoogleGenAI({ apiKey, vertexai: false, httpOptions: { baseUrl: fake.url } });
}

const WEATHER_TOOLS: Tool[] = [
  {
    functionDeclarations: [
      { name: 'get_weather', description: 'Weather for a city', parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } } } },
    ],
  },
];

function post(fake: FakeAiStudio, path: string, key: string | undefined, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== undefined) headers['x-goog-api-key'] = key;
  return fetch(`${fake.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
}

describe('fake AI Studio through @google/genai', () => {
  it('answers generateContent with the key label, model and last user text; records the key header', async () => {
    const fake = await start();
    fake.addKey('AIzaSy-fake-key-one', { label: 'studio-a' });
    const res = await sdk(fake, 'AIzaSy-fake-key-one').models.generateContent({ model: 'gemini-2.5-flash', contents: 'hello there' });
    expect(res.text).toBe('Hello from studio-a (gemini-2.5-flash): hello there');
    expect(res.candidates![0]!.finishReason).toBe('STOP');
    expect(res.usageMetadata!.totalTokenCount).toBe(res.usageMetadata!.promptTokenCount! + res.usageMetadata!.candidatesTokenCount!);
    expect(res.modelVersion).toBe('gemini-2.5-flash');
    const [call] = fake.callsTo('generateContent', 'studio-a');
    expect(call).toMatchObject({
      method: 'POST',
      path: '/v1/models/gemini-2.5-flash:generateContent', // @google/genai 3.x defaults to v1
      credential: 'studio-a',
      status: 200,
      headers: { 'x-goog-api-key': 'AIzaSy-fake-key-one' },
      body: { contents: [{ role: 'user', parts: [{ text: 'hello there' }] }] },
    });
    expect(fake.callsTo('generateContent', 'AIzaSy-fake-key-one')).toHaveLength(1); // raw key resolves to the label

    const beta = new GoogleGenAI({ apiKey: 'AIzaSy-fake-key-one', vertexai: false, httpOptions: { baseUrl: fake.url, apiVersion: 'v1beta' } });
    expect((await beta.models.generateContent({ model: 'gemini-2.5-flash', contents: 'beta' })).text).toContain('beta');
    expect(fake.calls.at(-1)!.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
  });

  it('streams with alt=sse: 3 chunks, running usage on every chunk, STOP on the last', async () => {
    const fake = await start();
    fake.addKey('k1');
    const stream = await sdk(fake, 'k1').models.generateContentStream({ model: 'gemini-2.5-pro', contents: 'stream me' });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(3);
    expect(chunks.map((c) => c.text).join('')).toBe('Hello from key-1 (gemini-2.5-pro): stream me');
    expect(chunks.every((c) => c.usageMetadata?.promptTokenCount !== undefined)).toBe(true);
    expect(chunks.at(-1)!.candidates![0]!.finishReason).toBe('STOP');
    expect(chunks.slice(0, 2).every((c) => !c.candidates![0]!.finishReason)).toBe(true);
    expect(fake.callsTo('streamGenerateContent')[0]!.query).toStrictEqual({ alt: 'sse' });
  });

  it('frames SSE as data: lines without [DONE], and streams a JSON array without alt=sse', async () => {
    const fake = await start();
    fake.addKey('k1');
    const body = { contents: [{ role: 'user', parts: [{ text: 'x' }] }] };
    const sse = await post(fake, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', 'k1', body);
    expect(sse.headers.get('content-type')).toBe('text/event-stream');
    const text = await sse.text();
    expect(text).not.toContain('[DONE]');
    expect(parseSse(text)).toHaveLength(3);
    const array = await post(fake, '/v1beta/models/gemini-2.5-flash:streamGenerateContent', 'k1', body);
    expect(((await array.json()) as unknown[]).length).toBe(3);
  });

  it('runs a tool loop: "call <tool>" gives a signed functionCall, a functionResponse gives "Tool said"', async () => {
    const fake = await start();
    fake.addKey('k1');
    const ai = sdk(fake, 'k1');
    const first = await ai.models.generateContent({
      model: 'gemini-3-pro-preview',
      contents: 'please call get_weather {"city":"Paris"}',
      config: { tools: WEATHER_TOOLS },
    });
    expect(first.functionCalls).toStrictEqual([{ name: 'get_weather', args: { city: 'Paris' } }]);
    const callPart = first.candidates![0]!.content!.parts![0]!;
    expect(callPart.thoughtSignature).toEqual(expect.any(String));

    const history = [
      { role: 'user', parts: [{ text: 'please call get_weather {"city":"Paris"}' }] },
      { role: 'model', parts: [callPart] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 21 } } }] },
    ];
    const second = await ai.models.generateContent({ model: 'gemini-3-pro-preview', contents: history, config: { tools: WEATHER_TOOLS } });
    expect(second.text).toBe('Tool said: {"temp":21}');

    // Gemini 3 refuses a replayed functionCall without its signature.
    history[1] = { role: 'model', parts: [{ functionCall: callPart.functionCall }] };
    await expect(ai.models.generateContent({ model: 'gemini-3-pro-preview', contents: history, config: { tools: WEATHER_TOOLS } })).rejects.toSatisfy(
      (e: unknown) => e instanceof ApiError && e.status === 400 && e.message.includes('thought_signature'),
    );
  });

  it('returns thoughts, a signature and thoughtsTokenCount when includeThoughts is set', async () => {
    const fake = await start();
    fake.addKey('k1');
    const res = await sdk(fake, 'k1').models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'think',
      config: { thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } },
    });
    const parts = res.candidates![0]!.content!.parts!;
    expect(parts[0]).toStrictEqual({ text: 'Thinking about it', thought: true });
    expect(parts[1]!.thoughtSignature).toEqual(expect.any(String));
    expect(res.usageMetadata!.thoughtsTokenCount).toBeGreaterThan(0);
  });

  it('generates a real PNG for image models and names the imageConfig it received', async () => {
    const fake = await start();
    fake.addKey('k1');
    const ai = sdk(fake, 'k1');
    const res = await ai.models.generateContent({
      model: 'gemini-3-pro-image-preview',
      contents: 'draw a cat',
      config: { responseModalities: [Modality.TEXT, Modality.IMAGE], imageConfig: { aspectRatio: '16:9', imageSize: '2K' } },
    });
    const imageParts = res.candidates![0]!.content!.parts!;
    expect(imageParts[0]!.text).toBe('Hello from key-1 (gemini-3-pro-image-preview): draw a cat [aspectRatio=16:9 imageSize=2K]');
    const image = imageParts.find((p) => p.inlineData)!.inlineData!;
    expect(image.mimeType).toBe('image/png');
    const png = Buffer.from(image.data!, 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(inflateSync(png.subarray(41, 41 + png.readUInt32BE(33)))).toHaveLength(5);
    expect(res.usageMetadata!.candidatesTokensDetails).toContainEqual({ modality: 'IMAGE', tokenCount: 1290 });
    expect(fake.callsTo('generateContent')[0]!.body).toMatchObject({
      generationConfig: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '16:9', imageSize: '2K' } },
    });

    const imageOnly = await ai.models.generateContent({
      model: 'gemini-3.1-flash-image-preview',
      contents: 'draw',
      config: { responseModalities: [Modality.IMAGE] },
    });
    expect(imageOnly.candidates![0]!.content!.parts).toHaveLength(1);
    expect(imageOnly.data).toBeDefined();
  });

  it('lists models (paged) and gets one; countTokens counts ceil(chars/4)', async () => {
    const fake = await start();
    fake.addKey('k1');
    const ai = sdk(fake, 'k1');
    const names: string[] = [];
    const pager = await ai.models.list({ config: { pageSize: 3 } });
    for await (const model of pager) names.push(model.name!);
    expect(names).toContain('models/gemini-2.5-flash-image');
    expect(names).toContain('models/gemini-3.1-flash-image-preview');
    expect(fake.callsTo('listModels').length).toBeGreaterThan(1);
    const model = await ai.models.get({ model: 'gemini-2.5-pro' });
    expect(model).toMatchObject({ name: 'models/gemini-2.5-pro', supportedActions: expect.arrayContaining(['generateContent']) });
    const count = await ai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'abcdefghi' });
    expect(count.totalTokens).toBe(3);
  });

  it('answers Google errors: invalid/revoked key 400, no key 403, unknown model and per-key allow-list 404', async () => {
    const fake = await start();
    fake.addKey('good');
    fake.addKey('narrow', { models: ['gemini-2.5-flash'] });
    const body = { contents: [{ parts: [{ text: 'x' }] }] };

    const bad = await post(fake, '/v1beta/models/gemini-2.5-flash:generateContent', 'nope', body);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toStrictEqual(apiKeyInvalid400());
    expect((await post(fake, '/v1beta/models/gemini-2.5-flash:generateContent', undefined, body)).status).toBe(403);
    const missing = await post(fake, '/v1beta/models/gemini-9-ultra:generateContent', 'good', body);
    expect(await missing.json()).toStrictEqual(modelNotFound404('gemini-9-ultra'));
    expect((await post(fake, '/v1beta/models/gemini-2.5-pro:generateContent', 'narrow', body)).status).toBe(404);
    expect((await post(fake, '/v1beta/models/gemini-2.5-flash:generateContent', 'narrow', body)).status).toBe(200);
    fake.revokeKey('good');
    await expect(sdk(fake, 'good').models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' })).rejects.toSatisfy(
      (e: unknown) => e instanceof ApiError && e.status === 400 && e.message.includes('API_KEY_INVALID'),
    );
    const empty = await post(fake, '/v1beta/models/gemini-2.5-flash:generateContent', 'narrow', { contents: [] });
    expect(empty.status).toBe(400);
  });
});

describe('scripts', () => {
  it('serves a scripted 429 with RetryInfo to one key, then defaults resume; the SDK surfaces it as ApiError', async () => {
    const fake = await start();
    fake.addKey('k1', { label: 'first' });
    fake.addKey('k2', { label: 'second' });
    fake.script('first', 'generateContent', [{ status: 429, body: quotaExceeded429({ model: 'gemini-2.5-flash', retryDelaySeconds: 58 }) }]);
    const err = await sdk(fake, 'k1').models.generateContent({ model: 'gemini-2.5-flash', contents: 'a' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(429);
    const raw = JSON.parse((err as ApiError).message.slice((err as ApiError).message.indexOf('{'))) as {
      error: { details: Array<Record<string, unknown>> };
    };
    expect(raw.error.details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '58s' });
    expect((await sdk(fake, 'k2').models.generateContent({ model: 'gemini-2.5-flash', contents: 'b' })).text).toContain('second');
    expect((await sdk(fake, 'k1').models.generateContent({ model: 'gemini-2.5-flash', contents: 'c' })).text).toContain('first');
    expect(fake.callsTo('generateContent').map((c) => [c.credential, c.status])).toStrictEqual([
      ['first', 429],
      ['second', 200],
      ['first', 200],
    ]);
  });

  it('scripted SSE: cutAfter drops the connection mid-stream, hangAfter keeps it open', async () => {
    const fake = await start();
    fake.addKey('k1');
    fake.script('*', 'streamGenerateContent', [
      { sse: geminiTextChunks('one two three four', { chunks: 4 }), cutAfter: 2 },
      { sse: geminiTextChunks('abc def', { chunks: 2 }), hangAfter: 1 },
    ]);
    const body = { contents: [{ role: 'user', parts: [{ text: 'x' }] }] };
    const cut = await post(fake, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', 'k1', body);
    const { text, error } = await readAll(cut);
    expect(error).toBeInstanceOf(Error);
    expect(parseSse(text)).toHaveLength(2);

    const controller = new AbortController();
    const hung = await fetch(`${fake.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k1' },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    const reader = hung.body!.getReader();
    expect(parseSse(new TextDecoder().decode((await reader.read()).value))).toHaveLength(1);
    const next = reader.read();
    expect(await Promise.race([next.then(() => 'data'), new Promise((r) => setTimeout(() => r('silent'), 150))])).toBe('silent');
    controller.abort();
    await expect(next).rejects.toThrow();
  });
});

import OpenAI, { APIError, RateLimitError } from 'openai';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseSse, readAll } from './fake-http.js';
import {
  chatTextChunks,
  type FakeOpenAICompatible,
  type FakeOpenAICompatibleOptions,
  insufficientQuota429,
  rateLimited429,
  startFakeOpenAICompatible,
} from './fake-openai-compatible.js';

async function start(opts?: FakeOpenAICompatibleOptions): Promise<FakeOpenAICompatible> {
  const fake = await startFakeOpenAICompatible(opts);
  onTestFinished(() => fake.close());
  return fake;
}

/** The official SDK pointed at the fake (no retries, so scripted errors surface once). */
function sdk(fake: FakeOpenAICompatible, apiKey: string, defaultHeaders?: Record<string, string>): OpenAI {
  return new OpenAI({ apiKey, baseURL: fake.baseUrl, maxRetries: 0, defaultHeaders });
}

const WEATHER_TOOL = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

describe('fake OpenAI-compatible provider through the openai SDK', () => {
  it('answers chat.completions with the key label, model and last user text, usage included', async () => {
    const fake = await start();
    fake.addKey('sk-or-fake-1', { label: 'router-a' });
    const res = await sdk(fake, 'sk-or-fake-1').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello' },
      ],
    });
    expect(res.object).toBe('chat.completion');
    expect(res.choices[0]!.message.content).toBe('Hello from router-a (gpt-4o-mini): hello');
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.usage!.total_tokens).toBe(res.usage!.prompt_tokens + res.usage!.completion_tokens);
    expect(fake.callsTo('chatCompletions', 'router-a')[0]).toMatchObject({
      path: '/v1/chat/completions',
      status: 200,
      headers: { authorization: 'Bearer sk-or-fake-1' },
    });
  });

  it('streams chunks then [DONE]; include_usage adds a final choices:[] chunk; the stream helper accumulates', async () => {
    const fake = await start();
    fake.addKey('k1');
    const client = sdk(fake, 'k1');
    const stream = await client.chat.completions.create({
      model: 'qwen-plus',
      messages: [{ role: 'user', content: 'stream me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('Hello from key-1 (qwen-plus): stream me');
    expect(chunks.at(-1)!.choices).toStrictEqual([]);
    expect(chunks.at(-1)!.usage!.completion_tokens).toBeGreaterThan(0);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');

    const helper = client.chat.completions.stream({ model: 'qwen-plus', messages: [{ role: 'user', content: 'again' }] });
    const final = await helper.finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe('Hello from key-1 (qwen-plus): again');

    const raw = await fetch(`${fake.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k1', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'qwen-plus', messages: [{ role: 'user', content: 'x' }], stream: true }),
    });
    const events = parseSse(await raw.text());
    expect(events.at(-1)!.data).toBe('[DONE]');
    expect(events.slice(0, -1).every((e) => !('usage' in (JSON.parse(e.data) as object)))).toBe(true);
  });

  it('returns tool_calls for "call <tool>" (streamed arguments accumulate), then "Tool said" for tool messages', async () => {
    const fake = await start();
    fake.addKey('k1');
    const client = sdk(fake, 'k1');
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'call get_weather {"city":"Paris"}' }];
    const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: [WEATHER_TOOL] });
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type === 'function' && call.function).toStrictEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' });

    const streamed = await client.chat.completions.stream({ model: 'gpt-4o-mini', messages, tools: [WEATHER_TOOL] }).finalChatCompletion();
    const streamedCall = streamed.choices[0]!.message.tool_calls![0]!;
    expect(streamedCall.type === 'function' && JSON.parse(streamedCall.function.arguments)).toStrictEqual({ city: 'Paris' });

    messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: '{"temp":21}' });
    const second = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: [WEATHER_TOOL] });
    expect(second.choices[0]!.message.content).toBe('Tool said: {"temp":21}');
  });

  it('adds reasoning_content (or reasoning) when asked, and OpenRouter-style images for image models', async () => {
    const fake = await start();
    fake.addKey('k1');
    const client = sdk(fake, 'k1');
    const res = await client.chat.completions.create({ model: 'qwen3-max', messages: [{ role: 'user', content: 'think' }], reasoning_effort: 'high' });
    expect((res.choices[0]!.message as unknown as { reasoning_content: string }).reasoning_content).toBe('Thinking about it');
    expect(res.usage!.completion_tokens_details!.reasoning_tokens).toBeGreaterThan(0);

    const image = await client.chat.completions.create({ model: 'google/gemini-2.5-flash-image', messages: [{ role: 'user', content: 'a cat' }] });
    const images = (image.choices[0]!.message as unknown as { images: Array<{ image_url: { url: string } }> }).images;
    expect(images[0]!.image_url.url).toMatch(/^data:image\/png;base64,iVBOR/);

    const router = await start({ basePath: '/api/v1', reasoningField: 'reasoning' });
    router.addKey('k2');
    const r = await sdk(router, 'k2').chat.completions.create({ model: 'deepseek-reasoner', messages: [{ role: 'user', content: 'x' }] });
    expect((r.choices[0]!.message as unknown as { reasoning: string }).reasoning).toBe('Thinking about it');
    expect(router.calls[0]!.path).toBe('/api/v1/chat/completions');
  });

  it('lists models with owned_by, records OpenRouter attribution headers, honours per-key model lists', async () => {
    const fake = await start({ basePath: '/compatible-mode/v1', ownedBy: 'dashscope' });
    fake.addKey('k1');
    fake.addKey('k2', { models: ['qwen-plus'] });
    const client = sdk(fake, 'k1', { 'HTTP-Referer': 'https://cligate.example', 'X-Title': 'cligate' });
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('qwen-plus');
    expect(fake.calls[0]).toMatchObject({ path: '/compatible-mode/v1/models', headers: { 'http-referer': 'https://cligate.example', 'x-title': 'cligate' } });
    expect((await client.models.retrieve('qwen3-max')).owned_by).toBe('dashscope');
    const narrow = sdk(fake, 'k2');
    await expect(narrow.chat.completions.create({ model: 'qwen3-max', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
  });

  it('answers 401 for unknown and revoked keys', async () => {
    const fake = await start();
    fake.addKey('k1');
    await expect(sdk(fake, 'nope').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
    });
    fake.revokeKey('k1');
    await expect(sdk(fake, 'k1').models.list()).rejects.toBeInstanceOf(APIError);
  });
});

describe('scripts', () => {
  it('serves a scripted 429 with retry-after and x-ratelimit-reset-requests, then the default resumes', async () => {
    const fake = await start();
    fake.addKey('k1', { label: 'a' });
    fake.script('a', 'chatCompletions', [rateLimited429({ retryAfterSeconds: 7, resetRequests: '6m0s' }), { status: 429, body: insufficientQuota429() }]);
    const client = sdk(fake, 'k1');
    const err = (await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as RateLimitError;
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.headers!.get('retry-after')).toBe('7');
    expect(err.headers!.get('x-ratelimit-reset-requests')).toBe('6m0s');
    expect(err.code).toBe('rate_limit_exceeded');
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 429,
      code: 'insufficient_quota',
    });
    const ok = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'y' }] });
    expect(ok.choices[0]!.message.content).toContain('y');
    expect(fake.callsTo('chatCompletions', 'k1').map((c) => c.status)).toStrictEqual([429, 429, 200]);
  });

  it('scripted SSE with cutAfter: the SDK sees the stream break', async () => {
    const fake = await start();
    fake.addKey('k1');
    fake.script('*', 'chatCompletions', [{ sse: chatTextChunks('one two three four', { pieces: 4 }), cutAfter: 3 }]);
    const res = await fetch(`${fake.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k1', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true }),
    });
    const { text, error } = await readAll(res);
    expect(error).toBeInstanceOf(Error);
    expect(parseSse(text)).toHaveLength(3);

    fake.script('*', 'chatCompletions', [{ sse: chatTextChunks('one two three four', { pieces: 4 }), cutAfter: 3 }]);
    const stream = await sdk(fake, 'k1').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true });
    await expect(
      (async () => {
        for await (const _ of stream) {
          // drain
        }
      })(),
    ).rejects.toThrow();
  });
});

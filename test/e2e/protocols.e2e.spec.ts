import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionCallEnvelope, googleError, sseTextEvents, startFakeGoogle, textEnvelope, TINY_PNG_BASE64, type FakeGoogle } from '../fakes/fake-google.js';
import { AdminClient, gcli2apiFile } from '../support/admin-client.js';
import { testModes, type GatewayMode } from '../support/env.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { modeEnv } from '../support/mode-env.js';

const API_PASSWORD = 'e2e-proto-api-2f2f';
const PANEL_PASSWORD = 'e2e-proto-panel-3a3a';
const WEATHER_TOOL = { name: 'get_weather', description: 'Weather of a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } };

/** Every client in its own protocol: Claude Messages, Responses, images, thinking, fake streaming, anti-truncation. */
describe.each(testModes())('client protocols (%s)', (mode: GatewayMode) => {
  let google: FakeGoogle;
  let gateway: GatewayProcess;
  let admin: AdminClient;
  let anthropic: Anthropic;
  let openai: OpenAI;
  let dropDb: (() => Promise<void>) | undefined;
  let imageServer: Server;
  let imageUrl: string;

  beforeAll(async () => {
    google = await startFakeGoogle();
    const account = google.addAccount({ email: 'proto@example.com' });
    const env: Record<string, string> = { ...google.env, API_PASSWORD, PANEL_PASSWORD, GCLI_CREDS_1: gcli2apiFile(account) };
    const storage = await modeEnv(mode, 'proto');
    dropDb = storage.drop;
    Object.assign(env, storage.env);
    gateway = await startGatewayProcess({ name: `protocols-${mode}`, env });
    admin = new AdminClient(gateway.url, PANEL_PASSWORD);
    anthropic = new Anthropic({ apiKey: API_PASSWORD, baseURL: gateway.url, maxRetries: 0 });
    openai = new OpenAI({ apiKey: API_PASSWORD, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    imageServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from(TINY_PNG_BASE64, 'base64'));
    });
    await new Promise<void>((r) => imageServer.listen(0, '127.0.0.1', r));
    imageUrl = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}/cat.png`;
  });

  afterAll(async () => {
    await gateway?.stop();
    await google?.close();
    await new Promise((r) => imageServer?.close(r));
    await dropDb?.();
  });

  it('serves Claude Messages to the official SDK: text, stream, thinking with signatures, count_tokens', async () => {
    const message = await anthropic.messages.create({
      model: 'gemini-2.5-pro',
      max_tokens: 256,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Hello Claude route' }],
    });
    expect(message.type).toBe('message');
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content.find((b) => b.type === 'text')).toMatchObject({ text: expect.stringContaining('Hello Claude route') });
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    const sent = google.callsTo('generateContent').at(-1)!.body as any;
    expect(sent.request.systemInstruction.parts[0].text).toBe('Be brief.');
    expect(sent.request.generationConfig.maxOutputTokens).toBe(256);

    const stream = anthropic.messages.stream({
      model: 'gemini-2.5-pro',
      max_tokens: 512,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [{ role: 'user', content: 'Think and stream' }],
    });
    const events: string[] = [];
    stream.on('streamEvent', (e) => events.push(e.type));
    const final = await stream.finalMessage();
    const thinking = final.content.find((b) => b.type === 'thinking');
    expect(thinking).toMatchObject({ thinking: 'Thinking about it' });
    expect((thinking as { signature: string }).signature.length).toBeGreaterThan(0);
    expect(final.content.find((b) => b.type === 'text')).toMatchObject({ text: expect.stringContaining('Think and stream') });
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    expect(events).toContain('message_delta');
    const streamed = google.callsTo('streamGenerateContent').at(-1)!.body as any;
    expect(streamed.request.generationConfig.thinkingConfig).toMatchObject({ thinkingBudget: 2048, includeThoughts: true });

    const counted = await anthropic.messages.countTokens({ model: 'gemini-2.5-pro', system: 'sys', messages: [{ role: 'user', content: 'count me please' }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(google.callsTo('countTokens').at(-1)!.body).toMatchObject({ request: { model: 'models/gemini-2.5-pro' } });

    const bad = await anthropic.messages.create({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'x' }] } as never).then(
      () => null,
      (e: unknown) => e,
    );
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
    expect((bad as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('keeps thought signatures through a multi-turn Claude tool loop on a Gemini 3 model', async () => {
    google.reset();
    const first = await anthropic.messages.create({
      model: 'gemini-3-pro-preview',
      max_tokens: 512,
      tools: [WEATHER_TOOL],
      messages: [{ role: 'user', content: 'call get_weather {"city":"Oslo"}' }],
    });
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock;
    expect(toolUse).toMatchObject({ name: 'get_weather', input: { city: 'Oslo' } });
    const second = await anthropic.messages.create({
      model: 'gemini-3-pro-preview',
      max_tokens: 512,
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: 'call get_weather {"city":"Oslo"}' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '{"temp": 3}' }] },
      ],
    });
    // the fake rejects (400) a replayed Gemini 3 function call without its signature
    expect(second.content.find((b) => b.type === 'text')).toMatchObject({ text: expect.stringContaining('Tool said') });
    const replayed = (google.callsTo('generateContent').at(-1)!.body as any).request.contents[1].parts;
    const call = replayed.find((p: any) => p.functionCall);
    expect(call.thoughtSignature).toBeTruthy();
    expect(call.thoughtSignature).not.toBe('skip_thought_signature_validator');
  });

  it('serves OpenAI Responses: create, stream and a function-call loop', async () => {
    const response = await openai.responses.create({ model: 'gemini-2.5-flash', instructions: 'Short.', input: 'Hello responses' });
    expect(response.status).toBe('completed');
    expect(response.output_text).toContain('Hello responses');
    expect(response.usage?.total_tokens).toBeGreaterThan(0);

    const stream = openai.responses.stream({ model: 'gemini-2.5-flash', input: 'Stream responses' });
    const types = new Set<string>();
    const sequence: number[] = [];
    for await (const event of stream) {
      types.add(event.type);
      sequence.push(event.sequence_number);
    }
    const final = await stream.finalResponse();
    expect(final.output_text).toContain('Stream responses');
    expect(types).toContain('response.created');
    expect(types).toContain('response.output_text.delta');
    expect(types).toContain('response.completed');
    expect(sequence).toEqual([...sequence].sort((a, b) => a - b));

    const tools: OpenAI.Responses.Tool[] = [
      { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false },
    ];
    const call = await openai.responses.create({ model: 'gemini-2.5-flash', input: 'call get_weather {"city":"Rome"}', tools });
    const fc = call.output.find((o) => o.type === 'function_call') as OpenAI.Responses.ResponseFunctionToolCall;
    expect(fc).toMatchObject({ name: 'get_weather' });
    expect(JSON.parse(fc.arguments)).toEqual({ city: 'Rome' });
    const after = await openai.responses.create({
      model: 'gemini-2.5-flash',
      tools,
      input: [
        { role: 'user', content: 'call get_weather {"city":"Rome"}' },
        ...call.output.filter((o) => o.type === 'function_call' || o.type === 'reasoning'),
        { type: 'function_call_output', call_id: fc.call_id, output: '{"temp":25}' },
      ] as OpenAI.Responses.ResponseInput,
    });
    expect(after.output_text).toContain('Tool said: {"temp":25}');
  });

  it('applies thinking and search suffixes, and lists the combinations', async () => {
    await openai.chat.completions.create({ model: 'gemini-2.5-pro-high-search', messages: [{ role: 'user', content: 'x' }] });
    const sent = google.callsTo('generateContent').at(-1)!.body as any;
    expect(sent.model).toBe('gemini-2.5-pro');
    expect(sent.request.generationConfig.thinkingConfig).toMatchObject({ thinkingBudget: 16000 });
    expect(sent.request.tools).toEqual(expect.arrayContaining([{ googleSearch: {} }]));
    const models = (await openai.models.list()).data.map((m) => m.id);
    expect(models).toEqual(expect.arrayContaining(['gemini-2.5-pro', 'gemini-2.5-pro-high', 'gemini-2.5-pro-search', '假流式/gemini-2.5-pro', '流式抗截断/gemini-2.5-pro-high-search']));
    const claudeList = await fetch(`${gateway.url}/v1/models`, { headers: { 'x-api-key': API_PASSWORD, 'anthropic-version': '2023-06-01' } }).then((r) => r.json());
    expect(claudeList).toMatchObject({ has_more: false, data: expect.arrayContaining([expect.objectContaining({ type: 'model', id: 'gemini-2.5-pro' })]) });
  });

  it('returns generated images in every protocol and through /v1/images/generations', async () => {
    const generated = await openai.images.generate({ model: 'gemini-2.5-flash-image', prompt: 'a cat', size: '1024x1536' as never });
    expect(generated.data?.[0]?.b64_json).toBe(TINY_PNG_BASE64);
    const sent = google.callsTo('generateContent').at(-1)!.body as any;
    expect(sent.request.generationConfig.imageConfig).toEqual({ aspectRatio: '2:3', imageSize: '2K' });
    expect(sent.request.generationConfig.responseModalities).toEqual(expect.arrayContaining(['IMAGE', 'TEXT']));
    const asUrl = await openai.images.generate({ model: 'gemini-2.5-flash-image-16x9', prompt: 'a dog', response_format: 'url' });
    expect(asUrl.data?.[0]?.url).toMatch(/^data:image\/png;base64,/);
    expect((google.callsTo('generateContent').at(-1)!.body as any).request.generationConfig.imageConfig).toMatchObject({ aspectRatio: '16:9' });

    const claude = await anthropic.messages.create({ model: 'gemini-2.5-flash-image', max_tokens: 100, messages: [{ role: 'user', content: 'draw' }] });
    expect(claude.content.find((b) => b.type === 'image')).toMatchObject({ source: { type: 'base64', media_type: 'image/png', data: TINY_PNG_BASE64 } });

    const nothing = await openai.images.generate({ model: 'gemini-2.5-flash', prompt: 'text only' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(nothing).toBeInstanceOf(OpenAI.APIError);
    expect((nothing as Error).message).toMatch(/no image/);
  });

  it('fetches remote image URLs only when allowed, never silently dropping them', async () => {
    const ask = () =>
      openai.chat.completions.create({
        model: 'gemini-2.5-flash',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: imageUrl } }] }],
      });
    const refused = await ask().then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as Error).message).toMatch(/private or loopback/);
    await admin.json('POST', '/config/save', { config: { remote_media_fetch: 'any' } });
    try {
      await ask();
      const part = (google.callsTo('generateContent').at(-1)!.body as any).request.contents[0].parts.find((p: any) => p.inlineData);
      expect(part.inlineData).toEqual({ mimeType: 'image/png', data: TINY_PNG_BASE64 });
    } finally {
      await admin.json('POST', '/config/save', { config: { remote_media_fetch: 'public' } });
    }
  });

  it('fakes streaming from a slow non-streamed answer, with heartbeats, keeping early error statuses', async () => {
    google.reset();
    google.script('*', 'generateContent', [{ status: 200, body: textEnvelope('a slow but complete answer from upstream', { model: 'gemini-2.5-flash' }), delayMs: 3_500 }]);
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_PASSWORD}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: '假流式/gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], stream: true }),
    });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body.startsWith(': keep-alive\n\n')).toBe(true);
    const chunks = body.split('\n\n').filter((l) => l.startsWith('data: {')).map((l) => JSON.parse(l.slice(6)));
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('a slow but complete answer from upstream');
    expect(chunks.every((c) => c.model === '假流式/gemini-2.5-flash')).toBe(true);
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(google.callsTo('streamGenerateContent')).toHaveLength(0);
    expect(google.callsTo('generateContent')).toHaveLength(1);

    google.script('*', 'generateContent', [{ status: 400, body: googleError(400, 'INVALID_ARGUMENT', 'bad request for fake stream') }]);
    const early = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_PASSWORD}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: '假流式/gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], stream: true }),
    });
    expect(early.status).toBe(400);
    expect((await early.json()).error.message).toContain('bad request for fake stream');
  });

  it('continues truncated answers live, strips the marker, and leaves tool-call turns alone', async () => {
    google.reset();
    google.script('*', 'streamGenerateContent', [
      { sse: sseTextEvents('The first half of the story, ', { chunks: 2, model: 'gemini-2.5-flash' }) },
      { sse: sseTextEvents('and the second half.\n[done]', { chunks: 3, model: 'gemini-2.5-flash' }) },
    ]);
    const stream = await openai.chat.completions.create({
      model: '流式抗截断/gemini-2.5-flash',
      messages: [{ role: 'system', content: 'You tell stories.' }, { role: 'user', content: 'Tell me a story about 18岁 me' }],
      stream: true,
    });
    let text = '';
    const finishes: string[] = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
    }
    expect(text).toBe('The first half of the story, and the second half.');
    expect(finishes).toEqual(['stop']);
    const calls = google.callsTo('streamGenerateContent').map((c) => (c.body as any).request);
    expect(calls).toHaveLength(2);
    expect(calls[0].systemInstruction.parts.map((p: any) => p.text).join(' ')).toContain('[done]');
    // the user's text is never rewritten; the continuation prefills what was said
    expect(calls[0].contents[0].parts[0].text).toBe('Tell me a story about 18岁 me');
    expect(calls[1].contents.at(-1)).toEqual({ role: 'model', parts: [{ text: 'The first half of the story, ' }] });

    google.reset();
    google.script('*', 'streamGenerateContent', [{ sse: [functionCallEnvelope('get_weather', { city: 'Paris' }, { model: 'gemini-2.5-flash' })] }]);
    const toolStream = await openai.chat.completions.create({
      model: '流式抗截断/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }],
      stream: true,
    });
    let finish = '';
    for await (const chunk of toolStream) if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
    expect(finish).toBe('tool_calls');
    expect(google.callsTo('streamGenerateContent')).toHaveLength(1);
  });
});

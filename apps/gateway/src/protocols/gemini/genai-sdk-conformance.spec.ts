/**
 * Conformance: the golden Gemini outputs (code-assist/__golden__) are fed to the official
 * @google/genai SDK through a stubbed global fetch (no network). Its stream parser, response
 * getters and chat-history validation are the oracle.
 */
import { readFileSync } from 'node:fs';
import { ApiError, GoogleGenAI, type GenerateContentResponse } from '@google/genai';
import { afterEach, describe, expect, it, vi } from 'vitest';

const GOLDEN = new URL('../code-assist/__golden__/', import.meta.url);
const golden = (file: string): string => readFileSync(new URL(file, GOLDEN), 'utf8');

function serve(body: string, status = 200, contentType = 'text/event-stream'): GoogleGenAI {
  vi.stubGlobal('fetch', async () => new Response(body, { status, headers: { 'content-type': contentType } }));
  return new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: 'http://gateway.test' } });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

async function collect(ai: GoogleGenAI): Promise<GenerateContentResponse[]> {
  const chunks: GenerateContentResponse[] = [];
  for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-pro', contents: 'hi' })) chunks.push(chunk);
  return chunks;
}

describe('@google/genai accepts the golden Gemini output', () => {
  it('text.1: text, finish and usage', async () => {
    const chunks = await collect(serve(golden('text.1.as-gemini.sse')));
    expect(chunks.map((c) => c.text ?? '').join('')).toBe(
      "Bonjour ! 👋 Je suis un modèle de langage. Comment puis-je vous aider aujourd'hui ?",
    );
    const last = chunks[chunks.length - 1]!;
    expect(last.candidates?.[0]?.finishReason).toBe('STOP');
    expect(last.usageMetadata).toStrictEqual({ promptTokenCount: 9, candidatesTokenCount: 21, totalTokenCount: 56, thoughtsTokenCount: 26 });
    expect(last.responseId).toBe('golden-text-1');
  });

  it('tool-call.1: function calls and the thought signature', async () => {
    const chunks = await collect(serve(golden('tool-call.1.as-gemini.sse')));
    const calls = chunks.flatMap((c) => c.functionCalls ?? []);
    expect(calls).toStrictEqual([
      { name: 'get_weather', args: { city: 'Paris', unit: 'celsius' } },
      { name: 'get_weather', args: { city: 'Tokyo', unit: 'celsius' } },
    ]);
    const signed = chunks.flatMap((c) => c.candidates?.[0]?.content?.parts ?? []).filter((p) => p.thoughtSignature);
    expect(signed).toHaveLength(1);
  });

  it('thinking-signature.1: thoughts stay out of .text', async () => {
    const chunks = await collect(serve(golden('thinking-signature.1.as-gemini.sse')));
    expect(chunks.map((c) => c.text ?? '').join('')).toBe('6 × 7 = **42**.');
    const thoughts = chunks.flatMap((c) => c.candidates?.[0]?.content?.parts ?? []).filter((p) => p.thought);
    expect(thoughts.map((p) => p.text).join('')).toBe('**Weighing the arithmetic**\n\nThe user asks for 6 × 7. Multiplying gives 42.');
  });

  it('image.1: inline data', async () => {
    const chunks = await collect(serve(golden('image.1.as-gemini.sse')));
    expect(chunks.map((c) => c.data).filter(Boolean)).toStrictEqual([
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
    ]);
  });

  it('grounding.1: grounding metadata on the final chunk', async () => {
    const chunks = await collect(serve(golden('grounding.1.as-gemini.sse')));
    const grounding = chunks[chunks.length - 1]!.candidates?.[0]?.groundingMetadata;
    expect(grounding?.groundingChunks?.map((c) => c.web?.title)).toStrictEqual(['uefa.com', 'wikipedia.org']);
  });

  it('truncated.1: the error frame raises an ApiError with the status', async () => {
    const error: unknown = await collect(serve(golden('truncated.1.as-gemini.sse'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(502);
  });

  it('chat history keeps a streamed turn (the final chunk is a valid content)', async () => {
    const ai = serve(golden('text.1.as-gemini.sse'));
    const chat = ai.chats.create({ model: 'gemini-2.5-pro' });
    for await (const _chunk of await chat.sendMessageStream({ message: 'hi' })) {
      // drain
    }
    // the SDK keeps one model content per chunk; an invalid final chunk would drop the whole turn
    const history = chat.getHistory(true);
    expect(history[0]!.role).toBe('user');
    expect(history.slice(1).map((c) => c.role)).toStrictEqual(['model', 'model', 'model']);
  });

  it('non-streamed golden answers parse', async () => {
    const ai = serve(golden('tool-call.1.as-gemini.json'), 200, 'application/json');
    const response = await ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'hi' });
    expect(response.functionCalls?.map((c) => c.args)).toStrictEqual([
      { city: 'Paris', unit: 'celsius' },
      { city: 'Tokyo', unit: 'celsius' },
    ]);
    expect(response.text).toBe("I'll look up the weather in both cities.");
  });
});

/**
 * Conformance: the golden OpenAI outputs (code-assist/__golden__) are fed to the official `openai`
 * SDK through a custom fetch (no network). Its SSE parser, chunk types and ChatCompletionStream
 * accumulator are the oracle: if they accept the bytes and rebuild the same message as the
 * non-streamed golden, real clients will too.
 */
import { readFileSync } from 'node:fs';
import OpenAI, { APIError } from 'openai';
import { describe, expect, it } from 'vitest';

const GOLDEN = new URL('../code-assist/__golden__/', import.meta.url);
const COMPLETE = ['text.1', 'tool-call.1', 'thinking-signature.1', 'image.1', 'grounding.1'];

function golden(file: string): string {
  return readFileSync(new URL(file, GOLDEN), 'utf8');
}

function clientServing(body: string, status = 200, contentType = 'text/event-stream'): OpenAI {
  return new OpenAI({
    apiKey: 'sk-test',
    baseURL: 'http://gateway.test/v1',
    maxRetries: 0,
    fetch: async () => new Response(body, { status, headers: { 'content-type': contentType } }),
  });
}

const params = { model: 'gemini-2.5-pro', messages: [{ role: 'user' as const, content: 'hi' }] };

interface Rebuilt {
  content: string | null;
  reasoning: string | null;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  images: unknown[];
  finishReason: string | null;
  usage: unknown;
  ids: Set<string>;
}

/** What a client accumulating raw chunks by hand sees. */
async function rebuildFromChunks(client: OpenAI): Promise<Rebuilt> {
  const stream = await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
  const out: Rebuilt = { content: null, reasoning: null, toolCalls: [], images: [], finishReason: null, usage: null, ids: new Set() };
  for await (const chunk of stream) {
    out.ids.add(chunk.id);
    expect(chunk.object).toBe('chat.completion.chunk');
    if (chunk.usage) out.usage = chunk.usage;
    for (const choice of chunk.choices) {
      const delta = choice.delta as typeof choice.delta & { reasoning_content?: string; images?: unknown[] };
      if (delta.content) out.content = (out.content ?? '') + delta.content;
      if (delta.reasoning_content) out.reasoning = (out.reasoning ?? '') + delta.reasoning_content;
      for (const call of delta.tool_calls ?? []) {
        const slot = (out.toolCalls[call.index] ??= { id: '', name: '', arguments: '' });
        if (call.id) slot.id = call.id;
        if (call.function?.name) slot.name += call.function.name;
        if (call.function?.arguments) slot.arguments += call.function.arguments;
      }
      if (delta.images) out.images.push(...delta.images);
      if (choice.finish_reason) out.finishReason = choice.finish_reason;
    }
  }
  return out;
}

describe('openai SDK accepts the golden OpenAI output', () => {
  for (const name of COMPLETE) {
    describe(name, () => {
      it('streams: raw chunks rebuild the non-streamed message', async () => {
        const rebuilt = await rebuildFromChunks(clientServing(golden(`${name}.as-openai-chat.sse`)));
        const completion = await clientServing(golden(`${name}.as-openai-chat.json`), 200, 'application/json').chat.completions.create(params);
        const message = completion.choices[0]!.message as typeof completion.choices[0]['message'] & {
          reasoning_content?: string;
          images?: unknown[];
        };

        expect(rebuilt.ids.size).toBe(1);
        expect([...rebuilt.ids][0]).toBe(completion.id);
        expect(rebuilt.content).toBe(message.content);
        expect(rebuilt.reasoning).toBe(message.reasoning_content ?? null);
        expect(rebuilt.toolCalls).toStrictEqual(
          (message.tool_calls ?? []).map((call) => {
            if (call.type !== 'function') throw new Error('unexpected tool call type');
            return { id: call.id, name: call.function.name, arguments: call.function.arguments };
          }),
        );
        for (const call of rebuilt.toolCalls) expect(() => JSON.parse(call.arguments) as unknown).not.toThrow();
        expect(rebuilt.images).toStrictEqual(message.images ?? []);
        expect(rebuilt.finishReason).toBe(completion.choices[0]!.finish_reason);
        expect(rebuilt.usage).toStrictEqual(completion.usage);
      });

      it('streams: the ChatCompletionStream helper produces a valid final completion', async () => {
        const runner = clientServing(golden(`${name}.as-openai-chat.sse`)).chat.completions.stream({
          ...params,
          stream_options: { include_usage: true },
        });
        const final = await runner.finalChatCompletion();
        const expected = JSON.parse(golden(`${name}.as-openai-chat.json`)) as OpenAI.ChatCompletion;
        expect(final.id).toBe(expected.id);
        expect(final.choices[0]!.finish_reason).toBe(expected.choices[0]!.finish_reason);
        expect(final.choices[0]!.message.content).toBe(expected.choices[0]!.message.content);
        expect(final.choices[0]!.message.tool_calls ?? []).toStrictEqual(expected.choices[0]!.message.tool_calls ?? []);
        expect(final.usage).toStrictEqual(expected.usage);
      });
    });
  }

  describe('truncated.1', () => {
    it('the stream raises an APIError carrying the error object', async () => {
      const client = clientServing(golden('truncated.1.as-openai-chat.sse'));
      let seen = '';
      const consume = async () => {
        const stream = await client.chat.completions.create({ ...params, stream: true });
        for await (const chunk of stream) seen += chunk.choices[0]?.delta.content ?? '';
      };
      const error: unknown = await consume().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).message).toContain('upstream stream ended before completion');
      expect((error as APIError).code).toBe('upstream_unavailable');
      expect(seen).toBe('Here are the first steps:\n\n1. Install the package with npm.\n2. Run the');
    });

    it('the non-streamed error body is read as an API error with its status', async () => {
      const client = clientServing(golden('truncated.1.as-openai-chat.json'), 502, 'application/json');
      const error: unknown = await client.chat.completions.create(params).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(502);
      expect((error as APIError).type).toBe('api_error');
      expect((error as APIError).code).toBe('upstream_unavailable');
    });
  });
});

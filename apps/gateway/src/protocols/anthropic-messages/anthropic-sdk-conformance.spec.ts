/**
 * Conformance: the golden Anthropic outputs (code-assist/__golden__) are fed to the official
 * `@anthropic-ai/sdk` through a custom fetch (no network). Its SSE parser, event types and
 * MessageStream accumulator are the oracle: if they accept the bytes and rebuild the non-streamed
 * golden message, Claude clients will too.
 */
import { readFileSync } from 'node:fs';
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';

const GOLDEN = new URL('../code-assist/__golden__/', import.meta.url);
const COMPLETE = ['text.1', 'tool-call.1', 'thinking-signature.1', 'image.1', 'grounding.1'];

function golden(file: string): string {
  return readFileSync(new URL(file, GOLDEN), 'utf8');
}

function clientServing(body: string, status = 200, contentType = 'text/event-stream'): Anthropic {
  return new Anthropic({
    apiKey: 'x',
    baseURL: 'http://gateway.test',
    maxRetries: 0,
    fetch: async () => new Response(body, { status, headers: { 'content-type': contentType } }),
  });
}

const params = { model: 'gemini-2.5-pro', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'hi' }] };

type Block = Record<string, unknown> & { type: string };

/** What a client accumulating raw events by hand sees (indexes, one block at a time, JSON fragments). */
async function rebuildFromEvents(client: Anthropic) {
  const stream = await client.messages.create({ ...params, stream: true });
  const blocks: Block[] = [];
  const json: string[] = [];
  const eventTypes: string[] = [];
  let open: number | undefined;
  let id = '';
  let stopReason: string | null = null;
  let usage: unknown;
  for await (const event of stream) {
    eventTypes.push(event.type);
    switch (event.type) {
      case 'message_start':
        id = event.message.id;
        expect(event.message.content).toStrictEqual([]);
        break;
      case 'content_block_start':
        expect(open).toBeUndefined(); // one block open at a time
        expect(event.index).toBe(blocks.length); // indexes count from 0
        open = event.index;
        blocks.push({ ...(event.content_block as unknown as Block) });
        json.push('');
        break;
      case 'content_block_delta': {
        expect(event.index).toBe(open);
        const block = blocks[event.index]!;
        const delta = event.delta;
        if (delta.type === 'text_delta') block['text'] = (block['text'] as string) + delta.text;
        else if (delta.type === 'thinking_delta') block['thinking'] = (block['thinking'] as string) + delta.thinking;
        else if (delta.type === 'signature_delta') block['signature'] = delta.signature;
        else if (delta.type === 'input_json_delta') json[event.index] += delta.partial_json;
        else if (delta.type === 'citations_delta') block['citations'] = [...((block['citations'] as unknown[]) ?? []), delta.citation];
        break;
      }
      case 'content_block_stop':
        expect(event.index).toBe(open);
        open = undefined;
        if (blocks[event.index]!.type === 'tool_use') blocks[event.index]!['input'] = JSON.parse(json[event.index]!) as unknown;
        break;
      case 'message_delta':
        stopReason = event.delta.stop_reason;
        usage = event.usage;
        break;
      case 'message_stop':
        break;
    }
  }
  return { id, blocks, stopReason, usage, eventTypes };
}

describe('@anthropic-ai/sdk accepts the golden Anthropic output', () => {
  for (const name of COMPLETE) {
    describe(name, () => {
      it('messages.create({stream: true}): raw events rebuild the non-streamed message', async () => {
        const rebuilt = await rebuildFromEvents(clientServing(golden(`${name}.as-anthropic-messages.sse`)));
        const message = await clientServing(golden(`${name}.as-anthropic-messages.json`), 200, 'application/json').messages.create(params);

        expect(rebuilt.eventTypes[0]).toBe('message_start');
        expect(rebuilt.eventTypes[rebuilt.eventTypes.length - 1]).toBe('message_stop');
        expect(rebuilt.eventTypes[rebuilt.eventTypes.length - 2]).toBe('message_delta');
        expect(rebuilt.id).toBe(message.id);
        expect(rebuilt.blocks).toStrictEqual(message.content);
        expect(rebuilt.stopReason).toBe(message.stop_reason);
        expect(rebuilt.usage).toStrictEqual(message.usage);
      });

      it('messages.stream(...).finalMessage() equals the non-streamed golden message', async () => {
        const final = await clientServing(golden(`${name}.as-anthropic-messages.sse`)).messages.stream(params).finalMessage();
        const expected = JSON.parse(golden(`${name}.as-anthropic-messages.json`)) as Anthropic.Message;
        // parsed_output is the SDK's own structured-output helper field, not a wire field
        expect({ ...final, parsed_output: undefined }).toEqual(expected);
        expect(final.content).toEqual(expected.content);
        expect(final.usage).toStrictEqual(expected.usage);
      });
    });
  }

  it('thinking-signature.1: the thinking text and its signature survive the SDK accumulator', async () => {
    const final = await clientServing(golden('thinking-signature.1.as-anthropic-messages.sse')).messages.stream(params).finalMessage();
    expect(final.content[0]).toStrictEqual({
      type: 'thinking',
      thinking: '**Weighing the arithmetic**\n\nThe user asks for 6 × 7. Multiplying gives 42.',
      signature: 'EvMDCvADAdHtim9sig1',
    });
    expect(final.content.filter((b) => b.type === 'text').map((b) => (b as Anthropic.TextBlock).text)).toStrictEqual(['6 × 7 = **42**.']);
  });

  it('tool-call.1: tool_use input objects are parsed from input_json_delta', async () => {
    const final = await clientServing(golden('tool-call.1.as-anthropic-messages.sse')).messages.stream(params).finalMessage();
    const calls = final.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(calls.map((c) => [c.id, c.name, c.input])).toStrictEqual([
      ['call_golden001', 'get_weather', { city: 'Paris', unit: 'celsius' }],
      ['call_golden002', 'get_weather', { city: 'Tokyo', unit: 'celsius' }],
    ]);
    expect(final.stop_reason).toBe('tool_use');
  });

  describe('truncated.1', () => {
    it('messages.create({stream: true}) raises an APIError of the error event, after the partial text', async () => {
      let seen = '';
      const consume = async () => {
        const stream = await clientServing(golden('truncated.1.as-anthropic-messages.sse')).messages.create({ ...params, stream: true });
        for await (const event of stream) {
          if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') seen += event.delta.text;
        }
      };
      const error: unknown = await consume().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).type).toBe('api_error');
      expect((error as APIError).message).toContain('upstream stream ended before completion');
      expect(seen).toBe('Here are the first steps:\n\n1. Install the package with npm.\n2. Run the');
    });

    it('messages.stream(...).finalMessage() rejects', async () => {
      const stream = clientServing(golden('truncated.1.as-anthropic-messages.sse')).messages.stream(params);
      const error: unknown = await stream.finalMessage().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).message).toContain('upstream stream ended before completion');
    });

    it('the non-streamed error body is read as an API error with its status and type', async () => {
      const client = clientServing(golden('truncated.1.as-anthropic-messages.json'), 502, 'application/json');
      const error: unknown = await client.messages.create(params).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(502);
      expect((error as APIError).type).toBe('api_error');
    });
  });
});

/**
 * Conformance: the golden Responses outputs (code-assist/__golden__) are fed to the official
 * `openai` SDK through a custom fetch (no network). Its SSE parser and its strict ResponseStream
 * accumulator (item identities, indexes, lifecycle order) are the oracle: if they accept the bytes
 * and rebuild the non-streamed golden response, Responses clients will too.
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

const params = { model: 'gemini-2.5-pro', input: 'hi' };

/**
 * Drops the SDK's own structured-output helper fields (`parsed` on output_text parts,
 * `parsed_arguments` on function calls); they are not wire fields.
 */
function withoutSdkHelpers(output: readonly unknown[]): unknown[] {
  return output.map((value) => {
    const item = value as Record<string, unknown>;
    if (item['type'] === 'message') {
      const content = (item['content'] as Array<Record<string, unknown>>).map(({ parsed: _parsed, ...part }) => part);
      return { ...item, content };
    }
    if (item['type'] === 'function_call') {
      const { parsed_arguments: _parsed, ...call } = item;
      return call;
    }
    return item;
  });
}

describe('openai SDK accepts the golden Responses output', () => {
  for (const name of COMPLETE) {
    describe(name, () => {
      it('responses.create({stream: true}): numbered events rebuild the non-streamed response', async () => {
        const stream = await clientServing(golden(`${name}.as-openai-responses.sse`)).responses.create({ ...params, stream: true });
        const sequence: number[] = [];
        const types: string[] = [];
        const done: unknown[] = [];
        let text = '';
        let terminal: OpenAI.Responses.Response | undefined;
        for await (const event of stream) {
          sequence.push(event.sequence_number);
          types.push(event.type);
          if (event.type === 'response.output_text.delta') text += event.delta;
          if (event.type === 'response.output_item.done') done.push(event.item);
          if (event.type === 'response.completed') terminal = event.response;
        }
        const expected = await clientServing(golden(`${name}.as-openai-responses.json`), 200, 'application/json').responses.create(params);

        expect(sequence).toStrictEqual(sequence.map((_, i) => i));
        expect(types.slice(0, 2)).toStrictEqual(['response.created', 'response.in_progress']);
        expect(types[types.length - 1]).toBe('response.completed');
        expect(done).toStrictEqual(expected.output);
        expect(terminal!.output).toStrictEqual(expected.output);
        expect(terminal!.usage).toStrictEqual(expected.usage);
        expect(terminal!.id).toBe(expected.id);
        expect(text).toBe(expected.output_text);
      });

      it('responses.stream(...).finalResponse() equals the non-streamed golden response', async () => {
        const final = await clientServing(golden(`${name}.as-openai-responses.sse`)).responses.stream(params).finalResponse();
        const expected = await clientServing(golden(`${name}.as-openai-responses.json`), 200, 'application/json').responses.create(params);
        expect(final.status).toBe('completed');
        expect(withoutSdkHelpers(final.output)).toStrictEqual(expected.output);
        expect(final.output_text).toBe(expected.output_text);
        expect(final.usage).toStrictEqual(expected.usage);
      });
    });
  }

  it('tool-call.1: function calls keep call_id, name and JSON arguments; the signature rides in encrypted_content', async () => {
    const final = await clientServing(golden('tool-call.1.as-openai-responses.sse')).responses.stream(params).finalResponse();
    const calls = final.output.filter((item) => item.type === 'function_call') as unknown as OpenAI.Responses.ResponseFunctionToolCall[];
    expect(calls.map((c) => [c.call_id, c.name, JSON.parse(c.arguments) as unknown])).toStrictEqual([
      ['call_golden001', 'get_weather', { city: 'Paris', unit: 'celsius' }],
      ['call_golden002', 'get_weather', { city: 'Tokyo', unit: 'celsius' }],
    ]);
    const reasoning = final.output.find((item) => item.type === 'reasoning') as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.encrypted_content).toBe('cligate:tool-call:CiQBVKhc7pQpSkq0ZqZsig==');
  });

  it('thinking-signature.1: reasoning summary text and signature', async () => {
    const final = await clientServing(golden('thinking-signature.1.as-openai-responses.sse')).responses.stream(params).finalResponse();
    const reasoning = final.output[0] as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.summary).toStrictEqual([
      { type: 'summary_text', text: '**Weighing the arithmetic**\n\nThe user asks for 6 × 7. Multiplying gives 42.' },
    ]);
    expect(reasoning.encrypted_content).toBe('EvMDCvADAdHtim9sig1');
    expect(final.output_text).toBe('6 × 7 = **42**.');
  });

  describe('truncated.1', () => {
    it('responses.create({stream: true}) raises an APIError at the error event, after the partial text', async () => {
      let seen = '';
      const consume = async () => {
        const stream = await clientServing(golden('truncated.1.as-openai-responses.sse')).responses.create({ ...params, stream: true });
        for await (const event of stream) if (event.type === 'response.output_text.delta') seen += event.delta;
      };
      const error: unknown = await consume().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).message).toContain('upstream stream ended before completion');
      expect((error as APIError).code).toBe('upstream_unavailable');
      expect(seen).toBe('Here are the first steps:\n\n1. Install the package with npm.\n2. Run the');
    });

    it('responses.stream(...).finalResponse() rejects', async () => {
      const error: unknown = await clientServing(golden('truncated.1.as-openai-responses.sse'))
        .responses.stream(params)
        .finalResponse()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).message).toContain('upstream stream ended before completion');
    });

    it('ends with response.failed carrying the error object (what Codex reads), never response.completed', () => {
      const frames = golden('truncated.1.as-openai-responses.sse').trimEnd().split('\n\n');
      const last = frames[frames.length - 1]!;
      expect(last.startsWith('event: response.failed\n')).toBe(true);
      const failed = JSON.parse(last.slice(last.indexOf('data: ') + 6)) as { response: { status: string; error: unknown } };
      expect(failed.response.status).toBe('failed');
      expect(failed.response.error).toStrictEqual({ code: 'server_error', message: 'upstream stream ended before completion' });
      expect(golden('truncated.1.as-openai-responses.sse')).not.toContain('response.completed');
    });

    it('the non-streamed error body is read as an API error with its status', async () => {
      const client = clientServing(golden('truncated.1.as-openai-responses.json'), 502, 'application/json');
      const error: unknown = await client.responses.create(params).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(502);
      expect((error as APIError).code).toBe('upstream_unavailable');
    });
  });
});

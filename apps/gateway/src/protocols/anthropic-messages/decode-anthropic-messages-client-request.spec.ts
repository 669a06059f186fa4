import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { encodeGeminiUpstreamRequest, SKIP_THOUGHT_SIGNATURE } from '../gemini/encode-gemini-upstream-request.js';
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import { runStage } from '../ir/stream-stage.js';
import { createAnthropicMessagesClientStreamEncoder } from './anthropic-messages-client-stream-encoder.js';
import {
  decodeAnthropicCountTokensRequest,
  decodeAnthropicMessagesClientRequest,
} from './decode-anthropic-messages-client-request.js';

const decode = (body: Record<string, unknown>) =>
  decodeAnthropicMessagesClientRequest(
    { model: 'gemini-2.5-pro', max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }], ...body },
    {},
  );

function invalid(body: Record<string, unknown>, decoder = decode): GatewayError {
  try {
    decoder(body);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('invalid_request');
    expect((error as GatewayError).status).toBe(400);
    return error as GatewayError;
  }
  throw new Error('expected a GatewayError');
}

describe('decodeAnthropicMessagesClientRequest', () => {
  it('decodes the minimal request (max_tokens → maxOutputTokens)', () => {
    expect(decode({}).value).toStrictEqual({
      model: 'gemini-2.5-pro',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      tools: [],
      generation: { maxOutputTokens: 1024 },
      stream: false,
    });
  });

  it('max_tokens is required and positive; model and messages are required', () => {
    expect(invalid({ max_tokens: undefined }).message).toBe('max_tokens is required');
    expect(invalid({ max_tokens: undefined }).param).toBe('max_tokens');
    expect(invalid({ max_tokens: 0 }).param).toBe('max_tokens');
    expect(invalid({ max_tokens: 1.5 }).param).toBe('max_tokens');
    expect(invalid({ model: undefined }).param).toBe('model');
    expect(invalid({ messages: [] }).param).toBe('messages');
    expect(invalid({ messages: [{ role: 'system', content: 'x' }] }).param).toBe('messages[0].role');
    expect(() => decodeAnthropicMessagesClientRequest([], {})).toThrowError(GatewayError);
  });

  it('generation parameters are forwarded exactly as set (falsy values kept)', () => {
    expect(decode({ temperature: 0, top_p: 0, top_k: 0, stop_sequences: ['END', ''], stream: true }).value).toMatchObject({
      generation: { maxOutputTokens: 1024, temperature: 0, topP: 0, topK: 0, stopSequences: ['END', ''] },
      stream: true,
    });
    expect(invalid({ temperature: 'hot' }).param).toBe('temperature');
    expect(invalid({ stop_sequences: ['a', 1] }).param).toBe('stop_sequences[1]');
  });

  it('system: a string or text blocks (cache_control ignored); metadata is accepted and not forwarded', () => {
    expect(decode({ system: 'Be brief', metadata: { user_id: 'u' } }).value.system).toStrictEqual([{ type: 'text', text: 'Be brief' }]);
    expect(
      decode({ system: [{ type: 'text', text: 'A', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'B' }] }).value.system,
    ).toStrictEqual([
      { type: 'text', text: 'A' },
      { type: 'text', text: 'B' },
    ]);
    expect(invalid({ system: [{ type: 'image' }] }).param).toBe('system[0].type');
  });

  describe('user content blocks', () => {
    it('text, base64 image, URL image and documents', () => {
      const { value } = decode({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?', cache_control: { type: 'ephemeral' } },
              { type: 'image', source: { type: 'base64', media_type: 'image/PNG', data: 'iVBORw0K' } },
              { type: 'image', source: { type: 'url', url: 'https://example.test/cat.jpg' } },
              { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0' } },
              { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain doc' } },
              { type: 'document', source: { type: 'url', url: 'https://example.test/a.pdf' } },
            ],
          },
        ],
      });
      expect(value.messages).toStrictEqual([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'file', mediaType: 'image/png', data: 'iVBORw0K' },
            { type: 'file', mediaType: 'image/jpeg', url: 'https://example.test/cat.jpg' },
            { type: 'file', mediaType: 'application/pdf', data: 'JVBERi0' },
            { type: 'text', text: 'plain doc' },
            { type: 'file', mediaType: 'application/pdf', url: 'https://example.test/a.pdf' },
          ],
        },
      ]);
    });

    it('Files API sources, unknown blocks and assistant-only blocks are a 400 naming the block', () => {
      expect(
        invalid({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f' } }] }] }).param,
      ).toBe('messages[0].content[0].source.type');
      expect(invalid({ messages: [{ role: 'user', content: [{ type: 'search_result' }] }] }).param).toBe('messages[0].content[0].type');
      expect(
        invalid({ messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'a', name: 'f', input: {} }] }] }).param,
      ).toBe('messages[0].content[0].type');
    });
  });

  describe('assistant content blocks', () => {
    it('text, thinking (raw signature stays on the thought), redacted_thinking skipped, tool_use, image', () => {
      const { value, warnings } = decode({
        messages: [
          { role: 'user', content: 'Hi' },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'hmm', signature: 'RAWSIG' },
              { type: 'redacted_thinking', data: 'xxx' },
              { type: 'text', text: 'Hello', citations: null },
              { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } },
              { type: 'tool_use', id: 'toolu_2', name: 'g', input: '{"b":2}' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
              { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'x' } },
            ],
          },
        ],
      });
      expect(value.messages[1]).toStrictEqual({
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'hmm', signature: 'RAWSIG' },
          { type: 'text', text: 'Hello' },
          { type: 'tool-call', toolCallId: 'toolu_1', toolName: 'f', input: { a: 1 } },
          { type: 'tool-call', toolCallId: 'toolu_2', toolName: 'g', input: { b: 2 } },
          { type: 'file', mediaType: 'image/png', data: 'AAAA' },
        ],
      });
      expect(warnings).toStrictEqual(['messages[1].content[6]: server_tool_use blocks have no Gemini equivalent and were skipped']);
    });

    it('a string content is one text part; bad tool inputs are a 400', () => {
      expect(decode({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Yo' }] }).value.messages[1]).toStrictEqual({
        role: 'assistant',
        content: [{ type: 'text', text: 'Yo' }],
      });
      expect(
        invalid({ messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'f', input: [1] }] }] }).param,
      ).toBe('messages[0].content[0].input');
    });

    it('signature carriers go to the next text block / tool_use; a trailing text carrier is a signed empty text', () => {
      const { value } = decode({
        messages: [
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'unsigned thought', signature: 'cligate:tool-call:CALLSIG' },
              { type: 'tool_use', id: 'a', name: 'f', input: {} },
              { type: 'thinking', thinking: '', signature: 'cligate:text:TEXTSIG' },
              { type: 'text', text: 'done' },
              { type: 'thinking', thinking: '', signature: 'cligate:text:TAILSIG' },
            ],
          },
        ],
      });
      expect(value.messages[0]).toStrictEqual({
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'unsigned thought' },
          { type: 'tool-call', toolCallId: 'a', toolName: 'f', input: {}, providerMetadata: { gemini: { thoughtSignature: 'CALLSIG' } } },
          { type: 'text', text: 'done', providerMetadata: { gemini: { thoughtSignature: 'TEXTSIG' } } },
          { type: 'text', text: '', providerMetadata: { gemini: { thoughtSignature: 'TAILSIG' } } },
        ],
      });
    });

    it('a tool-call carrier without a tool_use after it is dropped with a warning', () => {
      const { value, warnings } = decode({
        messages: [{ role: 'assistant', content: [{ type: 'thinking', thinking: '', signature: 'cligate:tool-call:X' }, { type: 'text', text: 't' }] }],
      });
      expect(value.messages[0]!.content).toStrictEqual([{ type: 'text', text: 't' }]);
      expect(warnings).toHaveLength(1);
    });
  });

  describe('tool results', () => {
    const history = [
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_b', name: 'screenshot', input: {} },
        ],
      },
    ];

    it('tool_result → tool message (name looked up by id); JSON object text → object; errors flagged; media follows', () => {
      const { value } = decode({
        messages: [
          ...history,
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_a', content: '{"temp": 21}' },
              {
                type: 'tool_result',
                tool_use_id: 'toolu_b',
                is_error: true,
                content: [
                  { type: 'text', text: 'line 1' },
                  { type: 'text', text: 'line 2' },
                  { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'SHOT' } },
                ],
              },
              { type: 'text', text: 'Go on' },
            ],
          },
        ],
      });
      expect(value.messages.slice(2)).toStrictEqual([
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'toolu_a', toolName: 'get_weather', output: { temp: 21 } },
            { type: 'tool-result', toolCallId: 'toolu_b', toolName: 'screenshot', output: 'line 1\nline 2', isError: true },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'file', mediaType: 'image/png', data: 'SHOT' },
            { type: 'text', text: 'Go on' },
          ],
        },
      ]);
    });

    it('an empty tool_result is an empty string; an unknown tool_use_id is a 400', () => {
      const { value } = decode({ messages: [...history, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_a' }] }] });
      expect(value.messages[2]).toStrictEqual({
        role: 'tool',
        content: [{ type: 'tool-result', toolCallId: 'toolu_a', toolName: 'get_weather', output: '' }],
      });
      const error = invalid({ messages: [...history, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'nope' }] }] });
      expect(error.param).toBe('messages[2].content[0].tool_use_id');
      expect(error.message).toContain('"nope"');
    });
  });

  describe('tools and tool_choice', () => {
    it('custom tools (null input_schema → empty object schema); web_search → Google Search; other server tools ignored', () => {
      const { value, warnings } = decode({
        tools: [
          { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
          { type: 'custom', name: 'noop', input_schema: null },
          { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
          { type: 'bash_20250124', name: 'bash' },
        ],
      });
      expect(value.tools).toStrictEqual([
        { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
        { name: 'noop', parameters: { type: 'object', properties: {} } },
      ]);
      expect(value.builtinTools).toStrictEqual({ googleSearch: true });
      expect(warnings).toStrictEqual(['tools[3]: tool type "bash_20250124" is not supported and was ignored']);
      expect(encodeGeminiUpstreamRequest(value).value.tools).toStrictEqual([
        {
          functionDeclarations: [
            { name: 'get_weather', description: 'Weather', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } } },
            { name: 'noop', parametersJsonSchema: { type: 'object', properties: {} } },
          ],
        },
        { googleSearch: {} },
      ]);
    });

    it.each([
      [{ type: 'auto' }, { type: 'auto' }],
      [{ type: 'any', disable_parallel_tool_use: true }, { type: 'required' }],
      [{ type: 'tool', name: 'get_weather' }, { type: 'tool', toolName: 'get_weather' }],
      [{ type: 'none' }, { type: 'none' }],
    ])('tool_choice %j → %j', (choice, expected) => {
      expect(decode({ tool_choice: choice }).value.toolChoice).toStrictEqual(expected);
    });

    it('bad tool_choice is a 400', () => {
      expect(invalid({ tool_choice: { type: 'some' } }).param).toBe('tool_choice.type');
      expect(invalid({ tool_choice: { type: 'tool' } }).param).toBe('tool_choice.name');
    });
  });

  describe('thinking (§8.3)', () => {
    it.each([
      [{ thinking: { type: 'enabled', budget_tokens: 2048 } }, { budgetTokens: 2048 }],
      [{ thinking: { type: 'enabled', budget_tokens: 2048, display: 'omitted' } }, { budgetTokens: 2048, includeThoughts: false }],
      [{ thinking: { type: 'enabled' } }, { effort: 'auto' }],
      [{ thinking: { type: 'disabled' } }, { includeThoughts: false }],
      [{ thinking: { type: 'adaptive' } }, { effort: 'auto' }],
      [{ thinking: { type: 'adaptive' }, output_config: { effort: 'low' } }, { effort: 'low' }],
      [{ thinking: { type: 'adaptive', display: 'omitted' }, output_config: { effort: 'max' } }, { effort: 'max', includeThoughts: false }],
    ])('%j → %j', (body, thinking) => {
      expect(decode(body).value.thinking).toStrictEqual(thinking);
    });

    it('reaches Google clamped to the model (budget above gemini-2.5-pro max → 32768)', () => {
      const { value } = decode({ thinking: { type: 'enabled', budget_tokens: 48000 } });
      expect(encodeGeminiUpstreamRequest(value).value.generationConfig?.thinkingConfig).toStrictEqual({
        thinkingBudget: 32768,
        includeThoughts: true,
      });
    });

    it('effort without adaptive thinking is ignored with a warning; bad values are a 400', () => {
      const { value, warnings } = decode({ output_config: { effort: 'high' } });
      expect(value.thinking).toBeUndefined();
      expect(warnings).toHaveLength(1);
      expect(invalid({ thinking: { type: 'sometimes' } }).param).toBe('thinking.type');
      expect(invalid({ thinking: { type: 'adaptive' }, output_config: { effort: 'huge' } }).param).toBe('output_config.effort');
    });

    it('output_config.format json_schema → JSON response format', () => {
      expect(
        decode({ output_config: { format: { type: 'json_schema', schema: { type: 'object' } } } }).value.responseFormat,
      ).toStrictEqual({ type: 'json', schema: { type: 'object' } });
    });
  });
});

describe('decodeAnthropicCountTokensRequest', () => {
  it('takes the same body without max_tokens and never streams', () => {
    const { value } = decodeAnthropicCountTokensRequest(
      { model: 'gemini-2.5-pro', system: 'S', messages: [{ role: 'user', content: 'Hi' }], stream: true },
      {},
    );
    expect(value).toStrictEqual({
      model: 'gemini-2.5-pro',
      system: [{ type: 'text', text: 'S' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      tools: [],
      generation: {},
      stream: false,
    });
    expect(
      decodeAnthropicCountTokensRequest({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }] }, {}).value.generation,
    ).toStrictEqual({});
  });

  it('still validates the rest', () => {
    expect(invalid({ messages: undefined }, (body) => decodeAnthropicCountTokensRequest({ model: 'm', ...body }, {})).param).toBe('messages');
  });
});

// ---------------------------------------------------------------------------------------------
// Multi-turn tool loops: a client replays our answer; every signature must land on its Gemini part
// ---------------------------------------------------------------------------------------------

const GOLDEN = new URL('../code-assist/__golden__/', import.meta.url);
const goldenMessage = (name: string) =>
  JSON.parse(readFileSync(new URL(`${name}.as-anthropic-messages.json`, GOLDEN), 'utf8')) as { content: unknown[] };

/** Our stream, read by the real SDK, its final message replayed as history: what Claude Code does. */
async function replayThroughSdk(parts: ChatStreamPart[]): Promise<Anthropic.Message> {
  const sse = runStage(
    createAnthropicMessagesClientStreamEncoder({ responseId: 'loop', model: 'gemini-3-pro-preview', created: 0, includeUsage: true }),
    parts,
  ).join('');
  const client = new Anthropic({
    apiKey: 'x',
    baseURL: 'http://gateway.test',
    maxRetries: 0,
    fetch: async () => new Response(sse, { headers: { 'content-type': 'text/event-stream' } }),
  });
  return client.messages.stream({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).finalMessage();
}

describe('multi-turn tool loop (Anthropic → Gemini)', () => {
  it('tool-call.1 replayed: the first functionCall gets its own signature back, tool results follow', () => {
    const { value } = decode({
      messages: [
        { role: 'user', content: 'Weather in Paris and Tokyo?' },
        { role: 'assistant', content: goldenMessage('tool-call.1').content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_golden001', content: '{"temp":21}' },
            { type: 'tool_result', tool_use_id: 'call_golden002', content: 'rainy' },
          ],
        },
      ],
    });
    expect(encodeGeminiUpstreamRequest(value).value.contents).toStrictEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Tokyo?' }] },
      {
        role: 'model',
        parts: [
          { text: "I'll look up the weather in both cities." },
          { functionCall: { name: 'get_weather', args: { city: 'Paris', unit: 'celsius' } }, thoughtSignature: 'CiQBVKhc7pQpSkq0ZqZsig==' },
          { functionCall: { name: 'get_weather', args: { city: 'Tokyo', unit: 'celsius' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temp: 21 } } },
          { functionResponse: { name: 'get_weather', response: { result: 'rainy' } } },
        ],
      },
    ]);
  });

  it('thinking-signature.1 replayed: the thought and the text part each get their own signature', () => {
    const { value } = decode({
      messages: [
        { role: 'user', content: '6 × 7?' },
        { role: 'assistant', content: goldenMessage('thinking-signature.1').content },
        { role: 'user', content: 'And 6 × 8?' },
      ],
    });
    expect(encodeGeminiUpstreamRequest(value).value.contents[1]).toStrictEqual({
      role: 'model',
      parts: [
        {
          text: '**Weighing the arithmetic**\n\nThe user asks for 6 × 7. Multiplying gives 42.',
          thought: true,
          thoughtSignature: 'EvMDCvADAdHtim9sig1',
        },
        { text: '6 × 7 = **42**.', thoughtSignature: 'EpQCCpECAdHtim9sig2' },
      ],
    });
  });

  it('Gemini 3 tool turn (unsigned thoughts, signed call) through the SDK: one thinking block, the call keeps its signature', async () => {
    const message = await replayThroughSdk([
      { type: 'reasoning-delta', delta: 'I need the weather. ' },
      { type: 'reasoning-delta', delta: 'Calling the tool.' },
      { type: 'tool-call', toolCallId: 'call_x', toolName: 'get_weather', input: { city: 'Oslo' }, providerMetadata: { gemini: { thoughtSignature: 'G3SIG' } } },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'STOP' } },
    ]);
    expect(message.content).toStrictEqual([
      { type: 'thinking', thinking: 'I need the weather. Calling the tool.', signature: 'cligate:tool-call:G3SIG' },
      { type: 'tool_use', id: 'call_x', name: 'get_weather', input: { city: 'Oslo' } },
    ]);
    const { value } = decode({
      model: 'gemini-3-pro-preview',
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: message.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_x', content: '{"temp":-3}' }] },
      ],
    });
    expect(encodeGeminiUpstreamRequest(value).value.contents.slice(1)).toStrictEqual([
      // unsigned thought text cannot be replayed and is dropped; the call carries its real signature
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'G3SIG' }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: -3 } } }] },
    ]);
  });

  it('a thinking block with a plain signature + tool_use + tool_result: the signature stays on the thought part', () => {
    const { value } = decode({
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Let me check.', signature: 'THOUGHTSIG' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Rome' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }] },
      ],
    });
    expect(encodeGeminiUpstreamRequest(value).value.contents[1]).toStrictEqual({
      role: 'model',
      parts: [
        { text: 'Let me check.', thought: true, thoughtSignature: 'THOUGHTSIG' },
        // no call signature was replayed: the first call of the turn gets the documented sentinel
        { functionCall: { name: 'get_weather', args: { city: 'Rome' } }, thoughtSignature: SKIP_THOUGHT_SIGNATURE },
      ],
    });
  });
});

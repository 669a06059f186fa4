import { describe, expect, it } from 'vitest';
import type { GatewayErrorCode } from '../../common/errors/gateway-error.js';
import { GATEWAY_ERROR_STATUS } from '../../common/errors/gateway-error.js';
import type { ChatResponse } from '../ir/chat-response.js';
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import { runStage } from '../ir/stream-stage.js';
import type { EncodeContext } from '../protocol-codec.js';
import { createAnthropicMessagesEventStage } from './anthropic-messages-client-stream-encoder.js';
import { anthropicMessagesCodec } from './anthropic-messages-codec.js';
import type { AnthropicStreamEvent } from './anthropic-messages-wire.js';

const context: EncodeContext = { responseId: 'abc', model: 'gemini-2.5-pro-high', created: 1767000000, includeUsage: false };
const usage = { inputTokens: 10, outputTokens: 41, reasoningTokens: 24, cachedInputTokens: 4, totalTokens: 51 };
const stop = { type: 'finish', finishReason: { unified: 'stop', raw: 'STOP' } } as const;

const events = (parts: ChatStreamPart[]): AnthropicStreamEvent[] => runStage(createAnthropicMessagesEventStage(context), parts);

/** events without the message_start/ping head, compacted for reading */
function body(parts: ChatStreamPart[]): unknown[] {
  return events(parts)
    .slice(2)
    .map((e) => {
      switch (e.type) {
        case 'content_block_start':
          return ['start', e.index, e.content_block];
        case 'content_block_delta':
          return ['delta', e.index, e.delta];
        case 'content_block_stop':
          return ['stop', e.index];
        default:
          return e;
      }
    });
}

describe('Anthropic stream events (§4.3)', () => {
  it('message_start (usage zeros, model and id from the context), then ping', () => {
    expect(events([stop]).slice(0, 2)).toStrictEqual([
      {
        type: 'message_start',
        message: {
          id: 'msg_abc',
          type: 'message',
          role: 'assistant',
          model: 'gemini-2.5-pro-high',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      },
      { type: 'ping' },
    ]);
  });

  it('message_start reports input tokens when usage is known before the first content', () => {
    const start = events([{ type: 'usage', usage }, { type: 'text-delta', delta: 'x' }, stop])[0] as { message: { usage: unknown } };
    expect(start.message.usage).toStrictEqual({ input_tokens: 6, output_tokens: 0 });
  });

  it('one block open at a time: thinking → text → tool_use, signature right before the thinking stop', () => {
    expect(
      body([
        { type: 'response-metadata', id: 'up', model: 'gemini-2.5-pro' },
        { type: 'reasoning-delta', delta: 'Let me ' },
        { type: 'reasoning-delta', delta: 'think.', signature: 'SIG' },
        { type: 'text-delta', delta: '' },
        { type: 'text-delta', delta: 'Hi' },
        { type: 'text-delta', delta: ' there' },
        { type: 'tool-call', toolCallId: 'c1', toolName: 'f', input: { a: 1 } },
        { type: 'usage', usage },
        { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'STOP' } },
      ]),
    ).toStrictEqual([
      ['start', 0, { type: 'thinking', thinking: '', signature: '' }],
      ['delta', 0, { type: 'thinking_delta', thinking: 'Let me ' }],
      ['delta', 0, { type: 'thinking_delta', thinking: 'think.' }],
      ['delta', 0, { type: 'signature_delta', signature: 'SIG' }],
      ['stop', 0],
      ['start', 1, { type: 'text', text: '' }],
      ['delta', 1, { type: 'text_delta', text: 'Hi' }],
      ['delta', 1, { type: 'text_delta', text: ' there' }],
      ['stop', 1],
      ['start', 2, { type: 'tool_use', id: 'c1', name: 'f', input: {} }],
      ['delta', 2, { type: 'input_json_delta', partial_json: '{"a":1}' }],
      ['stop', 2],
      {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { input_tokens: 6, output_tokens: 41, cache_read_input_tokens: 4 },
      },
      { type: 'message_stop' },
    ]);
  });

  it('text after thinking closes the thinking block; a later thought opens a new block', () => {
    expect(
      body([{ type: 'reasoning-delta', delta: 'a' }, { type: 'text-delta', delta: 'b' }, { type: 'reasoning-delta', delta: 'c' }, stop]),
    ).toStrictEqual([
      ['start', 0, { type: 'thinking', thinking: '', signature: '' }],
      ['delta', 0, { type: 'thinking_delta', thinking: 'a' }],
      ['stop', 0],
      ['start', 1, { type: 'text', text: '' }],
      ['delta', 1, { type: 'text_delta', text: 'b' }],
      ['stop', 1],
      ['start', 2, { type: 'thinking', thinking: '', signature: '' }],
      ['delta', 2, { type: 'thinking_delta', thinking: 'c' }],
      ['stop', 2],
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0 } },
      { type: 'message_stop' },
    ]);
  });

  it('a tool-call signature rides on the open unsigned thinking block, else on an empty one', () => {
    const sig = (s: string) => ({ gemini: { thoughtSignature: s } });
    expect(
      body([
        { type: 'reasoning-delta', delta: 'plan' },
        { type: 'tool-call', toolCallId: 'c1', toolName: 'f', input: {}, providerMetadata: sig('S1') },
        { type: 'tool-call', toolCallId: 'c2', toolName: 'f', input: {}, providerMetadata: sig('S2') },
        stop,
      ]).slice(0, 10),
    ).toStrictEqual([
      ['start', 0, { type: 'thinking', thinking: '', signature: '' }],
      ['delta', 0, { type: 'thinking_delta', thinking: 'plan' }],
      ['delta', 0, { type: 'signature_delta', signature: 'cligate:tool-call:S1' }],
      ['stop', 0],
      ['start', 1, { type: 'tool_use', id: 'c1', name: 'f', input: {} }],
      ['delta', 1, { type: 'input_json_delta', partial_json: '{}' }],
      ['stop', 1],
      ['start', 2, { type: 'thinking', thinking: '', signature: '' }],
      ['delta', 2, { type: 'signature_delta', signature: 'cligate:tool-call:S2' }],
      ['stop', 2],
    ]);
  });

  it('a signed text chunk starts a new text block after its carrier; a bare signature opens no empty text', () => {
    const sig = (s: string) => ({ gemini: { thoughtSignature: s } });
    expect(
      body([
        { type: 'text-delta', delta: 'a' },
        { type: 'text-delta', delta: 'b', providerMetadata: sig('T1') },
        { type: 'text-delta', delta: '', providerMetadata: sig('T2') },
        stop,
      ]).slice(0, 12),
    ).toStrictEqual([
      ['start', 0, { type: 'text', text: '' }],
      ['delta', 0, { type: 'text_delta', text: 'a' }],
      ['stop', 0],
      ['start', 1, { type: 'thinking', thinking: '', signature: '' }],
      ['delta', 1, { type: 'signature_delta', signature: 'cligate:text:T1' }],
      ['stop', 1],
      ['start', 2, { type: 'text', text: '' }],
      ['delta', 2, { type: 'text_delta', text: 'b' }],
      ['stop', 2],
      ['start', 3, { type: 'thinking', thinking: '', signature: '' }],
      ['delta', 3, { type: 'signature_delta', signature: 'cligate:text:T2' }],
      ['stop', 3],
    ]);
  });

  it('images are one block carrying the whole base64 source', () => {
    expect(body([{ type: 'file', mediaType: 'image/webp', data: 'AAAA' }, stop]).slice(0, 2)).toStrictEqual([
      ['start', 0, { type: 'image', source: { type: 'base64', media_type: 'image/webp', data: 'AAAA' } }],
      ['stop', 0],
    ]);
  });

  it('sources: citations on the open text block; sources with no text open an empty text block at the end', () => {
    const citation = { type: 'web_search_result_location', url: 'https://a', title: 'A', cited_text: '', encrypted_index: '' };
    expect(body([{ type: 'text-delta', delta: 'x' }, { type: 'source', source: { url: 'https://a', title: 'A' } }, stop]).slice(0, 4)).toStrictEqual([
      ['start', 0, { type: 'text', text: '' }],
      ['delta', 0, { type: 'text_delta', text: 'x' }],
      ['delta', 0, { type: 'citations_delta', citation }],
      ['stop', 0],
    ]);
    expect(
      body([{ type: 'tool-call', toolCallId: 'c', toolName: 'f', input: {} }, { type: 'source', source: { url: 'https://b' } }, stop]).slice(3, 6),
    ).toStrictEqual([
      ['start', 1, { type: 'text', text: '' }],
      ['delta', 1, { type: 'citations_delta', citation: { ...citation, url: 'https://b', title: null } }],
      ['stop', 1],
    ]);
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool-calls', 'tool_use'],
    ['content-filter', 'refusal'],
    ['other', 'end_turn'],
    ['error', 'end_turn'],
  ] as const)('finish %s → stop_reason %s', (unified, stopReason) => {
    const delta = events([{ type: 'finish', finishReason: { unified } }]).find((e) => e.type === 'message_delta') as {
      delta: { stop_reason: string };
    };
    expect(delta.delta.stop_reason).toBe(stopReason);
  });

  it('an error part becomes an error event; nothing follows (no message_delta / message_stop)', () => {
    const out = runStage(anthropicMessagesCodec.createClientStreamEncoder(context), [
      { type: 'text-delta', delta: 'a' },
      { type: 'error', error: { code: 'rate_limited', status: 429, message: 'slow down' } },
      stop,
    ]).join('');
    expect(out.endsWith('event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}\n\n')).toBe(true);
    expect(out).not.toContain('message_stop');
    expect(out).not.toContain('message_delta');
  });

  it('a stream that ends without a finish ends with an error event, never message_stop', () => {
    const out = runStage(anthropicMessagesCodec.createClientStreamEncoder(context), [{ type: 'text-delta', delta: 'a' }]).join('');
    expect(out).toContain('event: error\n');
    expect(out).not.toContain('message_stop');
  });

  it('frames: event name = payload type, one string per IR part', () => {
    const frames = runStage(anthropicMessagesCodec.createClientStreamEncoder(context), [{ type: 'text-delta', delta: 'Hi' }, stop]);
    expect(frames).toHaveLength(2);
    for (const frame of frames.join('').split('\n\n').filter(Boolean)) {
      const [eventLine, dataLine] = frame.split('\n');
      expect(eventLine!.slice('event: '.length)).toBe((JSON.parse(dataLine!.slice('data: '.length)) as { type: string }).type);
    }
  });
});

describe('encodeAnthropicMessagesClientResponse (§4.2)', () => {
  const response = (overrides: Partial<ChatResponse>): ChatResponse => ({
    id: 'up',
    model: 'up-model',
    created: 1,
    content: [],
    finishReason: { unified: 'stop', raw: 'STOP' },
    usage,
    sources: [],
    ...overrides,
  });

  it('renders thinking, text, tool_use with the input object, image; sources after the last text get a text block of their own', () => {
    expect(
      anthropicMessagesCodec.encodeClientResponse(
        response({
          content: [
            { type: 'reasoning', text: 'hmm', signature: 'S' },
            { type: 'text', text: 'Here.' },
            { type: 'tool-call', toolCallId: 'toolu_1', toolName: 'f', input: { a: [1, 2] } },
            { type: 'file', mediaType: 'image/png', data: 'AAAA' },
            { type: 'file', mediaType: 'image/png', url: 'https://x' },
          ],
          finishReason: { unified: 'tool-calls', raw: 'STOP' },
          sources: [{ url: 'https://a', title: 'A' }],
        }),
        context,
      ),
    ).toStrictEqual({
      id: 'msg_abc',
      type: 'message',
      role: 'assistant',
      model: 'gemini-2.5-pro-high',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'S' },
        { type: 'text', text: 'Here.' },
        { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: [1, 2] } },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
        {
          type: 'text',
          text: '',
          citations: [{ type: 'web_search_result_location', url: 'https://a', title: 'A', cited_text: '', encrypted_index: '' }],
        },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 6, output_tokens: 41, cache_read_input_tokens: 4 },
    });
  });

  it('an empty answer has no blocks; unsigned thoughts have signature ""', () => {
    expect((anthropicMessagesCodec.encodeClientResponse(response({}), context) as { content: unknown[] }).content).toStrictEqual([]);
    expect(
      (anthropicMessagesCodec.encodeClientResponse(response({ content: [{ type: 'reasoning', text: 't' }] }), context) as { content: unknown[] })
        .content,
    ).toStrictEqual([{ type: 'thinking', thinking: 't', signature: '' }]);
  });

  it('count_tokens answer', () => {
    expect(anthropicMessagesCodec.encodeCountTokensResponse(42)).toStrictEqual({ input_tokens: 42 });
  });
});

describe('Anthropic errors (§2.1)', () => {
  const expected: Record<GatewayErrorCode, string> = {
    invalid_request: 'invalid_request_error',
    unauthenticated: 'authentication_error',
    permission_denied: 'permission_error',
    not_found: 'not_found_error',
    payload_too_large: 'request_too_large',
    quota_exceeded: 'rate_limit_error',
    rate_limited: 'rate_limit_error',
    upstream_rejected: 'invalid_request_error',
    upstream_unavailable: 'api_error',
    no_credentials: 'overloaded_error',
    service_unavailable: 'overloaded_error',
    upstream_timeout: 'timeout_error',
    internal: 'api_error',
  };

  it.each(Object.entries(expected))('%s → %s', (code, type) => {
    const gatewayCode = code as GatewayErrorCode;
    expect(
      anthropicMessagesCodec.encodeClientError({ code: gatewayCode, status: GATEWAY_ERROR_STATUS[gatewayCode], message: 'm' }),
    ).toStrictEqual({ type: 'error', error: { type, message: 'm' } });
  });

  it('stream error: one `event: error` frame', () => {
    expect(anthropicMessagesCodec.encodeClientStreamError({ code: 'service_unavailable', status: 503, message: 'busy' })).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"busy"}}\n\n',
    );
  });
});

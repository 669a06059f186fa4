import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../common/errors/gateway-error.js';
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import { runStage } from '../ir/stream-stage.js';
import { MALFORMED_UPSTREAM_EVENT } from '../sse/parse-upstream-sse-json.js';
import { convertOpenAiChatUsage } from './convert-openai-chat-usage.js';
import { decodeOpenAiChatUpstreamResponse } from './decode-openai-chat-upstream-response.js';
import { mapOpenAiChatFinishReason } from './map-openai-chat-finish-reason.js';
import { createOpenAiChatUpstreamStreamDecoder } from './openai-chat-upstream-stream-decoder.js';

const ids = () => {
  let n = 0;
  return () => `call_minted_${++n}`;
};

const decode = (chunks: unknown[], includeThoughts = true): ChatStreamPart[] =>
  runStage(createOpenAiChatUpstreamStreamDecoder({ includeThoughts, generateToolCallId: ids() }), chunks);

const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1767000000,
  model: 'gpt-4.1',
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...extra,
});

const FINISH_STOP: ChatStreamPart = { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' } };

describe('createOpenAiChatUpstreamStreamDecoder', () => {
  it('emits metadata once, text deltas, usage from the choices-less chunk, then finish at flush', () => {
    expect(
      decode([
        chunk({ role: 'assistant', content: '', refusal: null }),
        chunk({ content: 'Hel' }),
        chunk({ content: 'lo' }),
        chunk({}, 'stop'),
        { ...chunk({}), choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } },
      ]),
    ).toStrictEqual([
      { type: 'response-metadata', id: 'chatcmpl-1', model: 'gpt-4.1', created: 1767000000 },
      { type: 'text-delta', delta: 'Hel' },
      { type: 'text-delta', delta: 'lo' },
      { type: 'usage', usage: { inputTokens: 5, outputTokens: 2, reasoningTokens: 0, cachedInputTokens: 0, totalTokens: 7 } },
      FINISH_STOP,
    ]);
  });

  it('reads reasoning_content, else reasoning, and drops it when thoughts are hidden', () => {
    const chunks = [
      chunk({ reasoning_content: 'a', reasoning: 'a' }),
      chunk({ reasoning: 'b' }),
      chunk({ reasoning_content: '', reasoning: 'c' }),
      chunk({ content: 'x' }, 'stop'),
    ];
    expect(decode(chunks).filter((p) => p.type === 'reasoning-delta')).toStrictEqual([
      { type: 'reasoning-delta', delta: 'a' },
      { type: 'reasoning-delta', delta: 'b' },
      { type: 'reasoning-delta', delta: 'c' },
    ]);
    expect(decode(chunks, false).map((p) => p.type)).toStrictEqual(['response-metadata', 'text-delta', 'finish']);
  });

  it('treats a refusal as text', () => {
    expect(decode([chunk({ refusal: "I can't help with that." }, 'stop')])[1]).toStrictEqual({ type: 'text-delta', delta: "I can't help with that." });
  });

  it('accumulates tool-call fragments by index across chunks and emits complete calls at finish', () => {
    const parts = decode([
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'now', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Pa' } }] }),
      chunk({ tool_calls: [{ index: 0, id: 'ignored-later-id', function: { name: 'ignored', arguments: 'ris"}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    expect(parts.slice(1)).toStrictEqual([
      { type: 'tool-call', toolCallId: 'call_a', toolName: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool-call', toolCallId: 'call_b', toolName: 'now', input: {} },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
    ]);
  });

  it('mints ids for calls without one, accepts object arguments, and makes a tool turn tool-calls even when the server says stop', () => {
    const parts = decode([chunk({ tool_calls: [{ function: { name: 'f', arguments: { x: 1 } } }] }, 'stop')]);
    expect(parts.slice(1)).toStrictEqual([
      { type: 'tool-call', toolCallId: 'call_minted_1', toolName: 'f', input: { x: 1 } },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'stop' } },
    ]);
  });

  it('ends with an error when a finished call has broken arguments', () => {
    const parts = decode([chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{"a":' } }] }), chunk({}, 'tool_calls')]);
    expect(parts[parts.length - 1]).toStrictEqual({
      type: 'error',
      error: { code: 'upstream_unavailable', status: 502, message: 'upstream sent invalid JSON arguments for tool call "f"' },
    });
    expect(parts.filter((p) => p.type === 'tool-call')).toHaveLength(0);
  });

  it('drops a call cut by the token limit and finishes as length', () => {
    const parts = decode([
      chunk({ content: 'Let me look.' }),
      chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{"q":"pri' } }] }),
      chunk({}, 'length'),
    ]);
    expect(parts.slice(1)).toStrictEqual([
      { type: 'text-delta', delta: 'Let me look.' },
      { type: 'finish', finishReason: { unified: 'length', raw: 'length' } },
    ]);
  });

  it('emits data-URL images as files and skips other URLs', () => {
    const parts = decode([
      chunk({
        images: [
          { type: 'image_url', image_url: { url: 'data:image/webp;base64,UklG' }, index: 0 },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' }, index: 1 },
        ],
      }, 'stop'),
    ]);
    expect(parts.slice(1)).toStrictEqual([{ type: 'file', mediaType: 'image/webp', data: 'UklG' }, FINISH_STOP]);
  });

  it('reads usage details and emits usage only when it changes', () => {
    const usage = { prompt_tokens: 100, completion_tokens: 40, total_tokens: 140, prompt_tokens_details: { cached_tokens: 60 }, completion_tokens_details: { reasoning_tokens: 30 } };
    const parts = decode([chunk({ content: 'a' }, null, { usage: null }), chunk({}, 'stop', { usage }), { choices: [], usage }]);
    expect(parts.filter((p) => p.type === 'usage')).toStrictEqual([
      { type: 'usage', usage: { inputTokens: 100, outputTokens: 40, reasoningTokens: 30, cachedInputTokens: 60, totalTokens: 140 } },
    ]);
  });

  it('keeps only choice 0 of an n > 1 answer', () => {
    const parts = decode([
      { choices: [{ index: 1, delta: { content: 'other' }, finish_reason: null }, { index: 0, delta: { content: 'mine' }, finish_reason: null }] },
      { choices: [{ index: 1, delta: {}, finish_reason: 'length' }, { index: 0, delta: {}, finish_reason: 'stop' }] },
    ]);
    expect(parts).toStrictEqual([{ type: 'text-delta', delta: 'mine' }, FINISH_STOP]);
  });

  it('reports a stream that ends without finish_reason as truncated (pending calls are discarded)', () => {
    const parts = decode([chunk({ content: 'partial' }), chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{}' } }] })]);
    expect(parts.slice(1)).toStrictEqual([
      { type: 'text-delta', delta: 'partial' },
      { type: 'error', error: { code: 'upstream_unavailable', status: 502, message: 'upstream stream ended before completion' } },
    ]);
    expect(decode([])).toStrictEqual([{ type: 'error', error: { code: 'upstream_unavailable', status: 502, message: 'upstream stream ended before completion' } }]);
  });

  it('turns an error chunk into an error part and ignores everything after it', () => {
    const parts = decode([
      chunk({ content: 'a' }),
      { error: { message: 'Rate limit reached for gpt-4.1', type: 'requests', code: 'rate_limit_exceeded' } },
      chunk({ content: 'b' }, 'stop'),
    ]);
    expect(parts.slice(1)).toStrictEqual([
      { type: 'text-delta', delta: 'a' },
      { type: 'error', error: { code: 'rate_limited', status: 429, message: 'Rate limit reached for gpt-4.1' } },
    ]);
  });

  it('turns a malformed event into an error part, and skips non-object chunks', () => {
    expect(decode([chunk({ content: 'a' }), MALFORMED_UPSTREAM_EVENT]).slice(-1)[0]).toStrictEqual({
      type: 'error',
      error: { code: 'upstream_unavailable', status: 502, message: 'upstream sent a malformed stream event' },
    });
    expect(decode([42, 'x', null, [1], chunk({}, 'stop')])).toHaveLength(2);
  });

  it('ignores wrong-typed fields without throwing', () => {
    expect(() =>
      decode([{ id: 5, choices: [{ delta: { content: 7, tool_calls: 'x', images: {} }, finish_reason: 3 }], usage: 'x' }, chunk({}, 'stop')]),
    ).not.toThrow();
  });
});

describe('decodeOpenAiChatUpstreamResponse', () => {
  const defaults = { id: 'fallback', model: 'fallback-model', created: 1 };

  it('decodes a chat.completion body with the stream decoder', () => {
    const response = decodeOpenAiChatUpstreamResponse(
      {
        id: 'chatcmpl-9',
        object: 'chat.completion',
        created: 1767000000,
        model: 'gpt-4.1',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: 'Checking.',
              reasoning_content: 'need weather',
              refusal: null,
              tool_calls: [
                { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
                { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
              ],
            },
            logprobs: null,
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
      },
      defaults,
    );
    expect(response).toStrictEqual({
      id: 'chatcmpl-9',
      model: 'gpt-4.1',
      created: 1767000000,
      content: [
        { type: 'reasoning', text: 'need weather' },
        { type: 'text', text: 'Checking.' },
        { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool-call', toolCallId: 'call_2', toolName: 'get_weather', input: { city: 'Rome' } },
      ],
      finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      usage: { inputTokens: 10, outputTokens: 20, reasoningTokens: 0, cachedInputTokens: 0, totalTokens: 30 },
      sources: [],
    });
  });

  it('throws for an error body and for a body without finish_reason', () => {
    expect(() => decodeOpenAiChatUpstreamResponse({ error: { message: 'bad', type: 'invalid_request_error' } }, defaults)).toThrow(GatewayError);
    expect(() => decodeOpenAiChatUpstreamResponse({ choices: [{ index: 0, message: { content: 'x' } }] }, defaults)).toThrow(
      'upstream stream ended before completion',
    );
  });
});

describe('mapOpenAiChatFinishReason / convertOpenAiChatUsage', () => {
  it('maps every finish_reason, keeping the raw value', () => {
    expect(mapOpenAiChatFinishReason('stop', false)).toStrictEqual({ unified: 'stop', raw: 'stop' });
    expect(mapOpenAiChatFinishReason('length', true)).toStrictEqual({ unified: 'length', raw: 'length' });
    expect(mapOpenAiChatFinishReason('tool_calls', false)).toStrictEqual({ unified: 'tool-calls', raw: 'tool_calls' });
    expect(mapOpenAiChatFinishReason('function_call', false)).toStrictEqual({ unified: 'tool-calls', raw: 'function_call' });
    expect(mapOpenAiChatFinishReason('content_filter', false)).toStrictEqual({ unified: 'content-filter', raw: 'content_filter' });
    expect(mapOpenAiChatFinishReason('error', false)).toStrictEqual({ unified: 'other', raw: 'error' });
  });

  it('reads usage leniently', () => {
    expect(convertOpenAiChatUsage(null)).toBeUndefined();
    expect(convertOpenAiChatUsage({ prompt_tokens: 3, completion_tokens: 4 })).toStrictEqual({
      inputTokens: 3,
      outputTokens: 4,
      reasoningTokens: 0,
      cachedInputTokens: 0,
      totalTokens: 7,
    });
  });
});

import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../common/errors/gateway-error.js';
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import { runStage } from '../ir/stream-stage.js';
import { MALFORMED_UPSTREAM_EVENT } from '../sse/parse-upstream-sse-json.js';
import { createAnthropicMessagesUpstreamStreamDecoder } from './anthropic-messages-upstream-stream-decoder.js';
import { redactedThinkingSignature } from './anthropic-messages-upstream-wire.js';
import { decodeAnthropicMessagesUpstreamResponse } from './decode-anthropic-messages-upstream-response.js';
import { mapAnthropicStopReason } from './map-anthropic-messages-finish-reason.js';

const decode = (events: unknown[], includeThoughts = true): ChatStreamPart[] =>
  runStage(createAnthropicMessagesUpstreamStreamDecoder({ includeThoughts }), events);

const start = (usage: Record<string, unknown> = { input_tokens: 10, output_tokens: 1 }) => ({
  type: 'message_start',
  message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, usage },
});
const blockStart = (index: number, content_block: Record<string, unknown>) => ({ type: 'content_block_start', index, content_block });
const delta = (index: number, d: Record<string, unknown>) => ({ type: 'content_block_delta', index, delta: d });
const stop = (index: number) => ({ type: 'content_block_stop', index });
const messageDelta = (stop_reason: string | null, usage: Record<string, unknown> = { output_tokens: 5 }) => ({
  type: 'message_delta',
  delta: { stop_reason, stop_sequence: null },
  usage,
});
const END = { type: 'message_stop' };
const text = (index: number, value: string) => [blockStart(index, { type: 'text', text: '' }), delta(index, { type: 'text_delta', text: value }), stop(index)];

describe('createAnthropicMessagesUpstreamStreamDecoder', () => {
  it('emits usage and metadata at message_start, text deltas, updated usage, then finish at flush; ping is ignored', () => {
    expect(
      decode([
        start({ input_tokens: 10, cache_read_input_tokens: 90, cache_creation_input_tokens: 5, output_tokens: 1 }),
        { type: 'ping' },
        blockStart(0, { type: 'text', text: '' }),
        delta(0, { type: 'text_delta', text: 'Hel' }),
        delta(0, { type: 'text_delta', text: 'lo' }),
        stop(0),
        messageDelta('end_turn', { input_tokens: null, output_tokens: 12, cache_read_input_tokens: null }),
        END,
      ]),
    ).toStrictEqual([
      { type: 'usage', usage: { inputTokens: 105, outputTokens: 1, reasoningTokens: 0, cachedInputTokens: 90, totalTokens: 106 } },
      { type: 'response-metadata', id: 'msg_1', model: 'claude-sonnet-4-5' },
      { type: 'text-delta', delta: 'Hel' },
      { type: 'text-delta', delta: 'lo' },
      { type: 'usage', usage: { inputTokens: 105, outputTokens: 12, reasoningTokens: 0, cachedInputTokens: 90, totalTokens: 117 } },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'end_turn' } },
    ]);
  });

  it('maps thinking deltas and the signature, which closes the reasoning part', () => {
    const parts = decode([
      start(),
      blockStart(0, { type: 'thinking', thinking: '', signature: '' }),
      delta(0, { type: 'thinking_delta', thinking: 'Let me ' }),
      delta(0, { type: 'thinking_delta', thinking: 'think.' }),
      delta(0, { type: 'signature_delta', signature: 'EqQBCkgIsig' }),
      stop(0),
      ...text(1, 'Answer.'),
      messageDelta('end_turn'),
      END,
    ]);
    expect(parts.filter((p) => p.type === 'reasoning-delta' || p.type === 'text-delta')).toStrictEqual([
      { type: 'reasoning-delta', delta: 'Let me ' },
      { type: 'reasoning-delta', delta: 'think.' },
      { type: 'reasoning-delta', delta: '', signature: 'EqQBCkgIsig' },
      { type: 'text-delta', delta: 'Answer.' },
    ]);
  });

  it('carries redacted thinking as a signature-only reasoning part', () => {
    const parts = decode([start(), blockStart(0, { type: 'redacted_thinking', data: 'RDCT==' }), stop(0), ...text(1, 'ok'), messageDelta('end_turn'), END]);
    expect(parts).toContainEqual({ type: 'reasoning-delta', delta: '', signature: redactedThinkingSignature('RDCT==') });
  });

  it('hides thought text when asked: a block whose text was dropped loses its signature, a textless one keeps it', () => {
    const parts = decode(
      [
        start(),
        blockStart(0, { type: 'thinking', thinking: '' }),
        delta(0, { type: 'thinking_delta', thinking: 'secret' }),
        delta(0, { type: 'signature_delta', signature: 'S-summarized' }),
        stop(0),
        blockStart(1, { type: 'thinking', thinking: '' }),
        delta(1, { type: 'signature_delta', signature: 'S-omitted' }),
        stop(1),
        blockStart(2, { type: 'redacted_thinking', data: 'R' }),
        stop(2),
        messageDelta('end_turn'),
        END,
      ],
      false,
    );
    expect(parts.filter((p) => p.type === 'reasoning-delta')).toStrictEqual([
      { type: 'reasoning-delta', delta: '', signature: 'S-omitted' },
      { type: 'reasoning-delta', delta: '', signature: redactedThinkingSignature('R') },
    ]);
  });

  it('accumulates input_json_delta fragments and emits the tool call at content_block_stop', () => {
    const parts = decode([
      start(),
      blockStart(0, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }),
      delta(0, { type: 'input_json_delta', partial_json: '' }),
      delta(0, { type: 'input_json_delta', partial_json: '{"city": "Pa' }),
      delta(0, { type: 'input_json_delta', partial_json: 'ris", "days": 0}' }),
      stop(0),
      blockStart(1, { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} }),
      stop(1),
      messageDelta('tool_use'),
      END,
    ]);
    expect(parts.slice(2)).toStrictEqual([
      { type: 'tool-call', toolCallId: 'toolu_1', toolName: 'get_weather', input: { city: 'Paris', days: 0 } },
      { type: 'tool-call', toolCallId: 'toolu_2', toolName: 'now', input: {} },
      { type: 'usage', usage: { inputTokens: 10, outputTokens: 5, reasoningTokens: 0, cachedInputTokens: 0, totalTokens: 15 } },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_use' } },
    ]);
  });

  it('keeps blocks apart when their deltas interleave by index', () => {
    const parts = decode([
      start(),
      blockStart(0, { type: 'tool_use', id: 'a', name: 'f', input: {} }),
      blockStart(1, { type: 'tool_use', id: 'b', name: 'g', input: {} }),
      delta(1, { type: 'input_json_delta', partial_json: '{"y":' }),
      delta(0, { type: 'input_json_delta', partial_json: '{"x":1}' }),
      delta(1, { type: 'input_json_delta', partial_json: '2}' }),
      stop(1),
      stop(0),
      messageDelta('tool_use'),
      END,
    ]);
    expect(parts.filter((p) => p.type === 'tool-call')).toStrictEqual([
      { type: 'tool-call', toolCallId: 'b', toolName: 'g', input: { y: 2 } },
      { type: 'tool-call', toolCallId: 'a', toolName: 'f', input: { x: 1 } },
    ]);
  });

  it('broken tool input: an error, unless the turn stopped at max_tokens (the cut call is dropped)', () => {
    const events = (reason: string) => [
      start(),
      blockStart(0, { type: 'tool_use', id: 'toolu_1', name: 'write', input: {} }),
      delta(0, { type: 'input_json_delta', partial_json: '{"content": "abc' }),
      stop(0),
      messageDelta(reason),
      END,
    ];
    expect(decode(events('tool_use')).at(-1)).toStrictEqual({
      type: 'error',
      error: { code: 'upstream_unavailable', status: 502, message: 'upstream sent invalid JSON arguments for tool call "write"' },
    });
    const cut = decode(events('max_tokens'));
    expect(cut.at(-1)).toStrictEqual({ type: 'finish', finishReason: { unified: 'length', raw: 'max_tokens' } });
    expect(cut.filter((p) => p.type === 'tool-call')).toHaveLength(0);
  });

  it('turns web search citations into deduplicated sources and skips server-tool blocks', () => {
    const citation = { type: 'web_search_result_location', url: 'https://a.example', title: 'A', cited_text: '…', encrypted_index: 'x' };
    const parts = decode([
      start(),
      blockStart(0, { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} }),
      delta(0, { type: 'input_json_delta', partial_json: '{"query":"q"}' }),
      stop(0),
      blockStart(1, { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] }),
      stop(1),
      blockStart(2, { type: 'text', text: '' }),
      delta(2, { type: 'citations_delta', citation }),
      delta(2, { type: 'text_delta', text: 'Found it.' }),
      delta(2, { type: 'citations_delta', citation }),
      stop(2),
      messageDelta('end_turn'),
      END,
    ]);
    expect(parts.filter((p) => p.type === 'source' || p.type === 'text-delta' || p.type === 'tool-call')).toStrictEqual([
      { type: 'source', source: { url: 'https://a.example', title: 'A' } },
      { type: 'text-delta', delta: 'Found it.' },
    ]);
  });

  it('maps stop reasons', () => {
    expect(mapAnthropicStopReason('end_turn', false)).toStrictEqual({ unified: 'stop', raw: 'end_turn' });
    expect(mapAnthropicStopReason('stop_sequence', false)).toStrictEqual({ unified: 'stop', raw: 'stop_sequence' });
    expect(mapAnthropicStopReason('max_tokens', true)).toStrictEqual({ unified: 'length', raw: 'max_tokens' });
    expect(mapAnthropicStopReason('model_context_window_exceeded', false)).toStrictEqual({ unified: 'length', raw: 'model_context_window_exceeded' });
    expect(mapAnthropicStopReason('tool_use', false)).toStrictEqual({ unified: 'tool-calls', raw: 'tool_use' });
    expect(mapAnthropicStopReason('refusal', false)).toStrictEqual({ unified: 'content-filter', raw: 'refusal' });
    expect(mapAnthropicStopReason('pause_turn', false)).toStrictEqual({ unified: 'other', raw: 'pause_turn' });
  });

  it('reports thinking tokens when the API breaks them out', () => {
    const parts = decode([start(), messageDelta('end_turn', { output_tokens: 50, output_tokens_details: { thinking_tokens: 30 } }), END]);
    expect(parts).toContainEqual({ type: 'usage', usage: { inputTokens: 10, outputTokens: 50, reasoningTokens: 30, cachedInputTokens: 0, totalTokens: 60 } });
  });

  it('reports a stream without message_stop as truncated, even after a stop reason', () => {
    const truncated = { type: 'error', error: { code: 'upstream_unavailable', status: 502, message: 'upstream stream ended before completion' } };
    expect(decode([start(), ...text(0, 'partial')]).at(-1)).toStrictEqual(truncated);
    expect(decode([start(), ...text(0, 'partial'), messageDelta('end_turn')]).at(-1)).toStrictEqual(truncated);
    expect(decode([])).toStrictEqual([truncated]);
  });

  it('turns an error event into an error part and stops decoding', () => {
    const parts = decode([
      start(),
      ...text(0, 'a'),
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      ...text(1, 'b'),
      END,
    ]);
    expect(parts.at(-1)).toStrictEqual({ type: 'error', error: { code: 'service_unavailable', status: 503, message: 'upstream error (overloaded_error)' } });
    expect(parts.filter((p) => p.type === 'text-delta')).toHaveLength(1);
    expect(decode([start(), MALFORMED_UPSTREAM_EVENT]).at(-1)).toMatchObject({ type: 'error', error: { message: 'upstream sent a malformed stream event' } });
  });

  it('ignores unknown events, unknown deltas and wrong-typed fields', () => {
    expect(
      decode([
        start(),
        { type: 'future_event', x: 1 },
        blockStart(0, { type: 'text', text: 5 }),
        delta(0, { type: 'future_delta', v: 1 }),
        delta(7, { type: 'text_delta', text: 'orphan' }),
        { type: 'content_block_start', index: 'x' },
        stop(0),
        messageDelta('end_turn'),
        END,
      ]).map((p) => p.type),
    ).toStrictEqual(['usage', 'response-metadata', 'usage', 'finish']);
  });
});

describe('decodeAnthropicMessagesUpstreamResponse', () => {
  const defaults = { id: 'fallback', model: 'fallback', created: 1767000000 };

  it('decodes a message body through the stream decoder, blocks whole', () => {
    expect(
      decodeAnthropicMessagesUpstreamResponse(
        {
          id: 'msg_9',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4-5-20250929',
          content: [
            { type: 'thinking', thinking: 'Need the tool.', signature: 'EqQBsig' },
            { type: 'redacted_thinking', data: 'RDCT' },
            { type: 'text', text: 'Checking.', citations: [{ type: 'web_search_result_location', url: 'https://s.example', title: null }] },
            { type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: { city: 'Paris' } },
          ],
          stop_reason: 'tool_use',
          stop_sequence: null,
          usage: { input_tokens: 20, cache_read_input_tokens: 100, cache_creation_input_tokens: 0, output_tokens: 40 },
        },
        defaults,
      ),
    ).toStrictEqual({
      id: 'msg_9',
      model: 'claude-sonnet-4-5-20250929',
      created: 1767000000,
      content: [
        { type: 'reasoning', text: 'Need the tool.', signature: 'EqQBsig' },
        { type: 'reasoning', text: '', signature: redactedThinkingSignature('RDCT') },
        { type: 'text', text: 'Checking.' },
        { type: 'tool-call', toolCallId: 'toolu_9', toolName: 'get_weather', input: { city: 'Paris' } },
      ],
      finishReason: { unified: 'tool-calls', raw: 'tool_use' },
      usage: { inputTokens: 120, outputTokens: 40, reasoningTokens: 0, cachedInputTokens: 100, totalTokens: 160 },
      sources: [{ url: 'https://s.example' }],
    });
  });

  it('throws for an error body', () => {
    expect(() =>
      decodeAnthropicMessagesUpstreamResponse({ type: 'error', error: { type: 'invalid_request_error', message: 'messages: too long' } }, defaults),
    ).toThrow(new GatewayError('upstream_rejected', 'messages: too long'));
  });
});

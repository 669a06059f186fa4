import { describe, expect, it } from 'vitest';
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import { runStage } from '../ir/stream-stage.js';
import { MALFORMED_UPSTREAM_EVENT } from '../sse/parse-upstream-sse-json.js';
import { decodeOpenAiResponsesUpstreamResponse } from './decode-openai-responses-upstream-response.js';
import { mapResponsesFinishReason } from './map-openai-responses-finish-reason.js';
import { createOpenAiResponsesUpstreamStreamDecoder } from './openai-responses-upstream-stream-decoder.js';

const decode = (events: unknown[], includeThoughts = true): ChatStreamPart[] =>
  runStage(createOpenAiResponsesUpstreamStreamDecoder({ includeThoughts }), events);

const USAGE = { input_tokens: 100, input_tokens_details: { cached_tokens: 80 }, output_tokens: 30, output_tokens_details: { reasoning_tokens: 20 }, total_tokens: 130 };
const IR_USAGE = { inputTokens: 100, outputTokens: 30, reasoningTokens: 20, cachedInputTokens: 80, totalTokens: 130 };

const created = { type: 'response.created', response: { id: 'resp_1', object: 'response', model: 'gpt-5.1-codex', created_at: 1767000000, status: 'in_progress', output: [] } };
const completed = (output: unknown[] = []) => ({ type: 'response.completed', response: { id: 'resp_1', status: 'completed', output, usage: USAGE } });
const added = (output_index: number, item: Record<string, unknown>) => ({ type: 'response.output_item.added', output_index, item });
const done = (output_index: number, item: Record<string, unknown>) => ({ type: 'response.output_item.done', output_index, item });
const textDelta = (output_index: number, delta: string) => ({ type: 'response.output_text.delta', item_id: 'msg_1', output_index, content_index: 0, delta, logprobs: [] });
const summaryDelta = (output_index: number, summary_index: number, delta: string) => ({
  type: 'response.reasoning_summary_text.delta',
  item_id: 'rs_1',
  output_index,
  summary_index,
  delta,
});
const message = (text: string) => ({ id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], text }] });

describe('createOpenAiResponsesUpstreamStreamDecoder', () => {
  it('emits metadata, text deltas, usage and finish (after response.completed, at flush)', () => {
    expect(
      decode([
        created,
        { type: 'response.in_progress', response: created.response },
        added(0, { id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: [] }),
        textDelta(0, 'Hel'),
        textDelta(0, 'lo'),
        done(0, message('Hello')),
        completed([message('Hello')]),
      ]),
    ).toStrictEqual([
      { type: 'response-metadata', id: 'resp_1', model: 'gpt-5.1-codex', created: 1767000000 },
      { type: 'text-delta', delta: 'Hel' },
      { type: 'text-delta', delta: 'lo' },
      { type: 'usage', usage: IR_USAGE },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'completed' } },
    ]);
  });

  it('streams summary text (parts separated by a blank line) and puts encrypted_content on the reasoning as its signature', () => {
    const parts = decode([
      created,
      added(0, { id: 'rs_1', type: 'reasoning', summary: [] }),
      summaryDelta(0, 0, '**Plan**'),
      summaryDelta(0, 0, ' a'),
      summaryDelta(0, 1, '**Check**'),
      done(0, { id: 'rs_1', type: 'reasoning', encrypted_content: 'gAAAA-enc', summary: [{ type: 'summary_text', text: '**Plan** a' }, { type: 'summary_text', text: '**Check**' }] }),
      completed(),
    ]);
    expect(parts.filter((p) => p.type === 'reasoning-delta')).toStrictEqual([
      { type: 'reasoning-delta', delta: '**Plan**' },
      { type: 'reasoning-delta', delta: ' a' },
      { type: 'reasoning-delta', delta: '\n\n' },
      { type: 'reasoning-delta', delta: '**Check**' },
      { type: 'reasoning-delta', delta: '', signature: 'gAAAA-enc' },
    ]);
  });

  it('hides summary text when asked, keeping the encrypted state', () => {
    const parts = decode(
      [created, summaryDelta(0, 0, 'secret'), done(0, { id: 'rs_1', type: 'reasoning', encrypted_content: 'enc', summary: [{ type: 'summary_text', text: 'secret' }] }), completed()],
      false,
    );
    expect(parts.filter((p) => p.type === 'reasoning-delta')).toStrictEqual([{ type: 'reasoning-delta', delta: '', signature: 'enc' }]);
  });

  it('accumulates function-call argument fragments and emits the call at output_item.done', () => {
    const parts = decode([
      created,
      added(0, { id: 'fc_1', type: 'function_call', status: 'in_progress', arguments: '', call_id: 'call_1', name: 'shell' }),
      { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 0, delta: '{"command":' },
      { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 0, delta: '["ls"]}' },
      done(0, { id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'call_1', name: 'shell' }),
      completed(),
    ]);
    expect(parts.slice(1)).toStrictEqual([
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'shell', input: { command: ['ls'] } },
      { type: 'usage', usage: IR_USAGE },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'completed' } },
    ]);
  });

  it('prefers the final arguments (arguments.done, then the done item) over the fragments', () => {
    const parts = decode([
      added(0, { type: 'function_call', call_id: 'c', name: 'f', arguments: '' }),
      { type: 'response.function_call_arguments.delta', output_index: 0, delta: '{"x":1' },
      { type: 'response.function_call_arguments.done', output_index: 0, arguments: '{"x":2}' },
      done(0, { type: 'function_call', call_id: 'c', name: 'f', arguments: '{"x":3}' }),
      completed(),
    ]);
    expect(parts.find((p) => p.type === 'tool-call')).toStrictEqual({ type: 'tool-call', toolCallId: 'c', toolName: 'f', input: { x: 3 } });
  });

  it('finishes calls whose output_item.done never came at the terminal event', () => {
    const parts = decode([
      added(0, { type: 'function_call', call_id: 'c', name: 'f', arguments: '' }),
      { type: 'response.function_call_arguments.delta', output_index: 0, delta: '{}' },
      completed(),
    ]);
    expect(parts.find((p) => p.type === 'tool-call')).toStrictEqual({ type: 'tool-call', toolCallId: 'c', toolName: 'f', input: {} });
  });

  it('broken arguments: an error, unless the response was cut at max_output_tokens', () => {
    const events = (terminal: unknown) => [done(0, { type: 'function_call', call_id: 'c', name: 'apply_patch', arguments: '{"patch":"*** Be' }), terminal];
    expect(decode(events(completed())).at(-1)).toStrictEqual({
      type: 'error',
      error: { code: 'upstream_unavailable', status: 502, message: 'upstream sent invalid JSON arguments for tool call "apply_patch"' },
    });
    expect(decode(events({ type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } }))).toStrictEqual([
      { type: 'finish', finishReason: { unified: 'length', raw: 'max_output_tokens' } },
    ]);
  });

  it('emits items that never streamed from the done item itself, and never twice', () => {
    const parts = decode([
      done(0, { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'A' }, { type: 'summary_text', text: 'B' }] }),
      done(1, { ...message('Whole'), content: [{ type: 'output_text', text: 'Whole', annotations: [{ type: 'url_citation', url: 'https://u.example', title: 'U', start_index: 0, end_index: 5 }] }] }),
      textDelta(2, 'streamed'),
      done(2, message('streamed')),
      completed(),
    ]);
    expect(parts.filter((p) => p.type !== 'usage' && p.type !== 'finish' && p.type !== 'response-metadata')).toStrictEqual([
      { type: 'reasoning-delta', delta: 'A' },
      { type: 'reasoning-delta', delta: '\n\n' },
      { type: 'reasoning-delta', delta: 'B' },
      { type: 'text-delta', delta: 'Whole' },
      { type: 'source', source: { url: 'https://u.example', title: 'U' } },
      { type: 'text-delta', delta: 'streamed' },
    ]);
  });

  it('maps refusals to text, annotations to deduplicated sources, image generation to files', () => {
    const parts = decode([
      { type: 'response.refusal.delta', output_index: 0, delta: 'I cannot do that.' },
      { type: 'response.output_text.annotation.added', output_index: 1, annotation: { type: 'url_citation', url: 'https://a.example', title: 'A' } },
      { type: 'response.output_text.annotation.added', output_index: 1, annotation: { type: 'url_citation', url: 'https://a.example', title: 'A' } },
      { type: 'response.output_text.annotation.added', output_index: 1, annotation: { type: 'file_citation', file_id: 'f' } },
      done(2, { type: 'image_generation_call', status: 'completed', result: 'UklG', output_format: 'webp' }),
      done(3, { type: 'image_generation_call', status: 'completed', result: 'iVBO' }),
      completed(),
    ]);
    expect(parts.slice(0, 4)).toStrictEqual([
      { type: 'text-delta', delta: 'I cannot do that.' },
      { type: 'source', source: { url: 'https://a.example', title: 'A' } },
      { type: 'file', mediaType: 'image/webp', data: 'UklG' },
      { type: 'file', mediaType: 'image/png', data: 'iVBO' },
    ]);
  });

  it('maps incomplete reasons', () => {
    expect(mapResponsesFinishReason('completed', false)).toStrictEqual({ unified: 'stop', raw: 'completed' });
    expect(mapResponsesFinishReason('completed', true)).toStrictEqual({ unified: 'tool-calls', raw: 'completed' });
    expect(mapResponsesFinishReason('max_output_tokens', true)).toStrictEqual({ unified: 'length', raw: 'max_output_tokens' });
    expect(mapResponsesFinishReason('content_filter', false)).toStrictEqual({ unified: 'content-filter', raw: 'content_filter' });
    expect(mapResponsesFinishReason('incomplete', false)).toStrictEqual({ unified: 'other', raw: 'incomplete' });
  });

  it('turns response.failed and error events into error parts that end the decoding', () => {
    expect(
      decode([created, { type: 'response.failed', response: { status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Rate limit reached' } } }, completed()]).slice(1),
    ).toStrictEqual([{ type: 'error', error: { code: 'rate_limited', status: 429, message: 'Rate limit reached' } }]);
    expect(decode([{ type: 'error', code: 'invalid_prompt', message: 'Invalid prompt', param: null }])).toStrictEqual([
      { type: 'error', error: { code: 'upstream_rejected', status: 400, message: 'Invalid prompt' } },
    ]);
    expect(decode([{ type: 'error', error: { type: 'usage_limit_reached', message: 'The usage limit has been reached' } }])[0]).toMatchObject({
      error: { code: 'rate_limited' },
    });
    expect(decode([{ type: 'response.failed', response: { status: 'failed', error: null } }])).toStrictEqual([
      { type: 'error', error: { code: 'upstream_unavailable', status: 502, message: 'upstream response failed' } },
    ]);
    expect(decode([created, MALFORMED_UPSTREAM_EVENT]).at(-1)).toMatchObject({ type: 'error', error: { message: 'upstream sent a malformed stream event' } });
  });

  it('reports a stream without a terminal event as truncated', () => {
    expect(decode([created, textDelta(0, 'partial')]).at(-1)).toStrictEqual({
      type: 'error',
      error: { code: 'upstream_unavailable', status: 502, message: 'upstream stream ended before completion' },
    });
  });

  it('ignores unknown events and wrong-typed fields', () => {
    expect(
      decode([
        { type: 'response.web_search_call.searching', output_index: 0 },
        { type: 'response.output_text.delta', output_index: 'x', delta: 5 },
        added(0, { type: 'web_search_call', status: 'in_progress' }),
        done(0, { type: 'web_search_call', status: 'completed' }),
        { type: 'response.function_call_arguments.delta', output_index: 9, delta: '{' },
        completed(),
      ]).map((p) => p.type),
    ).toStrictEqual(['response-metadata', 'usage', 'finish']);
  });
});

describe('decodeOpenAiResponsesUpstreamResponse', () => {
  const defaults = { id: 'fallback', model: 'fallback', created: 1 };
  const response = (status: string, extra: Record<string, unknown> = {}) => ({
    id: 'resp_9',
    object: 'response',
    created_at: 1767000000,
    model: 'gpt-4.1',
    status,
    output: [
      { id: 'rs_9', type: 'reasoning', encrypted_content: 'enc-9', summary: [{ type: 'summary_text', text: 'think' }] },
      message('Answer'),
      { id: 'fc_9', type: 'function_call', status: 'completed', call_id: 'call_9', name: 'f', arguments: '{"a":1}' },
    ],
    usage: USAGE,
    ...extra,
  });

  it('decodes a response object through the stream decoder', () => {
    expect(decodeOpenAiResponsesUpstreamResponse(response('completed'), defaults)).toStrictEqual({
      id: 'resp_9',
      model: 'gpt-4.1',
      created: 1767000000,
      content: [
        { type: 'reasoning', text: 'think', signature: 'enc-9' },
        { type: 'text', text: 'Answer' },
        { type: 'tool-call', toolCallId: 'call_9', toolName: 'f', input: { a: 1 } },
      ],
      finishReason: { unified: 'tool-calls', raw: 'completed' },
      usage: IR_USAGE,
      sources: [],
    });
  });

  it('keeps an incomplete response as a length finish, and throws for failed, in-progress and error bodies', () => {
    expect(decodeOpenAiResponsesUpstreamResponse(response('incomplete', { incomplete_details: { reason: 'max_output_tokens' } }), defaults).finishReason).toStrictEqual({
      unified: 'length',
      raw: 'max_output_tokens',
    });
    expect(() => decodeOpenAiResponsesUpstreamResponse(response('failed', { error: { code: 'server_error', message: 'x' } }), defaults)).toThrow(
      'upstream error (server_error)',
    );
    expect(() => decodeOpenAiResponsesUpstreamResponse(response('in_progress'), defaults)).toThrow('upstream stream ended before completion');
    expect(() => decodeOpenAiResponsesUpstreamResponse({ error: { message: 'Invalid model', type: 'invalid_request_error' } }, defaults)).toThrow('Invalid model');
  });
});

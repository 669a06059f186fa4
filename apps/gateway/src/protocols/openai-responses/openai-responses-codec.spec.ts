import { describe, expect, it } from 'vitest';
import type { GatewayErrorCode } from '../../common/errors/gateway-error.js';
import { GATEWAY_ERROR_STATUS } from '../../common/errors/gateway-error.js';
import type { ChatResponse } from '../ir/chat-response.js';
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import { runStage } from '../ir/stream-stage.js';
import type { EncodeContext } from '../protocol-codec.js';
import { createOpenAiResponsesEventStage } from './openai-responses-client-stream-encoder.js';
import { openAiResponsesCodec } from './openai-responses-codec.js';
import { toResponsesErrorCode } from './openai-responses-errors.js';
import type { ResponsesResponse, ResponsesStreamEvent } from './openai-responses-wire.js';

const context: EncodeContext = { responseId: 'abc', model: 'gemini-2.5-pro-high', created: 1767000000, includeUsage: false };
const usage = { inputTokens: 10, outputTokens: 41, reasoningTokens: 24, cachedInputTokens: 4, totalTokens: 51 };
const stop = { type: 'finish', finishReason: { unified: 'stop', raw: 'STOP' } } as const;

const events = (parts: ChatStreamPart[], ctx: EncodeContext = context): ResponsesStreamEvent[] =>
  runStage(createOpenAiResponsesEventStage(ctx), parts);

/** [type, output_index?] per event, for reading the item lifecycle */
const lifecycle = (parts: ChatStreamPart[]) =>
  events(parts).map((e) => ('output_index' in e ? `${e.type}@${e.output_index}` : e.type));

const terminal = (parts: ChatStreamPart[], ctx?: EncodeContext): ResponsesResponse => {
  const last = events(parts, ctx).at(-1)!;
  if (!('response' in last)) throw new Error('no terminal response');
  return last.response;
};

describe('Responses stream events (§5)', () => {
  it('sequence_number counts from 0 by one on every event; created and in_progress come first', () => {
    const all = events([{ type: 'text-delta', delta: 'Hi' }, { type: 'usage', usage }, stop]);
    expect(all.map((e) => e.sequence_number)).toStrictEqual(all.map((_, i) => i));
    expect(all.slice(0, 2).map((e) => e.type)).toStrictEqual(['response.created', 'response.in_progress']);
    const created = all[0] as { response: ResponsesResponse };
    expect(created.response).toMatchObject({ id: 'resp_abc', object: 'response', created_at: 1767000000, status: 'in_progress', output: [], usage: null });
  });

  it('item lifecycle: reasoning → message → function_call → image, one item open at a time', () => {
    expect(
      lifecycle([
        { type: 'reasoning-delta', delta: 'hmm', signature: 'S' },
        { type: 'text-delta', delta: 'Hi' },
        { type: 'tool-call', toolCallId: 'call_1', toolName: 'f', input: { a: 1 } },
        { type: 'file', mediaType: 'image/jpeg', data: 'AAAA' },
        stop,
      ]),
    ).toStrictEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added@0',
      'response.reasoning_summary_part.added@0',
      'response.reasoning_summary_text.delta@0',
      'response.reasoning_summary_text.done@0',
      'response.reasoning_summary_part.done@0',
      'response.output_item.done@0',
      'response.output_item.added@1',
      'response.content_part.added@1',
      'response.output_text.delta@1',
      'response.output_text.done@1',
      'response.content_part.done@1',
      'response.output_item.done@1',
      'response.output_item.added@2',
      'response.function_call_arguments.delta@2',
      'response.function_call_arguments.done@2',
      'response.output_item.done@2',
      'response.output_item.added@3',
      'response.image_generation_call.in_progress@3',
      'response.image_generation_call.completed@3',
      'response.output_item.done@3',
      'response.completed',
    ]);
  });

  it('the completed response holds every item, the usage and ids per §5', () => {
    const response = terminal([
      { type: 'reasoning-delta', delta: 'hmm', signature: 'S' },
      { type: 'text-delta', delta: 'Hi' },
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'f', input: { a: 1 } },
      { type: 'file', mediaType: 'image/jpeg', data: 'AAAA' },
      { type: 'usage', usage },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'STOP' } },
    ]);
    expect(response.status).toBe('completed');
    expect(response.output).toStrictEqual([
      { id: 'rs_abc_0', type: 'reasoning', status: 'completed', summary: [{ type: 'summary_text', text: 'hmm' }], encrypted_content: 'S' },
      {
        id: 'msg_abc_1',
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Hi' }],
      },
      { id: 'fc_call_1', type: 'function_call', status: 'completed', arguments: '{"a":1}', call_id: 'call_1', name: 'f' },
      { id: 'ig_abc_3', type: 'image_generation_call', status: 'completed', result: 'AAAA', output_format: 'jpeg' },
    ]);
    expect(response.usage).toStrictEqual({
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 4 },
      output_tokens: 41,
      output_tokens_details: { reasoning_tokens: 24 },
      total_tokens: 51,
    });
  });

  it('signatures of calls ride on the open unsigned reasoning item, else on an empty reasoning item', () => {
    const sig = (s: string) => ({ gemini: { thoughtSignature: s } });
    const output = terminal([
      { type: 'reasoning-delta', delta: 'plan' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'f', input: {}, providerMetadata: sig('S1') },
      { type: 'tool-call', toolCallId: 'c2', toolName: 'f', input: {}, providerMetadata: sig('S2') },
      { type: 'text-delta', delta: 'done', providerMetadata: sig('T') },
      stop,
    ]).output;
    expect(output.map((item) => [item.type, item.type === 'reasoning' ? item.encrypted_content : undefined])).toStrictEqual([
      ['reasoning', 'cligate:tool-call:S1'],
      ['function_call', undefined],
      ['reasoning', 'cligate:tool-call:S2'],
      ['function_call', undefined],
      ['reasoning', 'cligate:text:T'],
      ['message', undefined],
    ]);
    expect(output[0]).toMatchObject({ summary: [{ type: 'summary_text', text: 'plan' }] });
  });

  it('sources become url_citation annotations on the message (annotation.added events)', () => {
    const all = events([
      { type: 'text-delta', delta: 'Spain won.' },
      { type: 'source', source: { url: 'https://a', title: 'A' } },
      { type: 'source', source: { url: 'https://b' } },
      stop,
    ]);
    const added = all.filter((e) => e.type === 'response.output_text.annotation.added');
    expect(added.map((e) => ('annotation_index' in e ? e.annotation_index : -1))).toStrictEqual([0, 1]);
    const message = (all.at(-1) as { response: ResponsesResponse }).response.output[0]!;
    expect(message).toMatchObject({
      content: [
        {
          annotations: [
            { type: 'url_citation', url: 'https://a', title: 'A', start_index: 0, end_index: 0 },
            { type: 'url_citation', url: 'https://b', title: 'https://b', start_index: 0, end_index: 0 },
          ],
        },
      ],
    });
  });

  it.each([
    ['length', 'max_output_tokens'],
    ['content-filter', 'content_filter'],
  ] as const)('finish %s → response.incomplete with incomplete_details.reason %s, open item incomplete', (unified, reason) => {
    const all = events([{ type: 'text-delta', delta: 'cut' }, { type: 'finish', finishReason: { unified } }]);
    const last = all.at(-1) as { type: string; response: ResponsesResponse };
    expect(last.type).toBe('response.incomplete');
    expect(last.response.status).toBe('incomplete');
    expect(last.response.incomplete_details).toStrictEqual({ reason });
    expect(last.response.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
  });

  it('an error part mid-stream: open item closed incomplete, `error` event, then response.failed with the error; never completed', () => {
    const all = events([
      { type: 'text-delta', delta: 'partial' },
      { type: 'usage', usage },
      { type: 'error', error: { code: 'rate_limited', status: 429, message: 'slow down' } },
      stop,
    ]);
    const types = all.map((e) => e.type);
    expect(types.slice(-3)).toStrictEqual(['response.output_item.done', 'error', 'response.failed']);
    expect(types).not.toContain('response.completed');
    expect(all.at(-2)).toStrictEqual({ type: 'error', sequence_number: all.length - 2, code: 'rate_limit_exceeded', message: 'slow down', param: null });
    const failed = (all.at(-1) as { response: ResponsesResponse }).response;
    expect(failed.status).toBe('failed');
    expect(failed.error).toStrictEqual({ code: 'rate_limit_exceeded', message: 'slow down' });
    expect(failed.output).toHaveLength(1);
    expect(failed.usage).toMatchObject({ input_tokens: 10 });
  });

  it('an error before any output still starts the response; a stream without a finish fails', () => {
    expect(events([{ type: 'error', error: { code: 'internal', status: 500, message: 'boom' } }]).map((e) => e.type)).toStrictEqual([
      'response.created',
      'response.in_progress',
      'error',
      'response.failed',
    ]);
    const truncated = events([{ type: 'text-delta', delta: 'a' }]);
    expect(truncated.at(-1)!.type).toBe('response.failed');
  });

  it('echoes the client request (instructions, tools, tool_choice, sampling, text, reasoning, metadata)', () => {
    const clientRequest = {
      model: '假流式/gemini-2.5-pro-high',
      instructions: 'Be brief',
      input: 'Hi',
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }],
      tool_choice: { type: 'function', name: 'f' },
      temperature: 0,
      top_p: 0.5,
      max_output_tokens: 100,
      parallel_tool_calls: false,
      reasoning: { effort: 'low', summary: 'auto' },
      text: { format: { type: 'json_object' }, verbosity: 'low' },
      metadata: { k: 'v' },
      store: true,
    };
    const response = terminal([stop], { ...context, clientRequest });
    expect(response).toMatchObject({
      instructions: 'Be brief',
      tools: clientRequest.tools,
      tool_choice: clientRequest.tool_choice,
      temperature: 0,
      top_p: 0.5,
      max_output_tokens: 100,
      parallel_tool_calls: false,
      reasoning: { effort: 'low', summary: 'auto' },
      text: { format: { type: 'json_object' }, verbosity: 'low' },
      metadata: { k: 'v' },
      store: false,
      model: 'gemini-2.5-pro-high',
      previous_response_id: null,
      truncation: 'disabled',
    });
  });

  it('frames: event name = payload type, one string per IR part', () => {
    const frames = runStage(openAiResponsesCodec.createClientStreamEncoder(context), [{ type: 'text-delta', delta: 'Hi' }, stop]);
    expect(frames).toHaveLength(2);
    for (const frame of frames.join('').split('\n\n').filter(Boolean)) {
      const [eventLine, dataLine] = frame.split('\n');
      expect(eventLine!.slice('event: '.length)).toBe((JSON.parse(dataLine!.slice('data: '.length)) as { type: string }).type);
    }
  });
});

describe('encodeOpenAiResponsesClientResponse', () => {
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

  it('is the response the stream completes with', () => {
    const chat = response({
      content: [
        { type: 'reasoning', text: 'hmm', signature: 'S' },
        { type: 'text', text: 'Hi' },
        { type: 'tool-call', toolCallId: 'c', toolName: 'f', input: {} },
      ],
      finishReason: { unified: 'tool-calls', raw: 'STOP' },
    });
    const streamed = terminal([
      { type: 'reasoning-delta', delta: 'hmm', signature: 'S' },
      { type: 'text-delta', delta: 'Hi' },
      { type: 'tool-call', toolCallId: 'c', toolName: 'f', input: {} },
      { type: 'usage', usage },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'STOP' } },
    ]);
    expect(openAiResponsesCodec.encodeClientResponse(chat, context)).toStrictEqual(streamed);
  });

  it('a length stop is status incomplete', () => {
    expect(openAiResponsesCodec.encodeClientResponse(response({ finishReason: { unified: 'length', raw: 'MAX_TOKENS' } }), context)).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    });
  });
});

describe('Responses errors', () => {
  it('non-streamed errors are the OpenAI error body', () => {
    expect(openAiResponsesCodec.encodeClientError({ code: 'invalid_request', status: 400, message: 'bad', param: 'input' })).toStrictEqual({
      error: { message: 'bad', type: 'invalid_request_error', param: 'input', code: null },
    });
  });

  it('stateless stream error: one `error` event', () => {
    expect(openAiResponsesCodec.encodeClientStreamError({ code: 'upstream_timeout', status: 504, message: 'late' })).toBe(
      'event: error\ndata: {"type":"error","sequence_number":0,"code":"upstream_timeout","message":"late","param":null}\n\n',
    );
  });

  it.each(Object.keys(GATEWAY_ERROR_STATUS) as GatewayErrorCode[])('%s has a Responses error code', (code) => {
    expect(['server_error', 'rate_limit_exceeded', 'invalid_prompt']).toContain(toResponsesErrorCode(code));
  });
});

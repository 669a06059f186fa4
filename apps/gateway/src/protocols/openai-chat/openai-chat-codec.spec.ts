import { describe, expect, it } from 'vitest';
import type { GatewayErrorCode } from '../../common/errors/gateway-error.js';
import { GATEWAY_ERROR_STATUS } from '../../common/errors/gateway-error.js';
import type { ChatResponse } from '../ir/chat-response.js';
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import { runStage } from '../ir/stream-stage.js';
import type { EncodeContext } from '../protocol-codec.js';
import { openAiChatCodec } from './openai-chat-codec.js';

const context: EncodeContext = { responseId: 'abc', model: 'gemini-2.5-pro-high', created: 1767000000, includeUsage: false };
const usage = { inputTokens: 10, outputTokens: 41, reasoningTokens: 24, cachedInputTokens: 4, totalTokens: 51 };

function response(overrides: Partial<ChatResponse>): ChatResponse {
  return {
    id: 'upstream',
    model: 'upstream-model',
    created: 1,
    content: [],
    finishReason: { unified: 'stop', raw: 'STOP' },
    usage,
    sources: [],
    ...overrides,
  };
}

describe('encodeOpenAiChatClientResponse', () => {
  it('renders a tool-call-only turn with content null, reasoning_content and usage details', () => {
    expect(
      openAiChatCodec.encodeClientResponse(
        response({
          content: [
            { type: 'reasoning', text: 'Let me ' },
            { type: 'reasoning', text: 'think.', signature: 'S' },
            { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } },
          ],
          finishReason: { unified: 'tool-calls', raw: 'STOP' },
        }),
        context,
      ),
    ).toStrictEqual({
      id: 'chatcmpl-abc',
      object: 'chat.completion',
      created: 1767000000,
      model: 'gemini-2.5-pro-high',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            reasoning_content: 'Let me think.',
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 41,
        total_tokens: 51,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 24 },
      },
    });
  });

  it('an empty signature-carrier text next to tool calls still gives content null', () => {
    const body = openAiChatCodec.encodeClientResponse(
      response({
        content: [
          { type: 'text', text: '', providerMetadata: { gemini: { thoughtSignature: 'S' } } },
          { type: 'tool-call', toolCallId: 'c', toolName: 'f', input: {} },
        ],
      }),
      context,
    ) as { choices: Array<{ message: { content: unknown } }> };
    expect(body.choices[0]!.message.content).toBeNull();
  });

  it('an empty answer has content "" (not null)', () => {
    const body = openAiChatCodec.encodeClientResponse(response({}), context) as { choices: Array<{ message: { content: unknown } }> };
    expect(body.choices[0]!.message.content).toBe('');
  });

  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['content-filter', 'content_filter'],
    ['tool-calls', 'tool_calls'],
    ['other', 'stop'],
    ['error', 'stop'],
  ] as const)('finish %s → %s', (unified, expected) => {
    const body = openAiChatCodec.encodeClientResponse(response({ finishReason: { unified } }), context) as {
      choices: Array<{ finish_reason: string }>;
    };
    expect(body.choices[0]!.finish_reason).toBe(expected);
  });
});

describe('createOpenAiChatClientStreamEncoder', () => {
  const encode = (parts: ChatStreamPart[], ctx: EncodeContext = context) =>
    runStage(openAiChatCodec.createClientStreamEncoder(ctx), parts)
      .join('')
      .split('\n\n')
      .filter((frame) => frame.length > 0)
      .map((frame) => frame.slice('data: '.length))
      .map((data) => (data === '[DONE]' ? data : (JSON.parse(data) as Record<string, unknown>)));

  it('follows §3.2 order with one constant id, and no usage field without include_usage', () => {
    const frames = encode([
      { type: 'response-metadata', id: 'up', model: 'gemini-2.5-pro' },
      { type: 'reasoning-delta', delta: 'hmm' },
      { type: 'text-delta', delta: '' },
      { type: 'text-delta', delta: 'Hi' },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'f', input: { a: 1 } },
      { type: 'tool-call', toolCallId: 'c2', toolName: 'g', input: {} },
      { type: 'file', mediaType: 'image/png', data: 'AAAA' },
      { type: 'usage', usage },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'STOP' } },
    ]);
    const deltas = frames.slice(0, -1).map((f) => (f as { choices: Array<{ delta: unknown; finish_reason: unknown }> }).choices[0]);
    expect(deltas).toStrictEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null },
      { index: 0, delta: { reasoning_content: 'hmm' }, finish_reason: null },
      { index: 0, delta: { content: 'Hi' }, finish_reason: null },
      {
        index: 0,
        delta: { tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
        finish_reason: null,
      },
      {
        index: 0,
        delta: { tool_calls: [{ index: 1, id: 'c2', type: 'function', function: { name: 'g', arguments: '{}' } }] },
        finish_reason: null,
      },
      { index: 0, delta: { images: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' }, index: 0 }] }, finish_reason: null },
      { index: 0, delta: {}, finish_reason: 'tool_calls' },
    ]);
    expect(frames[frames.length - 1]).toBe('[DONE]');
    for (const frame of frames.slice(0, -1)) {
      expect(frame).toMatchObject({ id: 'chatcmpl-abc', object: 'chat.completion.chunk', created: 1767000000, model: 'gemini-2.5-pro-high' });
      expect(frame).not.toHaveProperty('usage');
    }
  });

  it('with include_usage: usage null on every chunk, then a choices: [] usage chunk before [DONE]', () => {
    const frames = encode(
      [
        { type: 'text-delta', delta: 'Hi' },
        { type: 'usage', usage },
        { type: 'finish', finishReason: { unified: 'stop' } },
      ],
      { ...context, includeUsage: true },
    );
    expect(frames).toHaveLength(5);
    for (const frame of frames.slice(0, 3)) expect(frame).toHaveProperty('usage', null);
    expect(frames[3]).toStrictEqual({
      id: 'chatcmpl-abc',
      object: 'chat.completion.chunk',
      created: 1767000000,
      model: 'gemini-2.5-pro-high',
      choices: [],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 41,
        total_tokens: 51,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 24 },
      },
    });
    expect(frames[4]).toBe('[DONE]');
  });

  it('an empty finished answer still opens with the role chunk', () => {
    const frames = encode([{ type: 'finish', finishReason: { unified: 'stop' } }]);
    expect(frames.map((f) => (f === '[DONE]' ? f : (f as { choices: Array<{ delta: unknown }> }).choices[0]!.delta))).toStrictEqual([
      { role: 'assistant', content: '' },
      {},
      '[DONE]',
    ]);
  });

  it('writes every delta chunk byte for byte as the serialized chunk object, whatever the model name holds', () => {
    for (const model of ['gemini-2.5-flash', 'x"delta":0,"finish_reason":null}]}', 'a\\"delta\\":0,', 'ünï\u2028"\\']) {
      for (const includeUsage of [false, true]) {
        const ctx: EncodeContext = { ...context, model, includeUsage };
        const deltas = [{ role: 'assistant', content: '' }, { reasoning_content: 'r "q" \\ \n' }, { content: 'Hi </script> \u0000' }];
        const out = runStage(openAiChatCodec.createClientStreamEncoder(ctx), [
          { type: 'reasoning-delta', delta: 'r "q" \\ \n' },
          { type: 'text-delta', delta: 'Hi </script> \u0000' },
        ]).join('');
        const expected = deltas
          .map((delta) => {
            const body: Record<string, unknown> = {
              id: 'chatcmpl-abc',
              object: 'chat.completion.chunk',
              created: context.created,
              model,
              choices: [{ index: 0, delta, finish_reason: null }],
            };
            if (includeUsage) body.usage = null;
            return `data: ${JSON.stringify(body)}\n\n`;
          })
          .join('');
        expect(out).toBe(`${expected}data: [DONE]\n\n`);
      }
    }
  });

  it('an error part becomes an error frame then [DONE]; nothing follows', () => {
    const out = runStage(openAiChatCodec.createClientStreamEncoder(context), [
      { type: 'text-delta', delta: 'a' },
      { type: 'error', error: { code: 'upstream_unavailable', status: 502, message: 'gone' } },
      { type: 'finish', finishReason: { unified: 'stop' } },
    ]).join('');
    expect(out.endsWith(
      'data: {"error":{"message":"gone","type":"api_error","param":null,"code":"upstream_unavailable"}}\n\ndata: [DONE]\n\n',
    )).toBe(true);
    expect(out.match(/\[DONE\]/g)).toHaveLength(1);
    expect(out).not.toContain('finish_reason":"stop');
  });
});

describe('OpenAI errors', () => {
  const expected: Record<GatewayErrorCode, [string, string | null]> = {
    invalid_request: ['invalid_request_error', null],
    unauthenticated: ['authentication_error', 'invalid_api_key'],
    permission_denied: ['permission_error', null],
    not_found: ['not_found_error', 'model_not_found'],
    payload_too_large: ['invalid_request_error', 'request_too_large'],
    quota_exceeded: ['insufficient_quota', 'insufficient_quota'],
    rate_limited: ['rate_limit_error', 'rate_limit_exceeded'],
    upstream_rejected: ['invalid_request_error', 'upstream_rejected'],
    upstream_unavailable: ['api_error', 'upstream_unavailable'],
    no_credentials: ['api_error', 'service_unavailable'],
    service_unavailable: ['api_error', 'service_unavailable'],
    upstream_timeout: ['api_error', 'upstream_timeout'],
    internal: ['api_error', 'server_error'],
  };

  it.each(Object.entries(expected))('%s', (code, [type, errorCode]) => {
    const gatewayCode = code as GatewayErrorCode;
    expect(
      openAiChatCodec.encodeClientError({ code: gatewayCode, status: GATEWAY_ERROR_STATUS[gatewayCode], message: 'm' }),
    ).toStrictEqual({ error: { message: 'm', type, param: null, code: errorCode } });
  });

  it('names the param', () => {
    expect(
      openAiChatCodec.encodeClientError({ code: 'invalid_request', status: 400, message: 'temperature must be a number', param: 'temperature' }),
    ).toStrictEqual({ error: { message: 'temperature must be a number', type: 'invalid_request_error', param: 'temperature', code: null } });
  });

  it('stream error: one error frame then [DONE]', () => {
    expect(openAiChatCodec.encodeClientStreamError({ code: 'rate_limited', status: 429, message: 'slow' })).toBe(
      'data: {"error":{"message":"slow","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}\n\ndata: [DONE]\n\n',
    );
  });
});

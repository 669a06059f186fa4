import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../ir/chat-response.js';
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import { runStage } from '../ir/stream-stage.js';
import type { EncodeContext } from '../protocol-codec.js';
import { geminiCodec } from './gemini-codec.js';
import { googleErrorToGatewayError, googleStatusName } from './gemini-errors.js';

const context: EncodeContext = { responseId: 'rid', model: 'gemini-2.5-pro', created: 1767000000, includeUsage: false };
const usage = { inputTokens: 10, outputTokens: 41, reasoningTokens: 24, cachedInputTokens: 3, totalTokens: 51 };

describe('geminiCodec responses', () => {
  it('encodes a full answer with thoughts, signatures, calls, files and sources', () => {
    const response: ChatResponse = {
      id: 'upstream-id',
      model: 'gemini-2.5-pro',
      created: 1,
      content: [
        { type: 'reasoning', text: 'hmm', signature: 'T' },
        { type: 'text', text: 'Here.' },
        { type: 'tool-call', toolCallId: 'call_1', toolName: 'f', input: { a: 1 }, providerMetadata: { gemini: { thoughtSignature: 'S' } } },
        { type: 'file', mediaType: 'image/png', data: 'AAAA' },
      ],
      finishReason: { unified: 'tool-calls', raw: 'STOP' },
      usage,
      sources: [{ url: 'https://a', title: 'A' }],
    };
    expect(geminiCodec.encodeClientResponse(response, context)).toStrictEqual({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'hmm', thought: true, thoughtSignature: 'T' },
              { text: 'Here.' },
              { functionCall: { name: 'f', args: { a: 1 } }, thoughtSignature: 'S' },
              { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
            ],
          },
          finishReason: 'STOP',
          groundingMetadata: { groundingChunks: [{ web: { uri: 'https://a', title: 'A' } }] },
        },
      ],
      usageMetadata: {
        promptTokenCount: 10,
        candidatesTokenCount: 17,
        totalTokenCount: 51,
        thoughtsTokenCount: 24,
        cachedContentTokenCount: 3,
      },
      modelVersion: 'gemini-2.5-pro',
      responseId: 'rid',
    });
  });

  it.each([
    [{ unified: 'stop' as const }, 'STOP'],
    [{ unified: 'length' as const, raw: 'MAX_TOKENS' }, 'MAX_TOKENS'],
    [{ unified: 'content-filter' as const, raw: 'RECITATION' }, 'RECITATION'],
    [{ unified: 'content-filter' as const }, 'SAFETY'],
    [{ unified: 'other' as const, raw: 'MALFORMED_FUNCTION_CALL' }, 'MALFORMED_FUNCTION_CALL'],
    [{ unified: 'error' as const }, 'OTHER'],
  ])('finish %o → %s', (finishReason, expected) => {
    const body = geminiCodec.encodeClientResponse(
      { id: '', model: '', created: 0, content: [], finishReason, usage, sources: [] },
      context,
    ) as { candidates: Array<{ finishReason: string }> };
    expect(body.candidates[0]!.finishReason).toBe(expected);
  });
});

describe('geminiCodec stream encoder', () => {
  const encode = (parts: ChatStreamPart[]) => runStage(geminiCodec.createClientStreamEncoder(context), parts).join('');

  it('sends one chunk per content part and a final chunk with finish and usage; no [DONE]', () => {
    const out = encode([
      { type: 'response-metadata', id: 'x', model: 'm' },
      { type: 'reasoning-delta', delta: 'think' },
      { type: 'reasoning-delta', delta: '', signature: 'SIG' },
      { type: 'text-delta', delta: '' },
      { type: 'text-delta', delta: 'Hi' },
      { type: 'usage', usage },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'STOP' } },
    ]);
    expect(out).toBe(
      'data: {"candidates":[{"content":{"role":"model","parts":[{"text":"think","thought":true}]}}],"modelVersion":"gemini-2.5-pro","responseId":"rid"}\n\n' +
        'data: {"candidates":[{"content":{"role":"model","parts":[{"text":"","thought":true,"thoughtSignature":"SIG"}]}}],"modelVersion":"gemini-2.5-pro","responseId":"rid"}\n\n' +
        'data: {"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"}]}}],"modelVersion":"gemini-2.5-pro","responseId":"rid"}\n\n' +
        'data: {"candidates":[{"content":{"role":"model","parts":[{"text":""}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":17,"totalTokenCount":51,"thoughtsTokenCount":24,"cachedContentTokenCount":3},"modelVersion":"gemini-2.5-pro","responseId":"rid"}\n\n',
    );
    expect(out).not.toContain('[DONE]');
  });

  it('ends with one error frame on an error part and emits nothing after it', () => {
    const out = encode([
      { type: 'text-delta', delta: 'a' },
      { type: 'error', error: { code: 'rate_limited', status: 429, message: 'slow down' } },
      { type: 'text-delta', delta: 'b' },
      { type: 'finish', finishReason: { unified: 'stop' } },
    ]);
    expect(out.endsWith('data: {"error":{"code":429,"message":"slow down","status":"RESOURCE_EXHAUSTED"}}\n\n')).toBe(true);
    expect(out).not.toContain('"b"');
  });
});

describe('Gemini errors', () => {
  it.each([
    [400, 'INVALID_ARGUMENT'],
    [401, 'UNAUTHENTICATED'],
    [403, 'PERMISSION_DENIED'],
    [404, 'NOT_FOUND'],
    [413, 'INVALID_ARGUMENT'],
    [429, 'RESOURCE_EXHAUSTED'],
    [500, 'INTERNAL'],
    [502, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
    [504, 'DEADLINE_EXCEEDED'],
  ])('%i → %s', (status, name) => {
    expect(googleStatusName(status)).toBe(name);
  });

  it('renders the Google error body and stream frame', () => {
    const error = { code: 'unauthenticated' as const, status: 401, message: 'bad key' };
    expect(geminiCodec.encodeClientError(error)).toStrictEqual({ error: { code: 401, message: 'bad key', status: 'UNAUTHENTICATED' } });
    expect(geminiCodec.encodeClientStreamError(error)).toBe(
      'data: {"error":{"code":401,"message":"bad key","status":"UNAUTHENTICATED"}}\n\n',
    );
  });

  it('maps in-stream Google errors into the taxonomy without leaking credential details', () => {
    expect(googleErrorToGatewayError({ code: 400, message: 'bad schema', status: 'INVALID_ARGUMENT' })).toStrictEqual({
      code: 'upstream_rejected',
      status: 400,
      message: 'bad schema',
    });
    expect(googleErrorToGatewayError({ code: 403, message: 'project 123 denied', status: 'PERMISSION_DENIED' })).toStrictEqual({
      code: 'upstream_unavailable',
      status: 502,
      message: 'upstream error (PERMISSION_DENIED)',
    });
    expect(googleErrorToGatewayError({ code: 504 })).toStrictEqual({
      code: 'upstream_timeout',
      status: 504,
      message: 'upstream error (DEADLINE_EXCEEDED)',
    });
  });
});

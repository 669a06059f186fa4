import { describe, expect, it } from 'vitest';
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import { runStage } from '../ir/stream-stage.js';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import { decodeGeminiUpstreamResponse } from './decode-gemini-upstream-response.js';
import { createGeminiUpstreamStreamDecoder, mintToolCallId } from './gemini-upstream-stream-decoder.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

const ids = () => {
  let n = 0;
  return () => `call_${++n}`;
};

const decode = (chunks: unknown[], includeThoughts = true): ChatStreamPart[] =>
  runStage(createGeminiUpstreamStreamDecoder({ includeThoughts, generateToolCallId: ids() }), chunks);

const candidate = (parts: unknown[], extra: Record<string, unknown> = {}) => ({
  candidates: [{ content: { role: 'model', parts }, ...extra }],
});

describe('createGeminiUpstreamStreamDecoder', () => {
  it('emits response metadata once, deltas, usage, then one finish at flush', () => {
    const parts = decode([
      { ...candidate([{ text: 'Hel' }]), responseId: 'r1', modelVersion: 'gemini-2.5-pro', createTime: '2026-01-01T00:00:00Z' },
      { ...candidate([{ text: 'lo' }], { finishReason: 'STOP' }), responseId: 'r1', modelVersion: 'gemini-2.5-pro' },
      { ...candidate([{ text: '' }], { finishReason: 'STOP' }), usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 } },
    ]);
    expect(parts).toStrictEqual([
      { type: 'response-metadata', id: 'r1', model: 'gemini-2.5-pro', created: 1767225600 },
      { type: 'text-delta', delta: 'Hel' },
      { type: 'text-delta', delta: 'lo' },
      { type: 'usage', usage: { inputTokens: 3, outputTokens: 2, reasoningTokens: 0, cachedInputTokens: 0, totalTokens: 5 } },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'STOP' } },
    ]);
  });

  it('maps thoughts with and without signatures, and drops them when thoughts are hidden', () => {
    const chunks = [
      candidate([{ text: 'thinking', thought: true }, { text: '', thought: true, thoughtSignature: 'S1' }, { text: 'answer', thoughtSignature: 'S2' }], {
        finishReason: 'STOP',
      }),
    ];
    expect(decode(chunks)).toStrictEqual([
      { type: 'reasoning-delta', delta: 'thinking' },
      { type: 'reasoning-delta', delta: '', signature: 'S1' },
      { type: 'text-delta', delta: 'answer', providerMetadata: { gemini: { thoughtSignature: 'S2' } } },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'STOP' } },
    ]);
    expect(decode(chunks, false).map((p) => p.type)).toStrictEqual(['text-delta', 'finish']);
  });

  it('still counts thought tokens when thoughts are hidden', () => {
    const parts = decode(
      [{ ...candidate([{ text: 'x', thought: true }], { finishReason: 'STOP' }), usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, thoughtsTokenCount: 7, totalTokenCount: 9 } }],
      false,
    );
    expect(parts).toContainEqual({
      type: 'usage',
      usage: { inputTokens: 1, outputTokens: 8, reasoningTokens: 7, cachedInputTokens: 0, totalTokens: 9 },
    });
  });

  it('mints ids for calls without one, keeps Google ids, carries signatures and finishes as tool-calls', () => {
    const parts = decode([
      candidate(
        [
          { functionCall: { name: 'a', args: { x: 1 } }, thoughtSignature: 'SIG' },
          { functionCall: { name: 'b', id: 'g-id' } },
          { functionCall: { name: 'c', args: 'not an object' } },
        ],
        { finishReason: 'STOP' },
      ),
    ]);
    expect(parts).toStrictEqual([
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'a', input: { x: 1 }, providerMetadata: { gemini: { thoughtSignature: 'SIG' } } },
      { type: 'tool-call', toolCallId: 'g-id', toolName: 'b', input: {} },
      { type: 'tool-call', toolCallId: 'call_2', toolName: 'c', input: {} },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'STOP' } },
    ]);
  });

  it('mintToolCallId makes call_ + 24 hex', () => {
    expect(mintToolCallId()).toMatch(/^call_[0-9a-f]{24}$/);
    expect(mintToolCallId()).not.toBe(mintToolCallId());
  });

  it('emits files, code execution as fenced text, and deduplicated sources', () => {
    const parts = decode([
      candidate([
        { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
        { inlineData: { mimeType: 'image/png', data: 'BBBB' }, thought: true },
        { executableCode: { language: 'PYTHON', code: 'print(1)' } },
        { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1\n' } },
      ]),
      candidate([], {
        finishReason: 'STOP',
        groundingMetadata: {
          groundingChunks: [{ web: { uri: 'https://a', title: 'A' } }, { web: { uri: 'https://a', title: 'A' } }, { web: { uri: 'https://b' } }, { retrievedContext: {} }],
        },
      }),
      candidate([], { groundingMetadata: { groundingChunks: [{ web: { uri: 'https://b' } }] } }),
    ]);
    expect(parts).toStrictEqual([
      { type: 'file', mediaType: 'image/png', data: 'AAAA' },
      { type: 'text-delta', delta: '\n```python\nprint(1)\n```\n' },
      { type: 'text-delta', delta: '\n```output\n1\n\n```\n' },
      { type: 'source', source: { url: 'https://a', title: 'A' } },
      { type: 'source', source: { url: 'https://b' } },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'STOP' } },
    ]);
  });

  it('emits exactly one finish even when Google repeats finishReason', () => {
    const parts = decode([
      candidate([{ text: 'a' }], { finishReason: 'STOP' }),
      candidate([], { finishReason: 'STOP' }),
      candidate([], { finishReason: 'STOP' }),
    ]);
    expect(parts.filter((p) => p.type === 'finish')).toHaveLength(1);
  });

  it('skips repeated identical usage', () => {
    const usageMetadata = { promptTokenCount: 5, totalTokenCount: 5 };
    const parts = decode([{ ...candidate([{ text: 'a' }]), usageMetadata }, { ...candidate([{ text: 'b' }], { finishReason: 'STOP' }), usageMetadata }]);
    expect(parts.filter((p) => p.type === 'usage')).toHaveLength(1);
  });

  it('a stream without finishReason ends in an error, never as complete', () => {
    const parts = decode([candidate([{ text: 'partial' }])]);
    expect(parts).toStrictEqual([
      { type: 'text-delta', delta: 'partial' },
      { type: 'error', error: { code: 'upstream_unavailable', status: 502, message: 'upstream stream ended before completion' } },
    ]);
    expect(decode([])).toStrictEqual([
      { type: 'error', error: { code: 'upstream_unavailable', status: 502, message: 'upstream stream ended before completion' } },
    ]);
  });

  it('a blocked prompt finishes as content-filter', () => {
    expect(decode([{ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 } }])).toStrictEqual([
      { type: 'usage', usage: { inputTokens: 4, outputTokens: 0, reasoningTokens: 0, cachedInputTokens: 0, totalTokens: 4 } },
      { type: 'finish', finishReason: { unified: 'content-filter', raw: 'PROHIBITED_CONTENT' } },
    ]);
  });

  it('a Google error inside the stream becomes one error part and ends decoding', () => {
    const parts = decode([
      candidate([{ text: 'a' }]),
      { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } },
      candidate([{ text: 'ignored' }], { finishReason: 'STOP' }),
    ]);
    expect(parts).toStrictEqual([
      { type: 'text-delta', delta: 'a' },
      { type: 'error', error: { code: 'rate_limited', status: 429, message: 'Resource has been exhausted (e.g. check quota).' } },
    ]);
  });

  it('never throws on malformed chunks: wrong types are ignored, non-objects skipped', () => {
    const parts = decode([
      null,
      'garbage',
      42,
      [],
      { candidates: 'nope' },
      { candidates: [null, { content: { parts: [null, 7, { text: 5 }, { functionCall: { args: {} } }, { inlineData: { mimeType: 'x' } }] } }] },
      { candidates: [{ content: 'bad' }] },
      { usageMetadata: { promptTokenCount: 'many' } },
      { responseId: 7 },
      candidate([{ text: 'ok' }], { finishReason: 5 }),
      candidate([], { finishReason: 'MAX_TOKENS' }),
    ]);
    expect(parts).toStrictEqual([
      { type: 'text-delta', delta: 'ok' },
      { type: 'finish', finishReason: { unified: 'length', raw: 'MAX_TOKENS' } },
    ]);
  });

  it('decodeGeminiUpstreamResponse folds a non-streamed answer', () => {
    const response = decodeGeminiUpstreamResponse(
      {
        ...candidate([{ text: 'think', thought: true }, { text: 'Hi' }, { functionCall: { name: 'f', args: {} } }], { finishReason: 'STOP' }),
        usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 3, thoughtsTokenCount: 4, cachedContentTokenCount: 1, totalTokenCount: 9 },
        responseId: 'r',
        modelVersion: 'gemini-2.5-pro',
      },
      { includeThoughts: true, generateToolCallId: () => 'call_x' },
      { id: 'default', model: 'm', created: 1 },
    );
    expect(response).toStrictEqual({
      id: 'r',
      model: 'gemini-2.5-pro',
      created: 1,
      content: [
        { type: 'reasoning', text: 'think' },
        { type: 'text', text: 'Hi' },
        { type: 'tool-call', toolCallId: 'call_x', toolName: 'f', input: {} },
      ],
      finishReason: { unified: 'tool-calls', raw: 'STOP' },
      usage: { inputTokens: 2, outputTokens: 7, reasoningTokens: 4, cachedInputTokens: 1, totalTokens: 9 },
      sources: [],
    });
  });
});

describe('mapGeminiFinishReason', () => {
  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content-filter'],
    ['RECITATION', 'content-filter'],
    ['BLOCKLIST', 'content-filter'],
    ['PROHIBITED_CONTENT', 'content-filter'],
    ['SPII', 'content-filter'],
    ['MALFORMED_FUNCTION_CALL', 'other'],
    ['OTHER', 'other'],
    ['LANGUAGE', 'other'],
  ])('%s → %s', (raw, unified) => {
    expect(mapGeminiFinishReason(raw, false)).toStrictEqual({ unified, raw });
  });

  it('any function call makes it tool-calls', () => {
    expect(mapGeminiFinishReason('STOP', true)).toStrictEqual({ unified: 'tool-calls', raw: 'STOP' });
    expect(mapGeminiFinishReason('MAX_TOKENS', true)).toStrictEqual({ unified: 'tool-calls', raw: 'MAX_TOKENS' });
  });
});

describe('convertGeminiUsage', () => {
  it('output = candidates + thoughts; total from Google', () => {
    expect(
      convertGeminiUsage({ promptTokenCount: 10, candidatesTokenCount: 17, thoughtsTokenCount: 24, cachedContentTokenCount: 4, totalTokenCount: 51 }),
    ).toStrictEqual({ inputTokens: 10, outputTokens: 41, reasoningTokens: 24, cachedInputTokens: 4, totalTokens: 51 });
    expect(convertGeminiUsage({ promptTokenCount: 2, candidatesTokenCount: 3 })).toStrictEqual({
      inputTokens: 2,
      outputTokens: 3,
      reasoningTokens: 0,
      cachedInputTokens: 0,
      totalTokens: 5,
    });
  });
});

describe('signature-only parts', () => {
  it('keeps a bare signature and a signed thought without text', () => {
    expect(
      decode([candidate([{ thought: true, thoughtSignature: 'A' }, { thoughtSignature: 'B' }, { thought: true }], { finishReason: 'STOP' })]),
    ).toStrictEqual([
      { type: 'reasoning-delta', delta: '', signature: 'A' },
      { type: 'text-delta', delta: '', providerMetadata: { gemini: { thoughtSignature: 'B' } } },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'STOP' } },
    ]);
  });
});

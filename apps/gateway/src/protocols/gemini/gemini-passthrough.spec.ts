import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { prepareGeminiPassthroughBody, tapGeminiResponse } from './gemini-passthrough.js';

describe('prepareGeminiPassthroughBody', () => {
  const body = {
    contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    generationConfig: { temperature: 0, thinkingConfig: { thinkingBudget: 99 }, imageConfig: { imageSize: '1K' } },
    tools: [{ functionDeclarations: [{ name: 'f' }] }],
    unknownField: { kept: true },
  };

  it('returns the same object when there is nothing to override', () => {
    expect(prepareGeminiPassthroughBody(body)).toBe(body);
    expect(prepareGeminiPassthroughBody(body, { imageOutput: {} })).toBe(body);
  });

  it('applies overrides without touching anything else or mutating the input', () => {
    const snapshot = structuredClone(body);
    const out = prepareGeminiPassthroughBody(body, {
      thinkingOverride: { thinkingBudget: 32768, includeThoughts: true },
      addGoogleSearch: true,
      imageOutput: { aspectRatio: '16:9' },
    });
    expect(out).toStrictEqual({
      contents: body.contents,
      generationConfig: {
        temperature: 0,
        thinkingConfig: { thinkingBudget: 32768, includeThoughts: true },
        imageConfig: { imageSize: '1K', aspectRatio: '16:9' },
      },
      tools: [{ functionDeclarations: [{ name: 'f' }] }, { googleSearch: {} }],
      unknownField: { kept: true },
    });
    expect(out['contents']).toBe(body.contents);
    expect(body).toStrictEqual(snapshot);
  });

  it('does not add a second googleSearch tool and creates generationConfig when absent', () => {
    const out = prepareGeminiPassthroughBody(
      { contents: [], tools: [{ googleSearch: {} }] },
      { addGoogleSearch: true, thinkingOverride: { thinkingLevel: 'HIGH' } },
    );
    expect(out).toStrictEqual({ contents: [], tools: [{ googleSearch: {} }], generationConfig: { thinkingConfig: { thinkingLevel: 'HIGH' } } });
  });

  it('rejects bodies that are not GenerateContentRequests', () => {
    for (const bad of [null, [], 'x', {}, { contents: 'x' }]) {
      expect(() => prepareGeminiPassthroughBody(bad)).toThrowError(GatewayError);
    }
    expect(() => prepareGeminiPassthroughBody({ contents: [], generationConfig: 3 }, { thinkingOverride: {} })).toThrowError(
      'generationConfig must be an object',
    );
  });
});

describe('tapGeminiResponse', () => {
  it('reads usage and completion from raw chunks', () => {
    expect(tapGeminiResponse({ candidates: [{ content: { parts: [{ text: 'a' }] } }], usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 } })).toStrictEqual({
      usage: { inputTokens: 5, outputTokens: 0, reasoningTokens: 0, cachedInputTokens: 0, totalTokens: 5 },
      finished: false,
    });
    expect(
      tapGeminiResponse({
        candidates: [{ finishReason: 'STOP' }],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2, thoughtsTokenCount: 3, totalTokenCount: 10 },
      }),
    ).toStrictEqual({ usage: { inputTokens: 5, outputTokens: 5, reasoningTokens: 3, cachedInputTokens: 0, totalTokens: 10 }, finished: true });
    expect(tapGeminiResponse({ candidates: [], promptFeedback: { blockReason: 'SAFETY' } })).toStrictEqual({ finished: true });
    expect(tapGeminiResponse('junk')).toStrictEqual({ finished: false });
  });
});

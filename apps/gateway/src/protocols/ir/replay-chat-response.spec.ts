import { describe, expect, it } from 'vitest';
import { accumulateStreamParts } from './accumulate-stream-parts.js';
import type { ChatResponse } from './chat-response.js';
import { replayChatResponse } from './replay-chat-response.js';

describe('replayChatResponse', () => {
  const response: ChatResponse = {
    id: 'r',
    model: 'm',
    created: 1,
    content: [
      { type: 'reasoning', text: 'think', signature: 'S1' },
      { type: 'reasoning', text: 'more' },
      { type: 'text', text: 'a', providerMetadata: { gemini: { thoughtSignature: 'S2' } } },
      { type: 'text', text: 'b' },
      { type: 'tool-call', toolCallId: 'c', toolName: 'f', input: { x: 1 }, providerMetadata: { gemini: { thoughtSignature: 'S3' } } },
      { type: 'file', mediaType: 'image/png', data: 'AAAA' },
    ],
    finishReason: { unified: 'tool-calls', raw: 'STOP' },
    usage: { inputTokens: 1, outputTokens: 2, reasoningTokens: 0, cachedInputTokens: 0, totalTokens: 3 },
    sources: [{ url: 'https://a' }],
  };

  it('is the inverse of accumulateStreamParts', () => {
    expect(accumulateStreamParts(replayChatResponse(response), { id: 'r', model: 'm', created: 1 })).toStrictEqual(response);
  });

  it('skips files that only have a URL', () => {
    const parts = replayChatResponse({ ...response, content: [{ type: 'file', mediaType: 'image/png', url: 'https://x' }], sources: [] });
    expect(parts.map((p) => p.type)).toStrictEqual(['usage', 'finish']);
  });
});

import type { ChatResponse } from './chat-response.js';
import type { ChatStreamPart } from './chat-stream-part.js';

/**
 * A folded ChatResponse back as the stream parts it was folded from (the inverse of
 * accumulateStreamParts). Client codecs whose non-streamed answer is built by their own stream
 * state machine (Anthropic content blocks, Responses output items) replay through it, so a
 * non-streamed answer has exactly the blocks the same answer streamed would have.
 * Files without inline data (remote URLs) have no stream form and are skipped.
 */
export function replayChatResponse(response: ChatResponse): ChatStreamPart[] {
  const parts: ChatStreamPart[] = [];
  for (const part of response.content) {
    switch (part.type) {
      case 'text':
        parts.push(
          part.providerMetadata === undefined
            ? { type: 'text-delta', delta: part.text }
            : { type: 'text-delta', delta: part.text, providerMetadata: part.providerMetadata },
        );
        break;
      case 'reasoning':
        parts.push(
          part.signature === undefined
            ? { type: 'reasoning-delta', delta: part.text }
            : { type: 'reasoning-delta', delta: part.text, signature: part.signature },
        );
        break;
      case 'tool-call': {
        const call: ChatStreamPart & { type: 'tool-call' } = {
          type: 'tool-call',
          toolCallId: part.toolCallId,
          toolName: part.toolName,
          input: part.input,
        };
        if (part.providerMetadata !== undefined) call.providerMetadata = part.providerMetadata;
        parts.push(call);
        break;
      }
      case 'file':
        if (part.data !== undefined) parts.push({ type: 'file', mediaType: part.mediaType, data: part.data });
        break;
    }
  }
  for (const source of response.sources) parts.push({ type: 'source', source });
  parts.push({ type: 'usage', usage: response.usage });
  parts.push({ type: 'finish', finishReason: response.finishReason });
  return parts;
}

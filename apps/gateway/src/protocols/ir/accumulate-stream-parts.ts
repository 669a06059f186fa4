import type { AssistantContentPart, ReasoningPart, TextPart } from './chat-request.js';
import type { ChatResponse, Source } from './chat-response.js';
import type { ChatStreamPart } from './chat-stream-part.js';
import type { FinishReason } from './finish-reason.js';
import { EMPTY_USAGE, type Usage } from './usage.js';
import { GatewayError } from '../../common/errors/gateway-error.js';

/**
 * Folds a sequence of IR stream parts into one ChatResponse: adjacent text deltas merge into one text
 * part, adjacent reasoning deltas into one reasoning part (keeping the last signature). Non-streamed
 * upstream answers are decoded by the same stream decoder and folded here, so both paths share one
 * decoder. An `error` part throws it as a GatewayError.
 */
export function accumulateStreamParts(
  parts: Iterable<ChatStreamPart>,
  defaults: { id: string; model: string; created: number },
): ChatResponse {
  const content: AssistantContentPart[] = [];
  const sources: Source[] = [];
  let usage: Usage = { ...EMPTY_USAGE };
  let finishReason: FinishReason | undefined;
  let id = defaults.id;
  let model = defaults.model;
  let created = defaults.created;

  for (const part of parts) {
    const last = content[content.length - 1];
    switch (part.type) {
      case 'response-metadata':
        if (part.id !== undefined) id = part.id;
        if (part.model !== undefined) model = part.model;
        if (part.created !== undefined) created = part.created;
        break;
      case 'text-delta':
        if (last?.type === 'text' && part.providerMetadata === undefined && last.providerMetadata === undefined) {
          (last as TextPart).text += part.delta;
        } else {
          const text: TextPart = { type: 'text', text: part.delta };
          if (part.providerMetadata !== undefined) text.providerMetadata = part.providerMetadata;
          content.push(text);
        }
        break;
      case 'reasoning-delta':
        if (last?.type === 'reasoning' && last.signature === undefined) {
          (last as ReasoningPart).text += part.delta;
          if (part.signature !== undefined) (last as ReasoningPart).signature = part.signature;
        } else {
          const reasoning: ReasoningPart = { type: 'reasoning', text: part.delta };
          if (part.signature !== undefined) reasoning.signature = part.signature;
          content.push(reasoning);
        }
        break;
      case 'tool-call': {
        const call: AssistantContentPart = {
          type: 'tool-call',
          toolCallId: part.toolCallId,
          toolName: part.toolName,
          input: part.input,
        };
        if (part.providerMetadata !== undefined) call.providerMetadata = part.providerMetadata;
        content.push(call);
        break;
      }
      case 'file':
        content.push({ type: 'file', mediaType: part.mediaType, data: part.data });
        break;
      case 'source':
        sources.push(part.source);
        break;
      case 'usage':
        usage = part.usage;
        break;
      case 'finish':
        finishReason = part.finishReason;
        break;
      case 'error':
        throw new GatewayError(part.error.code, part.error.message, { status: part.error.status });
    }
  }

  return {
    id,
    model,
    created,
    content,
    finishReason: finishReason ?? { unified: 'other' },
    usage,
    sources,
  };
}

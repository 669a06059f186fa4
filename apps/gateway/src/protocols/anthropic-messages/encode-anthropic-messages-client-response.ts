/**
 * IR ChatResponse → Anthropic `message` (client-protocols.md §4.2). The answer is replayed through
 * the same event stage the stream uses and the events are folded, so a non-streamed message has
 * exactly the content blocks (thinking with signatures, text with citations, tool_use, image) the
 * streamed one accumulates to. Id and model come from the EncodeContext.
 */
import type { ChatResponse } from '../ir/chat-response.js';
import { replayChatResponse } from '../ir/replay-chat-response.js';
import type { EncodeContext } from '../protocol-codec.js';
import { anthropicMessageId, createAnthropicMessagesEventStage } from './anthropic-messages-client-stream-encoder.js';
import type {
  AnthropicContentBlock,
  AnthropicMessage,
  AnthropicStopReason,
  AnthropicStreamEvent,
  AnthropicUsage,
} from './anthropic-messages-wire.js';
import { toAnthropicUsage } from './convert-anthropic-messages-usage.js';

export function encodeAnthropicMessagesClientResponse(response: ChatResponse, context: EncodeContext): AnthropicMessage {
  const stage = createAnthropicMessagesEventStage(context, { inlineToolInput: true });
  const content: AnthropicContentBlock[] = [];
  let stopReason: AnthropicStopReason | null = null;
  let usage: AnthropicUsage = toAnthropicUsage(response.usage);

  const fold = (event: AnthropicStreamEvent): void => {
    switch (event.type) {
      case 'content_block_start':
        content[event.index] = event.content_block;
        break;
      case 'content_block_delta': {
        const block = content[event.index];
        const blockDelta = event.delta;
        if (block === undefined) break;
        if (block.type === 'text') {
          if (blockDelta.type === 'text_delta') block.text += blockDelta.text;
          else if (blockDelta.type === 'citations_delta') (block.citations ??= []).push(blockDelta.citation);
        } else if (block.type === 'thinking') {
          if (blockDelta.type === 'thinking_delta') block.thinking += blockDelta.thinking;
          else if (blockDelta.type === 'signature_delta') block.signature = blockDelta.signature;
        }
        break;
      }
      case 'message_delta':
        stopReason = event.delta.stop_reason;
        usage = event.usage;
        break;
      default:
        break;
    }
  };

  for (const part of replayChatResponse(response)) stage.transform(part, fold);
  stage.flush(fold);

  return {
    id: anthropicMessageId(context.responseId),
    type: 'message',
    role: 'assistant',
    model: context.model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage,
  };
}

/** `POST /v1/messages/count_tokens` answer (client-protocols.md §4.5). */
export function encodeAnthropicCountTokensResponse(inputTokens: number): { input_tokens: number } {
  return { input_tokens: inputTokens };
}

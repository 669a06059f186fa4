/**
 * A non-streamed Anthropic `message` body → IR ChatResponse. The message is replayed as the event
 * sequence that would have streamed it (message_start with the usage, one content_block_start +
 * content_block_stop per block carrying the whole block, message_delta with the stop reason,
 * message_stop) through the stream decoder and folded by accumulateStreamParts, so both paths
 * share every mapping rule (the Gemini side does the same with one chunk). An error body
 * (`{"type":"error",…}`) throws a GatewayError.
 */
import { accumulateStreamParts } from '../ir/accumulate-stream-parts.js';
import type { ChatResponse } from '../ir/chat-response.js';
import { runStage } from '../ir/stream-stage.js';
import { asRecord, readArray } from '../json/safe-parse-json.js';
import {
  createAnthropicMessagesUpstreamStreamDecoder,
  type AnthropicMessagesUpstreamDecoderOptions,
} from './anthropic-messages-upstream-stream-decoder.js';

export function decodeAnthropicMessagesUpstreamResponse(
  body: unknown,
  defaults: { id: string; model: string; created: number },
  options: AnthropicMessagesUpstreamDecoderOptions = {},
): ChatResponse {
  return accumulateStreamParts(runStage(createAnthropicMessagesUpstreamStreamDecoder(options), messageAsEvents(body)), defaults);
}

/** The events a streamed `message` would have produced; anything that is not a message passes as is. */
export function messageAsEvents(body: unknown): unknown[] {
  const message = asRecord(body);
  if (message === undefined || message['type'] !== 'message') return [body];
  const events: unknown[] = [{ type: 'message_start', message: { ...message, content: [], stop_reason: null } }];
  const content = readArray(message['content']) ?? [];
  for (let index = 0; index < content.length; index++) {
    events.push({ type: 'content_block_start', index, content_block: content[index] });
    events.push({ type: 'content_block_stop', index });
  }
  events.push({ type: 'message_delta', delta: { stop_reason: message['stop_reason'] ?? null } });
  events.push({ type: 'message_stop' });
  return events;
}

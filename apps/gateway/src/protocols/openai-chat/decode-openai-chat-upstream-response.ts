/**
 * A non-streamed `chat.completion` body → IR ChatResponse. Each choice's `message` is replayed as
 * that choice's `delta` in a one-chunk stream through the stream decoder (tool calls without an
 * `index` take their array position) and folded by accumulateStreamParts, so both paths share every
 * mapping rule — the same scheme as the Gemini side. An `{"error": …}` body or a body without a
 * finish_reason throws a GatewayError.
 */
import { accumulateStreamParts } from '../ir/accumulate-stream-parts.js';
import type { ChatResponse } from '../ir/chat-response.js';
import { runStage } from '../ir/stream-stage.js';
import { asRecord, readArray } from '../json/safe-parse-json.js';
import { createOpenAiChatUpstreamStreamDecoder, type OpenAiChatUpstreamDecoderOptions } from './openai-chat-upstream-stream-decoder.js';

export function decodeOpenAiChatUpstreamResponse(
  body: unknown,
  defaults: { id: string; model: string; created: number },
  options: OpenAiChatUpstreamDecoderOptions = {},
): ChatResponse {
  return accumulateStreamParts(runStage(createOpenAiChatUpstreamStreamDecoder(options), [completionAsChunk(body)]), defaults);
}

/** `choices[].message` → `choices[].delta`; everything else as is. */
function completionAsChunk(body: unknown): unknown {
  const record = asRecord(body);
  const choices = record === undefined ? undefined : readArray(record['choices']);
  if (record === undefined || choices === undefined) return body;
  return {
    ...record,
    choices: choices.map((item) => {
      const choice = asRecord(item);
      return choice === undefined ? item : { ...choice, delta: choice['message'] };
    }),
  };
}

/**
 * A non-streamed Gemini GenerateContentResponse → IR ChatResponse. It runs through the same stream
 * decoder as a one-chunk stream and is folded by accumulateStreamParts, so both paths share every
 * mapping rule. A Google error object or a response without finishReason throws a GatewayError.
 */
import { accumulateStreamParts } from '../ir/accumulate-stream-parts.js';
import type { ChatResponse } from '../ir/chat-response.js';
import { runStage } from '../ir/stream-stage.js';
import { createGeminiUpstreamStreamDecoder, type GeminiUpstreamDecoderOptions } from './gemini-upstream-stream-decoder.js';

export function decodeGeminiUpstreamResponse(
  response: unknown,
  options: GeminiUpstreamDecoderOptions,
  defaults: { id: string; model: string; created: number },
): ChatResponse {
  return accumulateStreamParts(runStage(createGeminiUpstreamStreamDecoder(options), [response]), defaults);
}

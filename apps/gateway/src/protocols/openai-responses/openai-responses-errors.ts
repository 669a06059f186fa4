/**
 * Responses errors. Non-streamed: the OpenAI body `{"error": {message, type, param, code}}`, shared
 * with Chat Completions (openai-chat-errors.ts). Streamed (client-protocols.md §5): an `error` event
 * ({type, code, message, param, sequence_number}, which the openai SDK raises as an APIError) and
 * then, from the stream encoder, the terminal `response.failed` whose `response.error` uses the
 * Responses API's own code enum.
 */
import type { GatewayErrorCode, GatewayErrorShape } from '../../common/errors/gateway-error.js';
import { encodeOpenAiChatClientError, OPENAI_ERROR_TYPES } from '../openai-chat/openai-chat-errors.js';
import type { OpenAiErrorBody } from '../openai-chat/openai-chat-wire.js';
import { sseEvent } from '../sse/encode-sse.js';
import type { ResponsesErrorCode, ResponsesStreamEvent } from './openai-responses-wire.js';

export function encodeOpenAiResponsesClientError(error: GatewayErrorShape): OpenAiErrorBody {
  return encodeOpenAiChatClientError(error);
}

/** The `error` event payload; `code` is the same code the non-streamed error body carries. */
export function openAiResponsesErrorEvent(error: GatewayErrorShape, sequenceNumber: number): ResponsesStreamEvent {
  const { type, code } = OPENAI_ERROR_TYPES[error.code];
  return { type: 'error', sequence_number: sequenceNumber, code: code ?? type, message: error.message, param: error.param ?? null };
}

/** `response.error.code` for a failed response. */
export function toResponsesErrorCode(code: GatewayErrorCode): ResponsesErrorCode {
  switch (code) {
    case 'quota_exceeded':
    case 'rate_limited':
      return 'rate_limit_exceeded';
    case 'invalid_request':
    case 'upstream_rejected':
    case 'payload_too_large':
      return 'invalid_prompt';
    default:
      return 'server_error';
  }
}

/**
 * An error after the stream started, without the stream encoder's state: one `error` event. Its
 * sequence_number cannot continue the stream's numbering, so it is 0; the relay should prefer
 * feeding an IR `error` part to the stream encoder, which numbers the event and ends the stream with
 * `response.failed`.
 */
export function encodeOpenAiResponsesClientStreamError(error: GatewayErrorShape): string {
  return sseEvent('error', openAiResponsesErrorEvent(error, 0));
}

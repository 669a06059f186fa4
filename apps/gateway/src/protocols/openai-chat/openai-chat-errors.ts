/**
 * OpenAI-shaped errors (client-protocols.md §2.1): `{"error": {message, type, param, code}}`.
 * The table is exhaustive over the gateway taxonomy, so a new code cannot be forgotten here.
 */
import type { GatewayErrorCode, GatewayErrorShape } from '../../common/errors/gateway-error.js';
import { SSE_DONE, sseData } from '../sse/encode-sse.js';
import type { OpenAiErrorBody } from './openai-chat-wire.js';

export const OPENAI_ERROR_TYPES: Readonly<Record<GatewayErrorCode, { type: string; code: string | null }>> = Object.freeze({
  invalid_request: { type: 'invalid_request_error', code: null },
  unauthenticated: { type: 'authentication_error', code: 'invalid_api_key' },
  permission_denied: { type: 'permission_error', code: null },
  not_found: { type: 'not_found_error', code: 'model_not_found' },
  payload_too_large: { type: 'invalid_request_error', code: 'request_too_large' },
  quota_exceeded: { type: 'insufficient_quota', code: 'insufficient_quota' },
  rate_limited: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  upstream_rejected: { type: 'invalid_request_error', code: 'upstream_rejected' },
  upstream_unavailable: { type: 'api_error', code: 'upstream_unavailable' },
  no_credentials: { type: 'api_error', code: 'service_unavailable' },
  service_unavailable: { type: 'api_error', code: 'service_unavailable' },
  upstream_timeout: { type: 'api_error', code: 'upstream_timeout' },
  internal: { type: 'api_error', code: 'server_error' },
});

export function encodeOpenAiChatClientError(error: GatewayErrorShape): OpenAiErrorBody {
  const { type, code } = OPENAI_ERROR_TYPES[error.code];
  return { error: { message: error.message, type, param: error.param ?? null, code } };
}

/**
 * An error after the stream started: one `data:` frame with the error object, then `[DONE]`.
 * It ends the stream; the stream encoder must not be flushed afterwards.
 */
export function encodeOpenAiChatClientStreamError(error: GatewayErrorShape): string {
  return sseData(encodeOpenAiChatClientError(error)) + SSE_DONE;
}

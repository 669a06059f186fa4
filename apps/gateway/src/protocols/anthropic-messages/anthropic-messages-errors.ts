/**
 * Anthropic-shaped errors (client-protocols.md §2.1, §4.4): `{"type":"error","error":{type, message}}`,
 * types by status per https://docs.claude.com/en/api/errors. The table is exhaustive over the
 * gateway taxonomy. The HTTP status stays the gateway's; the type is what SDKs branch on.
 */
import type { GatewayErrorCode, GatewayErrorShape } from '../../common/errors/gateway-error.js';
import { sseEvent } from '../sse/encode-sse.js';
import type { AnthropicErrorBody } from './anthropic-messages-wire.js';

export const ANTHROPIC_ERROR_TYPES: Readonly<Record<GatewayErrorCode, string>> = Object.freeze({
  invalid_request: 'invalid_request_error',
  unauthenticated: 'authentication_error',
  permission_denied: 'permission_error',
  not_found: 'not_found_error',
  payload_too_large: 'request_too_large',
  // a spent gateway key is answered with 429 (client-protocols.md §2): Anthropic's type for 429
  quota_exceeded: 'rate_limit_error',
  rate_limited: 'rate_limit_error',
  upstream_rejected: 'invalid_request_error',
  upstream_unavailable: 'api_error',
  // 503: no usable credential right now; clients (Claude Code) back off and retry on overloaded_error
  no_credentials: 'overloaded_error',
  service_unavailable: 'overloaded_error',
  upstream_timeout: 'timeout_error',
  internal: 'api_error',
});

export function encodeAnthropicMessagesClientError(error: GatewayErrorShape): AnthropicErrorBody {
  return { type: 'error', error: { type: ANTHROPIC_ERROR_TYPES[error.code], message: error.message } };
}

/** `event: error` with the error body (§4.4); it ends the stream. */
export function encodeAnthropicMessagesClientStreamError(error: GatewayErrorShape): string {
  return sseEvent('error', encodeAnthropicMessagesClientError(error));
}

/**
 * Failed calls to the Anthropic Messages API → the relay's UpstreamFailure classes, and `error`
 * events inside a stream → the gateway taxonomy. Error bodies are
 * `{"type":"error","error":{"type":"<error type>","message":"…"},"request_id":"…"}`
 * (https://docs.claude.com/en/api/errors).
 *
 * - 429 `rate_limit_error` → throttled until `retry-after`, else the reset of the exhausted limit
 *   (`anthropic-ratelimit-unified-reset` when Claude Code subscription limits say `rejected`,
 *   else the latest `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-reset`,
 *   RFC 3339), else 60 s; terminal beyond 5 minutes (subscription windows are hours).
 * - 529 `overloaded_error` and 5xx → unavailable; 401 `authentication_error` → unauthenticated
 *   (refresh an OAuth token, or drop an API key); 403 `permission_error` → credential_invalid;
 *   404 → model_unavailable; a 400 whose message says the credit balance is too low →
 *   credential_invalid (the account, not the request, is at fault); other 400 and 413 → rejected.
 */
import { DEFAULT_THROTTLE_MS, type UpstreamFailure } from '../../common/errors/classify-upstream-failure.js';
import { GATEWAY_ERROR_STATUS, type GatewayErrorCode, type GatewayErrorShape } from '../../common/errors/gateway-error.js';
import { throttleFailure } from '../http/throttle-failure.js';
import { parseResetTime, readHeader, readRetryAfter, type UpstreamHeaders } from '../http/upstream-headers.js';
import { asRecord, readString } from '../json/safe-parse-json.js';

const RESET_HEADERS = [
  'anthropic-ratelimit-requests-reset',
  'anthropic-ratelimit-tokens-reset',
  'anthropic-ratelimit-input-tokens-reset',
  'anthropic-ratelimit-output-tokens-reset',
] as const;

/** `{type, message}` of an Anthropic error body or `error` event. */
export function readAnthropicError(body: unknown): { type: string; message: string | undefined } {
  const error = asRecord(asRecord(body)?.['error']);
  return { type: readString(error?.['type']) ?? '', message: readString(error?.['message']) };
}

export function classifyAnthropicUpstreamFailure(
  status: number,
  body: unknown,
  headers?: UpstreamHeaders,
  now: number = Date.now(),
): UpstreamFailure {
  const error = readAnthropicError(body);
  const message = error.message !== undefined && error.message.trim().length > 0 ? error.message : `upstream answered HTTP ${status}`;

  if (status === 429) return throttleFailure(readAnthropicThrottleUntil(headers, now), now, (error.type || 'rate_limit_error').toUpperCase(), message);
  if (status === 401) return { kind: 'unauthenticated', message };
  if (status === 403) return { kind: 'credential_invalid', reason: (error.type || 'permission_error').toUpperCase(), message };
  if (status === 404) return { kind: 'model_unavailable', message };
  if (status === 400 && /credit balance/i.test(message)) return { kind: 'credential_invalid', reason: 'CREDIT_BALANCE_TOO_LOW', message };
  if (status === 408 || status === 499 || status >= 500) return { kind: 'unavailable', message };
  return { kind: 'rejected', status, message };
}

export function readAnthropicThrottleUntil(headers: UpstreamHeaders, now: number): number {
  const retryAfter = readRetryAfter(headers, now);
  if (retryAfter !== undefined) return retryAfter;
  if (readHeader(headers, 'anthropic-ratelimit-unified-status') === 'rejected') {
    const unified = parseResetTime(readHeader(headers, 'anthropic-ratelimit-unified-reset'), now);
    if (unified !== undefined) return unified;
  }
  let until: number | undefined;
  for (const name of RESET_HEADERS) {
    const at = parseResetTime(readHeader(headers, name), now);
    if (at !== undefined && (until === undefined || at > until)) until = at;
  }
  return until ?? now + DEFAULT_THROTTLE_MS;
}

/** Anthropic error type → gateway code (for errors inside a stream). */
const ERROR_CODES: Readonly<Record<string, GatewayErrorCode>> = {
  invalid_request_error: 'upstream_rejected',
  request_too_large: 'payload_too_large',
  not_found_error: 'not_found',
  rate_limit_error: 'rate_limited',
  timeout_error: 'upstream_timeout',
  // 503: Anthropic clients see overloaded_error again and back off (Claude Code retries it)
  overloaded_error: 'service_unavailable',
  api_error: 'upstream_unavailable',
  // credential problems are the gateway's, not the client's
  authentication_error: 'upstream_unavailable',
  permission_error: 'upstream_unavailable',
  billing_error: 'upstream_unavailable',
};

const CLIENT_FACING: ReadonlySet<GatewayErrorCode> = new Set<GatewayErrorCode>([
  'upstream_rejected',
  'payload_too_large',
  'not_found',
  'rate_limited',
]);

/** An `error` event (`{"type":"error","error":{type, message}}`) → the gateway taxonomy. */
export function anthropicErrorToGatewayError(event: unknown): GatewayErrorShape {
  const error = readAnthropicError(event);
  const code = ERROR_CODES[error.type] ?? 'upstream_unavailable';
  return {
    code,
    status: GATEWAY_ERROR_STATUS[code],
    message:
      CLIENT_FACING.has(code) && error.message !== undefined && error.message.length > 0
        ? error.message
        : `upstream error (${error.type || 'unknown'})`,
  };
}

/**
 * Failed calls to an OpenAI-compatible upstream → the relay's UpstreamFailure classes
 * (common/errors/classify-upstream-failure.ts), and OpenAI error objects found inside a stream →
 * the gateway taxonomy. Error bodies: `{"error": {message, type, param, code}}` (OpenAI),
 * `{"error": {code: <HTTP status>, message, metadata}}` (OpenRouter), `{"detail": "…"}` (FastAPI
 * servers, the ChatGPT Codex backend), `{"message": "…"}` (others).
 *
 * - 429: throttled until `retry-after` / `retry-after-ms`, else the latest `x-ratelimit-reset-*`
 *   (OpenAI durations such as `6m0s`) or `x-ratelimit-reset` (OpenRouter epoch ms), else 60 s;
 *   terminal when the window is longer than 5 minutes. A 429 `insufficient_quota` is a billing
 *   state no wait heals: credential_invalid.
 * - 401 → unauthenticated (refresh, or drop an API key); 402 (OpenRouter: no credits) and 403 →
 *   credential_invalid; 404 → model_unavailable; 408/409/425/499/5xx → unavailable; other 4xx
 *   (400, 413, 422) → rejected with the upstream's message.
 */
import {
  DEFAULT_THROTTLE_MS,
  type UpstreamFailure,
} from '../../common/errors/classify-upstream-failure.js';
import { GATEWAY_ERROR_STATUS, type GatewayErrorCode, type GatewayErrorShape } from '../../common/errors/gateway-error.js';
import { throttleFailure } from '../http/throttle-failure.js';
import { parseResetTime, readHeader, readRetryAfter, type UpstreamHeaders } from '../http/upstream-headers.js';
import { asRecord, readNumber, readString } from '../json/safe-parse-json.js';

const OPENAI_RESET_HEADERS = ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens', 'x-ratelimit-reset'] as const;

/** The error object of an OpenAI-style body (`error` as object or string), else the body itself. */
export function readOpenAiErrorObject(body: unknown): Record<string, unknown> | undefined {
  const record = asRecord(body);
  if (record === undefined) return undefined;
  const error = record['error'];
  const object = asRecord(error);
  if (object !== undefined) return object;
  if (typeof error === 'string') return { message: error };
  return record;
}

/** The human message of an error body, or `upstream answered HTTP <status>`. */
export function openAiUpstreamErrorMessage(body: unknown, status: number): string {
  const error = readOpenAiErrorObject(body);
  const message = readString(error?.['message']) ?? readString(error?.['detail']) ?? readString(asRecord(body)?.['detail']);
  return message !== undefined && message.trim().length > 0 ? message : `upstream answered HTTP ${status}`;
}

export function classifyOpenAiUpstreamFailure(
  status: number,
  body: unknown,
  headers?: UpstreamHeaders,
  now: number = Date.now(),
): UpstreamFailure {
  const error = readOpenAiErrorObject(body);
  const message = openAiUpstreamErrorMessage(body, status);
  const code = readString(error?.['code']) ?? readString(error?.['type']) ?? '';

  if (status === 429) {
    if (code === 'insufficient_quota') return { kind: 'credential_invalid', reason: 'INSUFFICIENT_QUOTA', message };
    return throttleFailure(readThrottleUntil(headers, now), now, code === '' ? 'RATE_LIMITED' : code.toUpperCase(), message);
  }
  if (status === 401) return { kind: 'unauthenticated', message };
  if (status === 402) return { kind: 'credential_invalid', reason: 'PAYMENT_REQUIRED', message };
  if (status === 403) return { kind: 'credential_invalid', reason: code === '' ? 'PERMISSION_DENIED' : code.toUpperCase(), message };
  if (status === 404) return { kind: 'model_unavailable', message };
  if (status === 408 || status === 409 || status === 425 || status === 499 || status >= 500) return { kind: 'unavailable', message };
  return { kind: 'rejected', status, message };
}

/** `retry-after`, else the latest OpenAI / OpenRouter reset header, else the default window. */
export function readThrottleUntil(headers: UpstreamHeaders, now: number): number {
  const retryAfter = readRetryAfter(headers, now);
  if (retryAfter !== undefined) return retryAfter;
  let until: number | undefined;
  for (const name of OPENAI_RESET_HEADERS) {
    const at = parseResetTime(readHeader(headers, name), now);
    if (at !== undefined && (until === undefined || at > until)) until = at;
  }
  return until ?? now + DEFAULT_THROTTLE_MS;
}

/** Gateway codes whose upstream message is about the request and safe to show the client. */
const CLIENT_FACING: ReadonlySet<GatewayErrorCode> = new Set<GatewayErrorCode>([
  'upstream_rejected',
  'rate_limited',
  'payload_too_large',
  'not_found',
]);

/**
 * An error object inside an OpenAI-compatible stream (`{"error": {…}}` chunks; OpenRouter puts the
 * HTTP status in `code`) → the gateway taxonomy. Credential-level failures (401/402/403) are the
 * gateway's problem, not the client's: upstream_unavailable with a generic message.
 */
export function openAiErrorToGatewayError(error: unknown): GatewayErrorShape {
  const record = asRecord(error) ?? (typeof error === 'string' ? { message: error } : {});
  const numeric = readNumber(record['code']) ?? readNumber(record['status']);
  const name = (readString(record['code']) ?? readString(record['type']) ?? '').toLowerCase();
  let code: GatewayErrorCode;
  if (numeric !== undefined) code = codeForStatus(numeric);
  else if (name.includes('rate_limit') || name.includes('usage_limit')) code = 'rate_limited';
  else if (name.startsWith('invalid') || name.includes('context_length') || name.includes('image')) code = 'upstream_rejected';
  else if (name.includes('not_found')) code = 'not_found';
  else if (name.includes('timeout')) code = 'upstream_timeout';
  else code = 'upstream_unavailable';
  const message = readString(record['message']);
  return {
    code,
    status: GATEWAY_ERROR_STATUS[code],
    message:
      CLIENT_FACING.has(code) && message !== undefined && message.length > 0
        ? message
        : `upstream error (${numeric ?? (name || 'unknown')})`,
  };
}

function codeForStatus(status: number): GatewayErrorCode {
  if (status === 400 || status === 422) return 'upstream_rejected';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 504) return 'upstream_timeout';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'rate_limited';
  return 'upstream_unavailable';
}

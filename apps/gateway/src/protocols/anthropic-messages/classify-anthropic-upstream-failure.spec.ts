import { describe, expect, it } from 'vitest';
import { DEFAULT_THROTTLE_MS } from '../../common/errors/classify-upstream-failure.js';
import { anthropicErrorToGatewayError, classifyAnthropicUpstreamFailure } from './classify-anthropic-upstream-failure.js';

const NOW = Date.parse('2026-11-21T10:00:00Z');
const body = (type: string, message: string) => ({ type: 'error', error: { type, message }, request_id: 'req_011CVKQ' });

describe('classifyAnthropicUpstreamFailure', () => {
  it('429 rate_limit_error: throttled until retry-after', () => {
    expect(classifyAnthropicUpstreamFailure(429, body('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'), { 'retry-after': '12' }, NOW)).toStrictEqual({
      kind: 'throttled',
      until: NOW + 12_000,
      terminal: false,
      reason: 'RATE_LIMIT_ERROR',
      message: 'Number of request tokens has exceeded your per-minute rate limit',
    });
  });

  it('429 without retry-after: the latest anthropic-ratelimit-*-reset (RFC 3339)', () => {
    expect(
      classifyAnthropicUpstreamFailure(
        429,
        body('rate_limit_error', 'limit'),
        {
          'anthropic-ratelimit-requests-reset': '2026-11-21T10:00:30Z',
          'anthropic-ratelimit-output-tokens-reset': '2026-11-21T10:01:00Z',
        },
        NOW,
      ),
    ).toMatchObject({ kind: 'throttled', until: NOW + 60_000, terminal: false });
  });

  it('429 from Claude Code subscription limits: the unified reset (epoch seconds), terminal', () => {
    const reset = NOW / 1000 + 3 * 3600;
    expect(
      classifyAnthropicUpstreamFailure(
        429,
        body('rate_limit_error', 'This request would exceed your account\'s rate limit.'),
        { 'anthropic-ratelimit-unified-status': 'rejected', 'anthropic-ratelimit-unified-reset': String(reset) },
        NOW,
      ),
    ).toMatchObject({ kind: 'throttled', until: reset * 1000, terminal: true });
  });

  it('429 with nothing to go on: the default window', () => {
    expect(classifyAnthropicUpstreamFailure(429, undefined, undefined, NOW)).toStrictEqual({
      kind: 'throttled',
      until: NOW + DEFAULT_THROTTLE_MS,
      terminal: false,
      reason: 'RATE_LIMIT_ERROR',
      message: 'upstream answered HTTP 429',
    });
  });

  it('529 overloaded and 5xx are transient', () => {
    expect(classifyAnthropicUpstreamFailure(529, body('overloaded_error', 'Overloaded'))).toStrictEqual({ kind: 'unavailable', message: 'Overloaded' });
    expect(classifyAnthropicUpstreamFailure(500, body('api_error', 'Internal server error')).kind).toBe('unavailable');
    expect(classifyAnthropicUpstreamFailure(504, undefined).kind).toBe('unavailable');
  });

  it('401 → unauthenticated, 403 → credential_invalid, 404 → model_unavailable', () => {
    expect(classifyAnthropicUpstreamFailure(401, body('authentication_error', 'invalid x-api-key'))).toStrictEqual({
      kind: 'unauthenticated',
      message: 'invalid x-api-key',
    });
    expect(classifyAnthropicUpstreamFailure(403, body('permission_error', 'Your API key does not have permission'))).toStrictEqual({
      kind: 'credential_invalid',
      reason: 'PERMISSION_ERROR',
      message: 'Your API key does not have permission',
    });
    expect(classifyAnthropicUpstreamFailure(404, body('not_found_error', 'model: claude-9'))).toStrictEqual({ kind: 'model_unavailable', message: 'model: claude-9' });
  });

  it('a 400 about the credit balance is the account, not the request', () => {
    expect(
      classifyAnthropicUpstreamFailure(400, body('invalid_request_error', 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.')),
    ).toMatchObject({ kind: 'credential_invalid', reason: 'CREDIT_BALANCE_TOO_LOW' });
  });

  it('other 400s and 413 are passed back to the client', () => {
    expect(classifyAnthropicUpstreamFailure(400, body('invalid_request_error', 'messages.1.content.0.thinking.signature: Invalid signature'))).toStrictEqual({
      kind: 'rejected',
      status: 400,
      message: 'messages.1.content.0.thinking.signature: Invalid signature',
    });
    expect(classifyAnthropicUpstreamFailure(413, body('request_too_large', 'Request exceeds the maximum allowed number of bytes.'))).toMatchObject({
      kind: 'rejected',
      status: 413,
    });
  });
});

describe('anthropicErrorToGatewayError', () => {
  it('maps error types; only request-level messages reach the client', () => {
    expect(anthropicErrorToGatewayError(body('invalid_request_error', 'prompt is too long'))).toStrictEqual({
      code: 'upstream_rejected',
      status: 400,
      message: 'prompt is too long',
    });
    expect(anthropicErrorToGatewayError(body('rate_limit_error', 'slow down'))).toMatchObject({ code: 'rate_limited', message: 'slow down' });
    expect(anthropicErrorToGatewayError(body('overloaded_error', 'Overloaded'))).toStrictEqual({
      code: 'service_unavailable',
      status: 503,
      message: 'upstream error (overloaded_error)',
    });
    expect(anthropicErrorToGatewayError(body('authentication_error', 'token expired'))).toMatchObject({ code: 'upstream_unavailable' });
    expect(anthropicErrorToGatewayError(body('timeout_error', 'x'))).toMatchObject({ code: 'upstream_timeout' });
    expect(anthropicErrorToGatewayError({})).toStrictEqual({ code: 'upstream_unavailable', status: 502, message: 'upstream error (unknown)' });
  });
});

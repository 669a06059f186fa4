import { describe, expect, it } from 'vitest';
import { DEFAULT_THROTTLE_MS } from '../../common/errors/classify-upstream-failure.js';
import { classifyOpenAiUpstreamFailure, openAiErrorToGatewayError, openAiUpstreamErrorMessage } from './classify-openai-upstream-failure.js';

const NOW = Date.parse('2026-11-21T10:00:00Z');
const openAiError = (message: string, type: string, code: string | null = null) => ({ error: { message, type, param: null, code } });

describe('classifyOpenAiUpstreamFailure', () => {
  it('429: throttled until retry-after', () => {
    expect(classifyOpenAiUpstreamFailure(429, openAiError('Rate limit reached', 'requests', 'rate_limit_exceeded'), { 'retry-after': '20' }, NOW)).toStrictEqual({
      kind: 'throttled',
      until: NOW + 20_000,
      terminal: false,
      reason: 'RATE_LIMIT_EXCEEDED',
      message: 'Rate limit reached',
    });
  });

  it('429: else the latest x-ratelimit-reset-* (OpenAI durations), terminal beyond 5 minutes', () => {
    const failure = classifyOpenAiUpstreamFailure(
      429,
      openAiError('Rate limit reached for tokens', 'tokens', 'rate_limit_exceeded'),
      { 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '6m0s' },
      NOW,
    );
    expect(failure).toMatchObject({ kind: 'throttled', until: NOW + 360_000, terminal: true });
  });

  it('429: OpenRouter x-ratelimit-reset in epoch ms; nothing known → the default window', () => {
    expect(classifyOpenAiUpstreamFailure(429, { error: { code: 429, message: 'Rate limit exceeded' } }, { 'x-ratelimit-reset': String(NOW + 30_000) }, NOW)).toMatchObject({
      kind: 'throttled',
      until: NOW + 30_000,
      reason: 'RATE_LIMITED',
    });
    expect(classifyOpenAiUpstreamFailure(429, undefined, undefined, NOW)).toStrictEqual({
      kind: 'throttled',
      until: NOW + DEFAULT_THROTTLE_MS,
      terminal: false,
      reason: 'RATE_LIMITED',
      message: 'upstream answered HTTP 429',
    });
  });

  it('429 insufficient_quota is a billing state, not a window: credential_invalid', () => {
    expect(classifyOpenAiUpstreamFailure(429, openAiError('You exceeded your current quota', 'insufficient_quota', 'insufficient_quota'), undefined, NOW)).toStrictEqual({
      kind: 'credential_invalid',
      reason: 'INSUFFICIENT_QUOTA',
      message: 'You exceeded your current quota',
    });
  });

  it('maps 401, 402, 403, 404, 5xx and other 4xx', () => {
    expect(classifyOpenAiUpstreamFailure(401, openAiError('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key'))).toStrictEqual({
      kind: 'unauthenticated',
      message: 'Incorrect API key provided',
    });
    expect(classifyOpenAiUpstreamFailure(402, { error: { code: 402, message: 'Insufficient credits' } })).toMatchObject({
      kind: 'credential_invalid',
      reason: 'PAYMENT_REQUIRED',
    });
    expect(classifyOpenAiUpstreamFailure(403, openAiError('Country not supported', 'invalid_request_error', 'unsupported_country_region_territory'))).toMatchObject({
      kind: 'credential_invalid',
      reason: 'UNSUPPORTED_COUNTRY_REGION_TERRITORY',
    });
    expect(classifyOpenAiUpstreamFailure(404, openAiError('The model `gpt-9` does not exist', 'invalid_request_error', 'model_not_found'))).toStrictEqual({
      kind: 'model_unavailable',
      message: 'The model `gpt-9` does not exist',
    });
    for (const status of [500, 502, 503, 504, 408, 499]) {
      expect(classifyOpenAiUpstreamFailure(status, undefined).kind).toBe('unavailable');
    }
    expect(classifyOpenAiUpstreamFailure(400, openAiError("Invalid 'messages[1].content'", 'invalid_request_error'))).toStrictEqual({
      kind: 'rejected',
      status: 400,
      message: "Invalid 'messages[1].content'",
    });
    expect(classifyOpenAiUpstreamFailure(413, undefined)).toStrictEqual({ kind: 'rejected', status: 413, message: 'upstream answered HTTP 413' });
  });

  it('reads messages from every body shape', () => {
    expect(openAiUpstreamErrorMessage({ error: 'plain' }, 400)).toBe('plain');
    expect(openAiUpstreamErrorMessage({ detail: 'Unsupported parameter: temperature' }, 400)).toBe('Unsupported parameter: temperature');
    expect(openAiUpstreamErrorMessage({ message: 'top level' }, 400)).toBe('top level');
    expect(openAiUpstreamErrorMessage({ error: { message: '  ' } }, 502)).toBe('upstream answered HTTP 502');
    expect(openAiUpstreamErrorMessage('not json', 500)).toBe('upstream answered HTTP 500');
  });
});

describe('openAiErrorToGatewayError', () => {
  it('maps numeric (OpenRouter) and named codes; only request-level messages reach the client', () => {
    expect(openAiErrorToGatewayError({ code: 400, message: 'context too long' })).toStrictEqual({
      code: 'upstream_rejected',
      status: 400,
      message: 'context too long',
    });
    expect(openAiErrorToGatewayError({ code: 429, message: 'slow down' })).toStrictEqual({ code: 'rate_limited', status: 429, message: 'slow down' });
    expect(openAiErrorToGatewayError({ code: 401, message: 'User not found.' })).toStrictEqual({
      code: 'upstream_unavailable',
      status: 502,
      message: 'upstream error (401)',
    });
    expect(openAiErrorToGatewayError({ code: 504, message: 'x' })).toMatchObject({ code: 'upstream_timeout' });
    expect(openAiErrorToGatewayError({ type: 'invalid_request_error', message: 'bad' })).toMatchObject({ code: 'upstream_rejected', message: 'bad' });
    expect(openAiErrorToGatewayError({ code: 'context_length_exceeded', message: 'too long' })).toMatchObject({ code: 'upstream_rejected' });
    expect(openAiErrorToGatewayError({ code: 'usage_limit_reached', message: 'limit' })).toMatchObject({ code: 'rate_limited' });
    expect(openAiErrorToGatewayError({ code: 'server_error', message: 'secret detail' })).toStrictEqual({
      code: 'upstream_unavailable',
      status: 502,
      message: 'upstream error (server_error)',
    });
    expect(openAiErrorToGatewayError('boom')).toMatchObject({ code: 'upstream_unavailable', message: 'upstream error (unknown)' });
  });
});

import { describe, expect, it } from 'vitest';
import { classifyUpstreamFailure, DEFAULT_THROTTLE_MS, parseDuration } from './classify-upstream-failure.js';

const NOW = Date.parse('2026-11-21T00:00:00Z');

function err429(details: unknown[], message = 'You have exhausted your capacity on this model.') {
  return { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message, details } };
}

describe('classifyUpstreamFailure', () => {
  it('parses Google durations', () => {
    expect(parseDuration('0.539s')).toBe(539);
    expect(parseDuration('13h19m1.2s')).toBe(13 * 3_600_000 + 19 * 60_000 + 1200);
    expect(parseDuration('nonsense')).toBeUndefined();
  });

  it('bans until quotaResetTimeStamp when present (daily quota: terminal)', () => {
    const f = classifyUpstreamFailure(
      429,
      err429([
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'QUOTA_EXHAUSTED',
          metadata: { quotaResetTimeStamp: '2026-11-21T14:00:00Z', quotaResetDelay: '14h' },
        },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '50400s' },
      ]),
      NOW,
    );
    expect(f).toMatchObject({ kind: 'throttled', terminal: true, until: Date.parse('2026-11-21T14:00:00Z'), reason: 'QUOTA_EXHAUSTED' });
  });

  it('uses RetryInfo for short rate limits (retryable)', () => {
    const f = classifyUpstreamFailure(
      429,
      err429([
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'RATE_LIMIT_EXCEEDED' },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.5s' },
      ]),
      NOW,
    );
    expect(f).toMatchObject({ kind: 'throttled', terminal: false, until: NOW + 500 });
  });

  it('gives a bare 429 the fallback window', () => {
    const f = classifyUpstreamFailure(429, err429([], 'Resource has been exhausted (e.g. check quota).'), NOW);
    expect(f).toMatchObject({ kind: 'throttled', terminal: false, until: NOW + DEFAULT_THROTTLE_MS });
  });

  it('classifies 401, 403 variants, 404, 5xx and request errors', () => {
    expect(classifyUpstreamFailure(401, {}, NOW).kind).toBe('unauthenticated');
    expect(
      classifyUpstreamFailure(403, { error: { code: 403, message: 'This service has been disabled in this account for violation of Terms of Service' } }, NOW),
    ).toMatchObject({ kind: 'credential_invalid', reason: 'TOS_VIOLATION' });
    expect(classifyUpstreamFailure(404, { error: { message: 'Requested entity was not found.' } }, NOW)).toEqual({
      kind: 'model_unavailable',
      message: 'Requested entity was not found.',
    });
    expect(classifyUpstreamFailure(500, undefined, NOW)).toEqual({ kind: 'unavailable', message: 'upstream answered HTTP 500' });
    expect(classifyUpstreamFailure(400, { error: { message: 'Invalid JSON payload' } }, NOW)).toEqual({
      kind: 'rejected',
      status: 400,
      message: 'Invalid JSON payload',
    });
  });
});

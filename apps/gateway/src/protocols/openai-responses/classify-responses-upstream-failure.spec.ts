import { describe, expect, it } from 'vitest';
import { classifyResponsesUpstreamFailure } from './classify-responses-upstream-failure.js';

const NOW = Date.parse('2026-11-21T10:00:00Z');
const usageLimit = (extra: Record<string, unknown> = {}) => ({
  error: { type: 'usage_limit_reached', message: 'The usage limit has been reached', plan_type: 'plus', ...extra },
});

describe('classifyResponsesUpstreamFailure', () => {
  it('Codex usage_limit_reached: throttled until resets_at (epoch seconds), terminal', () => {
    const resetsAt = NOW / 1000 + 4 * 3600;
    expect(classifyResponsesUpstreamFailure(429, usageLimit({ resets_at: resetsAt, resets_in_seconds: 1 }), undefined, NOW)).toStrictEqual({
      kind: 'throttled',
      until: resetsAt * 1000,
      terminal: true,
      reason: 'USAGE_LIMIT_REACHED',
      message: 'The usage limit has been reached',
    });
  });

  it('… else resets_in_seconds, else the exhausted x-codex window, else retry-after / the default', () => {
    expect(classifyResponsesUpstreamFailure(429, usageLimit({ resets_in_seconds: 120 }), undefined, NOW)).toMatchObject({ until: NOW + 120_000, terminal: false });
    expect(
      classifyResponsesUpstreamFailure(
        429,
        usageLimit(),
        {
          'x-codex-primary-used-percent': '100',
          'x-codex-primary-reset-after-seconds': '3600',
          'x-codex-secondary-used-percent': '40',
          'x-codex-secondary-reset-after-seconds': '86400',
        },
        NOW,
      ),
    ).toMatchObject({ until: NOW + 3_600_000, terminal: true });
    expect(classifyResponsesUpstreamFailure(429, usageLimit({ resets_at: NOW / 1000 - 10 }), { 'retry-after': '30' }, NOW)).toMatchObject({
      until: NOW + 30_000,
    });
  });

  it('a plain 429 with an exhausted Codex window uses that window', () => {
    expect(
      classifyResponsesUpstreamFailure(429, { error: { message: 'Rate limit reached' } }, { 'x-codex-secondary-used-percent': '100.0', 'x-codex-secondary-reset-after-seconds': '7200' }, NOW),
    ).toMatchObject({ kind: 'throttled', until: NOW + 7_200_000, terminal: true, reason: 'RATE_LIMITED' });
  });

  it('usage_not_included → credential_invalid; unsupported model → model_unavailable', () => {
    expect(classifyResponsesUpstreamFailure(403, { error: { type: 'usage_not_included', message: 'Upgrade to Plus to use Codex' } })).toStrictEqual({
      kind: 'credential_invalid',
      reason: 'USAGE_NOT_INCLUDED',
      message: 'Upgrade to Plus to use Codex',
    });
    expect(
      classifyResponsesUpstreamFailure(400, { detail: "The 'gpt-5.5-pro' model is not supported when using Codex with a ChatGPT account." }),
    ).toMatchObject({ kind: 'model_unavailable' });
  });

  it('everything else follows the Chat Completions rules', () => {
    expect(classifyResponsesUpstreamFailure(400, { detail: 'Unsupported parameter: max_output_tokens' })).toStrictEqual({
      kind: 'rejected',
      status: 400,
      message: 'Unsupported parameter: max_output_tokens',
    });
    expect(classifyResponsesUpstreamFailure(401, { error: { message: 'Your authentication token has expired.', code: 'token_expired' } })).toMatchObject({
      kind: 'unauthenticated',
    });
    expect(classifyResponsesUpstreamFailure(429, { error: { message: 'slow down', code: 'rate_limit_exceeded' } }, { 'retry-after': '5' }, NOW)).toMatchObject({
      kind: 'throttled',
      until: NOW + 5000,
      reason: 'RATE_LIMIT_EXCEEDED',
    });
    expect(classifyResponsesUpstreamFailure(502, undefined).kind).toBe('unavailable');
  });
});

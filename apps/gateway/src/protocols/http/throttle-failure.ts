import type { UpstreamFailure } from '../../common/errors/classify-upstream-failure.js';

/** Throttle windows longer than this are reported as terminal (the credential is out for a long while). */
export const SHORT_THROTTLE_LIMIT_MS = 5 * 60_000;

/** A `throttled` failure ending at `until` (absolute ms). */
export function throttleFailure(until: number, now: number, reason: string, message: string): UpstreamFailure {
  return { kind: 'throttled', until, terminal: until - now > SHORT_THROTTLE_LIMIT_MS, reason, message };
}

import { classifyUpstreamFailure, parseDuration, type UpstreamFailure } from '../../../common/errors/classify-upstream-failure.js';

/** "Resource has been exhausted (e.g. check quota)." with no details: a soft limit (docs/upstreams.md §2.9). */
export const SOFT_THROTTLE_MS = 30_000;

type Throttled = Extract<UpstreamFailure, { kind: 'throttled' }>;

/**
 * Antigravity's failures (docs/upstreams.md §2.9) on top of Code Assist's classification: an
 * individual-quota 429 (`QUOTA_EXHAUSTED`, `quotaResetDelay`, or only "Resets in 69h2m37s" in the
 * message) bans until the reset; a bare "Resource has been exhausted" is a short cooldown; capacity
 * and rate limits keep their own (short) windows.
 */
export function classifyAntigravityFailure(status: number, body: unknown, now: number = Date.now()): UpstreamFailure {
  const failure = classifyUpstreamFailure(status, body, now);
  if (failure.kind !== 'throttled') return failure;
  const details = (body as { error?: { details?: unknown } } | undefined)?.error?.details;
  const hasDetails = Array.isArray(details) && details.length > 0;
  const resets = /Resets in ((?:\d+h)?(?:\d+m)?(?:\d+(?:\.\d+)?s)?)/i.exec(failure.message)?.[1];
  const structured = hasDetails && JSON.stringify(details).match(/quotaResetDelay|quotaResetTimeStamp|retryDelay/);
  if (!structured && resets) {
    const ms = parseDuration(resets);
    if (ms !== undefined && ms > 0) return { ...failure, until: now + ms, terminal: true, reason: failure.reason === 'RESOURCE_EXHAUSTED' ? 'QUOTA_EXHAUSTED' : failure.reason };
  }
  if (!hasDetails && /exhausted your capacity/i.test(failure.message)) return { ...failure, terminal: true, reason: 'QUOTA_EXHAUSTED' };
  if (!hasDetails && /resource has been exhausted/i.test(failure.message)) return { ...failure, until: now + SOFT_THROTTLE_MS, terminal: false };
  return failure;
}

/**
 * Whether a throttle covers the credential's whole model group (Gemini, or Claude/GPT) rather than
 * one model: exhausted individual quota and spent AI credits do; rate limits and server capacity
 * (`MODEL_CAPACITY_EXHAUSTED`) do not.
 */
export function isGroupWideThrottle(failure: Throttled): boolean {
  return failure.reason === 'QUOTA_EXHAUSTED' || failure.reason === 'INSUFFICIENT_G1_CREDITS_BALANCE';
}

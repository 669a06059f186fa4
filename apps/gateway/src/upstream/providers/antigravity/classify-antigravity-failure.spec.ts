import { describe, expect, it } from 'vitest';
import { classifyAntigravityFailure, isGroupWideThrottle, SOFT_THROTTLE_MS } from './classify-antigravity-failure.js';

const NOW = 1_767_000_000_000;
const error = (code: number, message: string, details?: unknown[]) => ({ error: { code, status: code === 429 ? 'RESOURCE_EXHAUSTED' : 'X', message, ...(details ? { details } : {}) } });
const errorInfo = (reason: string, metadata: Record<string, string> = {}) => ({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'cloudcode-pa.googleapis.com', metadata });

describe('classifyAntigravityFailure', () => {
  it('bans an exhausted individual quota until its reset, group-wide', () => {
    const f = classifyAntigravityFailure(429, error(429, 'Individual quota reached for this model. Resets in 69h2m37s.', [errorInfo('QUOTA_EXHAUSTED', { quotaResetDelay: '248557s' })]), NOW);
    expect(f).toMatchObject({ kind: 'throttled', until: NOW + 248_557_000, terminal: true, reason: 'QUOTA_EXHAUSTED' });
    expect(f.kind === 'throttled' && isGroupWideThrottle(f)).toBe(true);
  });

  it('reads the reset from the message when no structured delay came', () => {
    const f = classifyAntigravityFailure(429, error(429, 'Individual quota reached for this model. Resets in 1h2m3s.'), NOW);
    expect(f).toMatchObject({ kind: 'throttled', until: NOW + 3_723_000, terminal: true, reason: 'QUOTA_EXHAUSTED' });
  });

  it('treats a bare "Resource has been exhausted" as a short cooldown and capacity as per model', () => {
    const soft = classifyAntigravityFailure(429, error(429, 'Resource has been exhausted (e.g. check quota).'), NOW);
    expect(soft).toMatchObject({ kind: 'throttled', until: NOW + SOFT_THROTTLE_MS, terminal: false });
    expect(soft.kind === 'throttled' && isGroupWideThrottle(soft)).toBe(false);
    const capacity = classifyAntigravityFailure(429, error(429, 'No capacity available for model gemini-3-pro-high on the server', [errorInfo('MODEL_CAPACITY_EXHAUSTED')]), NOW);
    expect(capacity).toMatchObject({ kind: 'throttled', reason: 'MODEL_CAPACITY_EXHAUSTED' });
    expect(capacity.kind === 'throttled' && isGroupWideThrottle(capacity)).toBe(false);
    const rate = classifyAntigravityFailure(429, error(429, 'slow down', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }]), NOW);
    expect(rate).toMatchObject({ kind: 'throttled', until: NOW + 2000 });
    expect(rate.kind === 'throttled' && isGroupWideThrottle(rate)).toBe(false);
    const hard = classifyAntigravityFailure(429, error(429, 'You have exhausted your capacity on this model.'), NOW);
    expect(hard).toMatchObject({ kind: 'throttled', terminal: true, reason: 'QUOTA_EXHAUSTED' });
  });

  it('classifies everything else as Code Assist does', () => {
    expect(classifyAntigravityFailure(401, error(401, 'expired')).kind).toBe('unauthenticated');
    expect(classifyAntigravityFailure(403, error(403, 'denied')).kind).toBe('credential_invalid');
    expect(classifyAntigravityFailure(404, error(404, 'not found')).kind).toBe('model_unavailable');
    expect(classifyAntigravityFailure(503, error(503, 'overloaded')).kind).toBe('unavailable');
    expect(classifyAntigravityFailure(400, error(400, 'bad')).kind).toBe('rejected');
  });
});

import { describe, expect, it } from 'vitest';
import { cleanPastedKey, keyStatus, maskKey, modelShares } from './keys';

describe('keys', () => {
  it('masks long keys and leaves masked ones alone', () => {
    expect(maskKey('sk-abcdefghijklmnopqrstuvwxyz0123456789')).toBe('sk-abcdefg…6789');
    expect(maskKey('sk-abcdefg…6789')).toBe('sk-abcdefg…6789');
    expect(maskKey('sk-short')).toBe('sk-short');
  });

  it('cleans pasted keys', () => {
    expect(cleanPastedKey('  Bearer sk-abc  ')).toBe('sk-abc');
    expect(cleanPastedKey('"sk-abc"')).toBe('sk-abc');
    expect(cleanPastedKey('\tsk-abc\n')).toBe('sk-abc');
  });

  it('sorts model usage with shares', () => {
    expect(modelShares({ 'gemini-2.5-flash': 6, 'gemini-2.5-pro': 30, unused: 0 })).toEqual([
      { model: 'gemini-2.5-pro', units: 30, share: (30 / 36) * 100 },
      { model: 'gemini-2.5-flash', units: 6, share: (6 / 36) * 100 },
    ]);
    expect(modelShares({})).toEqual([]);
  });

  it('derives a key status', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    const k = { enabled: true, expires_at: null, remaining_quota: 10 };
    expect(keyStatus(k, now)).toBe('active');
    expect(keyStatus({ ...k, enabled: false }, now)).toBe('disabled');
    expect(keyStatus({ ...k, expires_at: '2026-05-01T00:00:00Z' }, now)).toBe('expired');
    expect(keyStatus({ ...k, remaining_quota: 0 }, now)).toBe('exhausted');
  });
});

import { describe, expect, it } from 'vitest';
import { formatClock, formatCountdown, formatRelative, isExpired, isoToLocalInput, localInputToIso, secondsUntil, toMs } from './time';

describe('time', () => {
  it('formats cooldown countdowns', () => {
    expect(formatCountdown(0)).toBe('0s');
    expect(formatCountdown(-5)).toBe('0s');
    expect(formatCountdown(9.2)).toBe('10s');
    expect(formatCountdown(59)).toBe('59s');
    expect(formatCountdown(61)).toBe('1m 01s');
    expect(formatCountdown(3_600)).toBe('1h 00m');
    expect(formatCountdown(3_725)).toBe('1h 02m');
    expect(formatCountdown(90_000)).toBe('1d 1h');
  });

  it('counts seconds until an epoch-seconds moment', () => {
    expect(secondsUntil(1_000, 990_000)).toBe(10);
    expect(secondsUntil(1_000, 1_005_000)).toBe(0);
  });

  it('formats relative times in both languages', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(formatRelative('2026-01-01T11:57:00Z', now, 'en')).toBe('3 minutes ago');
    expect(formatRelative('2026-01-01T11:57:00Z', now, 'zh')).toBe('3分钟前');
    expect(formatRelative(now / 1000 - 7_200, now, 'en')).toBe('2 hours ago');
    expect(formatRelative('2026-01-03T12:00:00Z', now, 'en')).toBe('in 2 days');
    expect(formatRelative(null, now)).toBe('—');
  });

  it('reads epoch seconds, epoch milliseconds and ISO strings', () => {
    expect(toMs(1_700_000_000)).toBe(1_700_000_000_000);
    expect(toMs(1_700_000_000_000)).toBe(1_700_000_000_000);
    expect(toMs('2026-01-01T00:00:00Z')).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(toMs('not a date')).toBeNull();
    expect(toMs('')).toBeNull();
  });

  it('formats a log clock', () => {
    const d = new Date(2026, 0, 1, 9, 5, 7);
    expect(formatClock(d.toISOString())).toBe('09:05:07');
    expect(formatClock(null)).toBe('--:--:--');
  });

  it('converts datetime-local values both ways', () => {
    const local = '2026-03-04T05:06';
    const iso = localInputToIso(local)!;
    expect(isoToLocalInput(iso)).toBe(local);
    expect(localInputToIso('')).toBeNull();
    expect(isoToLocalInput(null)).toBe('');
  });

  it('knows when something has expired', () => {
    expect(isExpired('2026-01-01T00:00:00Z', Date.parse('2026-01-02T00:00:00Z'))).toBe(true);
    expect(isExpired('2026-01-03T00:00:00Z', Date.parse('2026-01-02T00:00:00Z'))).toBe(false);
    expect(isExpired(null, Date.now())).toBe(false);
  });
});

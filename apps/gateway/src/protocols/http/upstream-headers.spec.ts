import { describe, expect, it } from 'vitest';
import { parseResetTime, readHeader, readRetryAfter } from './upstream-headers.js';

const NOW = Date.parse('2026-11-21T10:00:00Z');

describe('readHeader', () => {
  it('reads fetch Headers and plain records (repeated values: the first), case-insensitively', () => {
    expect(readHeader(new Headers({ 'Retry-After': '7' }), 'retry-after')).toBe('7');
    expect(readHeader({ 'retry-after': ['7', '8'] }, 'retry-after')).toBe('7');
    expect(readHeader({ 'Retry-After': '9' }, 'retry-after')).toBe('9');
    expect(readHeader({ 'x-n': 5 }, 'x-n')).toBe('5');
    expect(readHeader(undefined, 'retry-after')).toBeUndefined();
    expect(readHeader({}, 'retry-after')).toBeUndefined();
  });
});

describe('readRetryAfter', () => {
  it('reads seconds, HTTP dates and retry-after-ms', () => {
    expect(readRetryAfter({ 'retry-after': '30' }, NOW)).toBe(NOW + 30_000);
    expect(readRetryAfter({ 'retry-after': '1.5' }, NOW)).toBe(NOW + 1500);
    expect(readRetryAfter({ 'retry-after': 'Sat, 21 Nov 2026 10:01:00 GMT' }, NOW)).toBe(NOW + 60_000);
    expect(readRetryAfter({ 'retry-after-ms': '250', 'retry-after': '30' }, NOW)).toBe(NOW + 250);
  });

  it('ignores zero, past and unreadable values', () => {
    expect(readRetryAfter({ 'retry-after': '0' }, NOW)).toBeUndefined();
    expect(readRetryAfter({ 'retry-after': 'Fri, 20 Nov 2026 10:00:00 GMT' }, NOW)).toBeUndefined();
    expect(readRetryAfter({ 'retry-after': 'soon' }, NOW)).toBeUndefined();
    expect(readRetryAfter({}, NOW)).toBeUndefined();
  });
});

describe('parseResetTime', () => {
  it('reads RFC 3339, epoch seconds, epoch ms, seconds and durations', () => {
    expect(parseResetTime('2026-11-21T10:05:00Z', NOW)).toBe(NOW + 300_000);
    expect(parseResetTime(String(NOW / 1000 + 60), NOW)).toBe(NOW + 60_000);
    expect(parseResetTime(String(NOW + 60_000), NOW)).toBe(NOW + 60_000);
    expect(parseResetTime('20', NOW)).toBe(NOW + 20_000);
    expect(parseResetTime('6m0s', NOW)).toBe(NOW + 360_000);
    expect(parseResetTime('20ms', NOW)).toBe(NOW + 20);
  });

  it('ignores empty, past and unreadable values', () => {
    expect(parseResetTime(undefined, NOW)).toBeUndefined();
    expect(parseResetTime('', NOW)).toBeUndefined();
    expect(parseResetTime('0', NOW)).toBeUndefined();
    expect(parseResetTime('2026-11-21T09:00:00Z', NOW)).toBeUndefined();
    expect(parseResetTime('later', NOW)).toBeUndefined();
  });
});

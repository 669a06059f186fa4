import { describe, expect, it } from 'vitest';
import { formatDuration, formatInterval, formatResultValue, jobHealth, orderedCounts, recentFailures, summarizeResult } from './jobs';

describe('jobs', () => {
  it('formats job intervals in words, in both languages', () => {
    expect(formatInterval(60_000)).toBe('1 minute');
    expect(formatInterval(5 * 60_000)).toBe('5 minutes');
    expect(formatInterval(10 * 60_000, 'en')).toBe('10 minutes');
    expect(formatInterval(6 * 3_600_000)).toBe('6 hours');
    expect(formatInterval(86_400_000)).toBe('1 day');
    expect(formatInterval(30_000)).toBe('30 seconds');
    expect(formatInterval(90_000)).toBe('1 minute 30 seconds');
    expect(formatInterval(3_661_000)).toBe('1 hour 1 minute');
    // two adjacent units at most: the rest is dropped
    expect(formatInterval(86_400_000 + 5 * 60_000)).toBe('1 day');
    expect(formatInterval(2 * 86_400_000 + 3 * 3_600_000 + 59_000)).toBe('2 days 3 hours');
    expect(formatInterval(250)).toBe('250 milliseconds');
    expect(formatInterval(1_499)).toBe('1 second');

    expect(formatInterval(60_000, 'zh')).toBe('1分钟');
    expect(formatInterval(6 * 3_600_000, 'zh')).toBe('6小时');
    expect(formatInterval(90_000, 'zh')).toBe('1分钟30秒');
  });

  it('gives a dash for intervals that make no sense', () => {
    expect(formatInterval(0)).toBe('—');
    expect(formatInterval(-1_000)).toBe('—');
    expect(formatInterval(Number.NaN)).toBe('—');
    expect(formatInterval(Number.POSITIVE_INFINITY)).toBe('—');
  });

  it('tells the health of a job from its last run', () => {
    expect(jobHealth({ lastRunAt: null, lastError: null })).toBe('never');
    expect(jobHealth({ lastRunAt: '2026-01-01T00:00:00Z', lastError: null })).toBe('ok');
    expect(jobHealth({ lastRunAt: '2026-01-01T00:00:00Z', lastError: 'boom' })).toBe('failing');
  });

  it('formats result values compactly', () => {
    expect(formatResultValue(12_345)).toBe('12,345');
    expect(formatResultValue(12_345, 'zh')).toBe('12,345');
    expect(formatResultValue(0.5)).toBe('0.5');
    expect(formatResultValue('2026-01-01')).toBe('2026-01-01');
    expect(formatResultValue('')).toBe('""');
    expect(formatResultValue(null)).toBe('—');
    expect(formatResultValue(undefined)).toBe('—');
    expect(formatResultValue(true)).toBe('true');
    expect(formatResultValue({ a: 1, b: [2, 3] })).toBe('{"a":1,"b":[2,3]}');
    expect(formatResultValue([1, 2])).toBe('[1,2]');
    expect(formatResultValue('x'.repeat(100), 'en', 10)).toBe(`${'x'.repeat(9)}…`);
    expect(formatResultValue('x'.repeat(80))).toBe('x'.repeat(80));
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(formatResultValue(circular)).toBe('[object Object]');
  });

  it('turns a job result into key: value rows, in the order the job gave them', () => {
    expect(summarizeResult({ candidates: 3, refreshed: 2, failed: 0 })).toEqual([
      { key: 'candidates', value: '3' },
      { key: 'refreshed', value: '2' },
      { key: 'failed', value: '0' },
    ]);
    expect(summarizeResult({ from: '2026-01-01', groups: 1500 })).toEqual([
      { key: 'from', value: '2026-01-01' },
      { key: 'groups', value: '1,500' },
    ]);
    expect(summarizeResult({ skipped: 'retention is 0 (keep forever)' })).toEqual([{ key: 'skipped', value: 'retention is 0 (keep forever)' }]);
    expect(summarizeResult(null)).toEqual([]);
    expect(summarizeResult(undefined)).toEqual([]);
    expect(summarizeResult({})).toEqual([]);
    expect(summarizeResult([1, 2] as unknown as Record<string, unknown>)).toEqual([]);
  });

  it('orders the queue counts along a job’s life, unknown states last', () => {
    expect(orderedCounts({ failed: 1, completed: 9, active: 0, waiting: 2, delayed: 6 }).map((c) => c.state)).toEqual([
      'waiting',
      'delayed',
      'active',
      'completed',
      'failed',
    ]);
    expect(orderedCounts({ running: 1 })).toEqual([{ state: 'running', count: 1 }]);
    expect(orderedCounts({ zeta: 1, failed: 2, alpha: 3 }).map((c) => c.state)).toEqual(['failed', 'alpha', 'zeta']);
    expect(orderedCounts({ waiting: Number.NaN, active: 1 })).toEqual([{ state: 'active', count: 1 }]);
    expect(orderedCounts({})).toEqual([]);
    expect(orderedCounts(null)).toEqual([]);
  });

  it('lists failed runs newest first, up to a limit', () => {
    const f = (name: string, at: string) => ({ name, at, error: 'boom', attempts: 3 });
    const list = [f('a', '2026-01-01T10:00:00Z'), f('b', '2026-01-01T12:00:00Z'), f('c', 'not a date'), f('d', '2026-01-01T11:00:00Z')];
    expect(recentFailures(list).map((x) => x.name)).toEqual(['b', 'd', 'a', 'c']);
    expect(recentFailures(list, 2).map((x) => x.name)).toEqual(['b', 'd']);
    expect(recentFailures(null)).toEqual([]);
    // the input is left alone
    expect(list.map((x) => x.name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('formats how long a run took', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(120.4)).toBe('120 ms');
    expect(formatDuration(999.7)).toBe('1 s');
    expect(formatDuration(1_000)).toBe('1 s');
    expect(formatDuration(3_460)).toBe('3.4 s');
    expect(formatDuration(59_999)).toBe('59.9 s');
    expect(formatDuration(65_000)).toBe('1m 05s');
    expect(formatDuration(3_725_000)).toBe('1h 02m');
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

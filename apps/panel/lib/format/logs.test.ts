import { describe, expect, it } from 'vitest';
import { appendLogEntries, levelName, matchesLogFilter, parseLogLine, reconnectDelayMs, summarizeFields } from './logs';

const line = (o: Record<string, unknown>) => JSON.stringify({ pid: 1, time: '2026-01-01T00:00:00.000Z', ...o });

describe('logs', () => {
  it('maps pino levels', () => {
    expect([10, 20, 30, 40, 50, 60].map(levelName)).toEqual(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
    expect(levelName(35)).toBe('warn');
    expect(levelName('WARN')).toBe('warn');
    expect(levelName(undefined)).toBe('info');
  });

  it('parses pino JSON lines and plain text', () => {
    const entry = parseLogLine(line({ level: 30, msg: 'request', status: 200, model: 'gemini-2.5-pro' }));
    expect(entry).toEqual({
      raw: entry.raw,
      time: '2026-01-01T00:00:00.000Z',
      level: 'info',
      msg: 'request',
      fields: { status: 200, model: 'gemini-2.5-pro' },
    });
    expect(parseLogLine('plain words')).toEqual({ raw: 'plain words', time: null, level: 'info', msg: 'plain words', fields: {} });
  });

  it('filters by minimum level and search text', () => {
    const warn = parseLogLine(line({ level: 40, msg: 'upstream stream interrupted', reqId: 'abc-123' }));
    const info = parseLogLine(line({ level: 30, msg: 'request', reqId: 'xyz' }));
    expect(matchesLogFilter(warn, { minLevel: 'warn', search: '' })).toBe(true);
    expect(matchesLogFilter(info, { minLevel: 'warn', search: '' })).toBe(false);
    expect(matchesLogFilter(warn, { minLevel: 'info', search: 'ABC-1' })).toBe(true);
    expect(matchesLogFilter(info, { minLevel: 'info', search: 'abc' })).toBe(false);
  });

  it('summarizes request fields in a stable order', () => {
    expect(summarizeFields({ reqId: 'r1', status: 200, model: 'm', extra: { a: 1 }, note: 'two words' })).toBe(
      'status=200 model=m reqId=r1 extra={"a":1} note="two words"',
    );
  });

  it('appends lines without the duplicates a reconnect resends, keeping at most max', () => {
    const a = parseLogLine(line({ level: 30, msg: 'a' }));
    const b = parseLogLine(line({ level: 30, msg: 'b' }));
    const c = parseLogLine(line({ level: 30, msg: 'c' }));
    const once = appendLogEntries([], [a, b], 10);
    expect(appendLogEntries(once, [a, b, c], 10).map((e) => e.msg)).toEqual(['a', 'b', 'c']);
    expect(appendLogEntries(once, [c], 2).map((e) => e.msg)).toEqual(['b', 'c']);
    expect(appendLogEntries(once, [], 10)).toBe(once);
  });

  it('backs off reconnects up to 10 s', () => {
    expect([0, 1, 2, 3, 4, 10].map(reconnectDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });
});

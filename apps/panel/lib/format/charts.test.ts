import { describe, expect, it } from 'vitest';
import { fillDays, labelIndexes, layoutBars, niceMax, ticks, topN } from './charts';

describe('charts', () => {
  it('rounds axis maxima up to nice values', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(87)).toBe(100);
    expect(niceMax(1234)).toBe(1500);
    expect(niceMax(0.37)).toBe(0.4);
    expect(niceMax(5)).toBe(5);
  });

  it('spaces ticks evenly', () => {
    expect(ticks(100, 4)).toEqual([0, 25, 50, 75, 100]);
    expect(ticks(0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
    // whole numbers: no tick between two integers
    expect(ticks(1, 4, true)).toEqual([0, 1]);
    expect(ticks(3, 4, true)).toEqual([0, 1, 2, 3]);
    expect(ticks(100, 4, true)).toEqual([0, 25, 50, 75, 100]);
  });

  it('spaces x labels back from the last one', () => {
    expect([...labelIndexes(30, 8)].sort((a, b) => a - b)).toEqual([1, 5, 9, 13, 17, 21, 25, 29]);
    expect([...labelIndexes(5, 8)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
    expect(labelIndexes(0).size).toBe(0);
  });

  it('lays out bars inside the plot area', () => {
    const bars = layoutBars([0, 50, 100], { width: 300, height: 100 }, 100, 0.2);
    expect(bars.map((b) => Math.round(b.height))).toEqual([0, 50, 100]);
    expect(bars.map((b) => Math.round(b.x))).toEqual([10, 110, 210]);
    expect(bars.every((b) => b.y + b.height === 100)).toBe(true);
    // a tiny value is still visible
    expect(layoutBars([0.001], { width: 10, height: 100 }, 100)[0]!.height).toBe(1);
    expect(layoutBars([], { width: 10, height: 10 })).toEqual([]);
  });

  it('fills missing days with zeros, oldest first', () => {
    const rows = [{ group: '2026-01-03', n: 5 }, { group: '2026-01-01', n: 2 }];
    const filled = fillDays(rows, 4, new Date('2026-01-04T10:00:00Z'), (day) => ({ group: day, n: 0 }));
    expect(filled).toEqual([
      { group: '2026-01-01', n: 2 },
      { group: '2026-01-02', n: 0 },
      { group: '2026-01-03', n: 5 },
      { group: '2026-01-04', n: 0 },
    ]);
  });

  it('keeps the top rows and sums the rest', () => {
    const rows = [{ group: 'a', n: 1 }, { group: 'b', n: 5 }, { group: 'c', n: 3 }, { group: 'd', n: 2 }];
    const out = topN(rows, (r) => r.n, 2, (rest) => ({ group: 'other', n: rest.reduce((s, r) => s + r.n, 0) }));
    expect(out).toEqual([{ group: 'b', n: 5 }, { group: 'c', n: 3 }, { group: 'other', n: 3 }]);
  });
});

/** A "nice" upper bound for an axis: 0 → 1, 87 → 100, 1234 → 1500, 0.37 → 0.4. */
export function niceMax(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const exponent = Math.floor(Math.log10(value));
  const base = 10 ** exponent;
  const fraction = value / base;
  const steps = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
  const nice = steps.find((s) => fraction <= s + 1e-9) ?? 10;
  return Number((nice * base).toPrecision(12));
}

/**
 * `count` + 1 evenly spaced tick values from 0 to max; for whole-number data (requests) fewer ticks
 * when max is small, so no tick falls between two integers.
 */
export function ticks(max: number, count = 4, integer = false): number[] {
  const steps = integer && max >= 1 && Number.isInteger(max) ? Math.min(count, max) : count;
  const out: number[] = [];
  for (let i = 0; i <= steps; i++) out.push(Number(((max * i) / steps).toPrecision(12)));
  return out;
}

/** Which of `n` x-axis labels to draw (at most about `max`), always the last one, evenly spaced back from it. */
export function labelIndexes(n: number, max = 8): Set<number> {
  const every = Math.max(1, Math.ceil(n / max));
  const out = new Set<number>();
  for (let i = n - 1; i >= 0; i -= every) out.add(i);
  return out;
}

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Geometry of vertical bars in a plot area (values ≥ 0; a non-zero value gets at least 1px). */
export function layoutBars(values: number[], area: { width: number; height: number }, max = niceMax(Math.max(0, ...values)), gap = 0.2): Bar[] {
  if (values.length === 0) return [];
  const slot = area.width / values.length;
  const width = Math.max(1, slot * (1 - gap));
  return values.map((v, i) => {
    const clean = Number.isFinite(v) && v > 0 ? v : 0;
    const h = clean === 0 ? 0 : Math.max(1, (clean / max) * area.height);
    return { x: i * slot + (slot - width) / 2, y: area.height - h, width, height: h };
  });
}

/** Fills missing days of a per-day series with zeros, oldest first (keys are YYYY-MM-DD). */
export function fillDays<T extends { group: string | null }>(rows: T[], days: number, today: Date, empty: (day: string) => T): T[] {
  const byDay = new Map(rows.filter((r) => r.group).map((r) => [r.group!.slice(0, 10), r]));
  const out: T[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - i));
    const key = d.toISOString().slice(0, 10);
    out.push(byDay.get(key) ?? empty(key));
  }
  return out;
}

/** The largest `limit` rows by a metric, the rest summed into one "other" row. */
export function topN<T extends { group: string | null }>(rows: T[], metric: (r: T) => number, limit: number, other: (rest: T[]) => T): T[] {
  const sorted = [...rows].sort((a, b) => metric(b) - metric(a));
  if (sorted.length <= limit) return sorted;
  return [...sorted.slice(0, limit), other(sorted.slice(limit))];
}

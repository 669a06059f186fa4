import type { JobFailure, JobInfo } from '../api/types';
import { formatNumber, localeOf, type Lang } from './numbers';

const UNITS: ReadonlyArray<[unit: 'day' | 'hour' | 'minute' | 'second', ms: number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/**
 * A job's interval in words, at most its two largest units: 60 000 → "1 minute" / "1分钟",
 * 600 000 → "10 minutes", 90 000 → "1 minute 30 seconds" / "1分钟30秒", 21 600 000 → "6 hours";
 * below a second in milliseconds; 0, negative or not a number → "—".
 */
export function formatInterval(ms: number, lang: Lang = 'en'): string {
  if (!Number.isFinite(ms) || ms <= 0) return '—';
  const locale = localeOf(lang);
  const unitDisplay = lang === 'zh' ? 'short' : 'long';
  const fmt = (n: number, unit: string) => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay }).format(n);
  if (ms < 1_000) return fmt(Math.round(ms), 'millisecond');
  let rest = Math.round(ms / 1_000) * 1_000;
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(fmt(n, unit));
    else if (parts.length > 0) break; // 1 day 0 hours 5 minutes → "1 day": two adjacent units at most
    if (parts.length === 2) break;
  }
  return parts.join(lang === 'zh' ? '' : ' ');
}

export type JobHealth = 'never' | 'ok' | 'failing';

/** The badge of a job: its last run failed, it succeeded, or this process has not run it yet. */
export function jobHealth(job: Pick<JobInfo, 'lastRunAt' | 'lastError'>): JobHealth {
  if (job.lastError) return 'failing';
  if (!job.lastRunAt) return 'never';
  return 'ok';
}

/** One value of a job's result, short enough for a `key: value` line. */
export function formatResultValue(value: unknown, lang: Lang = 'en', maxLength = 80): string {
  let text: string;
  if (value === null || value === undefined) text = '—';
  else if (typeof value === 'number') text = formatNumber(value, lang);
  else if (typeof value === 'string') text = value === '' ? '""' : value;
  else if (typeof value === 'boolean' || typeof value === 'bigint') text = String(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > maxLength ? `${text.slice(0, Math.max(1, maxLength - 1))}…` : text;
}

/** A job's result (`{ candidates: 3, refreshed: 2 }`) as `key: value` rows, in the order the job gave them. */
export function summarizeResult(result: Record<string, unknown> | null | undefined, lang: Lang = 'en'): Array<{ key: string; value: string }> {
  if (result === null || result === undefined || typeof result !== 'object' || Array.isArray(result)) return [];
  return Object.entries(result).map(([key, value]) => ({ key, value: formatResultValue(value, lang) }));
}

/** The queue states in a steady order (the job's life: waiting → active → done), unknown ones after, by name. */
const COUNT_ORDER = ['waiting', 'delayed', 'active', 'running', 'completed', 'failed', 'paused', 'prioritized', 'waiting-children'];

export function orderedCounts(counts: Record<string, number> | null | undefined): Array<{ state: string; count: number }> {
  const entries = Object.entries(counts ?? {}).filter(([, n]) => typeof n === 'number' && Number.isFinite(n));
  const rank = (s: string) => {
    const i = COUNT_ORDER.indexOf(s);
    return i === -1 ? COUNT_ORDER.length : i;
  };
  return entries.sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)).map(([state, count]) => ({ state, count }));
}

/** Failed runs, newest first, at most `limit`. */
export function recentFailures(failed: readonly JobFailure[] | null | undefined, limit = 20): JobFailure[] {
  const at = (f: JobFailure) => {
    const t = Date.parse(f.at);
    return Number.isNaN(t) ? 0 : t;
  };
  return [...(failed ?? [])].sort((a, b) => at(b) - at(a)).slice(0, limit);
}

/** How long a run took: 120 → "120 ms", 3 400 → "3.4 s", 65 000 → "1m 05s" (as the countdowns). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (Math.round(ms) < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Math.max(1, Math.floor(ms / 100) / 10).toFixed(1).replace(/\.0$/, '')} s`;
  const s = Math.floor(ms / 1_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 3_600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  return `${Math.floor(s / 3_600)}h ${pad(Math.floor((s % 3_600) / 60))}m`;
}

import { localeOf, type Lang } from './numbers';

/** Seconds as a short countdown: 59 → "59s", 61 → "1m 01s", 3700 → "1h 01m", 90000 → "1d 1h". */
export function formatCountdown(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds) || totalSeconds <= 0) return '0s';
  const s = Math.ceil(totalSeconds);
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3_600);
  const minutes = Math.floor((s % 3_600) / 60);
  const seconds = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${pad(minutes)}m`;
  if (minutes > 0) return `${minutes}m ${pad(seconds)}s`;
  return `${seconds}s`;
}

/** Seconds left until an epoch-seconds moment (never negative). */
export function secondsUntil(untilEpochSeconds: number, nowMs: number): number {
  return Math.max(0, Math.ceil(untilEpochSeconds - nowMs / 1000));
}

/** "3 minutes ago" / "3分钟前", "in 2 hours" / "2小时后"; null → "—". */
export function formatRelative(at: string | number | Date | null | undefined, nowMs: number, lang: Lang = 'en'): string {
  const ms = toMs(at);
  if (ms === null) return '—';
  const diff = (ms - nowMs) / 1000;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(localeOf(lang), { numeric: 'auto' });
  if (abs < 45) return rtf.format(Math.round(diff), 'second');
  if (abs < 45 * 60) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 22 * 3600) return rtf.format(Math.round(diff / 3600), 'hour');
  if (abs < 26 * 86_400) return rtf.format(Math.round(diff / 86_400), 'day');
  if (abs < 320 * 86_400) return rtf.format(Math.round(diff / (30 * 86_400)), 'month');
  return rtf.format(Math.round(diff / (365 * 86_400)), 'year');
}

/** Local date and time, minute precision. */
export function formatDateTime(at: string | number | Date | null | undefined, lang: Lang = 'en'): string {
  const ms = toMs(at);
  if (ms === null) return '—';
  return new Intl.DateTimeFormat(localeOf(lang), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms));
}

/** HH:MM:SS of a log line's time. */
export function formatClock(at: string | number | Date | null | undefined): string {
  const ms = toMs(at);
  if (ms === null) return '--:--:--';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Epoch milliseconds of a date-ish value (numbers below 1e12 are taken as epoch seconds). */
export function toMs(at: string | number | Date | null | undefined): number | null {
  if (at === null || at === undefined || at === '') return null;
  if (at instanceof Date) return Number.isNaN(at.getTime()) ? null : at.getTime();
  if (typeof at === 'number') return Number.isFinite(at) ? (at < 1e12 ? at * 1000 : at) : null;
  const t = Date.parse(at);
  return Number.isNaN(t) ? null : t;
}

/** A `<input type="datetime-local">` value → ISO string (null when empty or invalid). */
export function localInputToIso(value: string): string | null {
  if (!value.trim()) return null;
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** ISO → the `<input type="datetime-local">` value in local time. */
export function isoToLocalInput(iso: string | null | undefined): string {
  const ms = toMs(iso ?? null);
  if (ms === null) return '';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** True when an expiry moment has passed. */
export function isExpired(expiresAt: string | null | undefined, nowMs: number): boolean {
  const ms = toMs(expiresAt ?? null);
  return ms !== null && ms <= nowMs;
}

export type Lang = 'en' | 'zh';

export function localeOf(lang: Lang): string {
  return lang === 'zh' ? 'zh-CN' : 'en-US';
}

/** 12345 → "12,345"; null/NaN → "—". */
export function formatNumber(value: number | null | undefined, lang: Lang = 'en', maximumFractionDigits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits }).format(value);
}

/** Short form for chart labels: 1234 → "1.2K" (en) / "1234" (zh below 10 000), 25000 → "25K" / "2.5万". */
export function formatCompact(value: number, lang: Lang = 'en'): string {
  if (!Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(localeOf(lang), { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

/** A percentage given as 0–100: 42.123 → "42.1%". */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const rounded = Math.round(value * 10 ** digits) / 10 ** digits;
  return `${rounded.toFixed(rounded % 1 === 0 ? 0 : digits)}%`;
}

export function clampPercent(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(100, Math.max(0, value));
}

/** used/total as 0–100 (0 when total is 0). */
export function usagePercent(used: number, total: number): number {
  if (!(total > 0)) return 0;
  return clampPercent((used / total) * 100);
}

/** The quota bar's tone: fine below 70 %, warning below 90 %, critical above. */
export function quotaTone(percent: number): 'ok' | 'warn' | 'critical' {
  if (percent >= 90) return 'critical';
  if (percent >= 70) return 'warn';
  return 'ok';
}

/** 1536 → "1.5 KB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v >= 10 ? Math.round(v) : Math.round(v * 10) / 10} ${units[i]}`;
}

/** "a, b\nc" → ["a", "b", "c"] (trimmed, no empties, no duplicates). */
export function parseList(text: string): string[] {
  return [...new Set(text.split(/[\s,，;；]+/).map((s) => s.trim()).filter(Boolean))];
}

/** A positive integer from a form field, or null. */
export function parsePositiveInt(text: string): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

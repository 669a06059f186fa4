/** A key shown partly: "sk-abcdefgh…wxyz". Already-masked or short values come back unchanged. */
export function maskKey(key: string): string {
  if (key.length <= 16 || key.includes('…') || key.includes('...')) return key;
  return `${key.slice(0, 10)}…${key.slice(-4)}`;
}

/** What a user pasted, cleaned: surrounding spaces, quotes and a "Bearer " prefix removed. */
export function cleanPastedKey(text: string): string {
  return text
    .trim()
    .replace(/^bearer\s+/i, '')
    .replace(/^["'`]+|["'`]+$/g, '')
    .trim();
}

/** Model usage sorted by units, largest first, with each one's share of the total (0–100). */
export function modelShares(stats: Record<string, number>): Array<{ model: string; units: number; share: number }> {
  const entries = Object.entries(stats).filter(([, v]) => Number.isFinite(v) && v > 0);
  const total = entries.reduce((sum, [, v]) => sum + v, 0);
  return entries
    .map(([model, units]) => ({ model, units, share: total > 0 ? (units / total) * 100 : 0 }))
    .sort((a, b) => b.units - a.units || a.model.localeCompare(b.model));
}

export type KeyStatus = 'active' | 'disabled' | 'expired' | 'exhausted';

export function keyStatus(k: { enabled: boolean; expires_at: string | null; remaining_quota: number }, nowMs: number): KeyStatus {
  if (!k.enabled) return 'disabled';
  if (k.expires_at && Date.parse(k.expires_at) <= nowMs) return 'expired';
  if (k.remaining_quota <= 0) return 'exhausted';
  return 'active';
}

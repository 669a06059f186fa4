import type { AntigravityAccountModels, AntigravityModel } from '../api/types';
import { toMs } from './time';

/** MODEL_PROVIDER_GOOGLE → Google; unknown providers without the prefix; none → null. */
export function providerName(provider: string | null | undefined): string | null {
  if (!provider) return null;
  const known: Record<string, string> = { MODEL_PROVIDER_GOOGLE: 'Google', MODEL_PROVIDER_ANTHROPIC: 'Anthropic', MODEL_PROVIDER_OPENAI: 'OpenAI' };
  return known[provider] ?? provider.replace(/^MODEL_PROVIDER_/, '').toLowerCase().replace(/(^|_)(\w)/g, (_, sep: string, c: string) => `${sep ? ' ' : ''}${c.toUpperCase()}`);
}

/** The remaining quota in percent (0–100, whole numbers; a sliver above 0 stays above 0), or null. */
export function quotaPercent(fraction: number | null | undefined): number | null {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return null;
  const p = Math.min(100, Math.max(0, fraction * 100));
  if (p > 0 && p < 1) return Math.round(p * 10) / 10;
  return Math.round(p);
}

export type QuotaState = 'exhausted' | 'low' | 'ok' | 'unknown';

/** exhausted: nothing left until the reset (the gateway keeps the account off the model); low: under 20 %. */
export function quotaState(model: Pick<AntigravityModel, 'remaining_fraction' | 'reset_time'>, nowMs: number): QuotaState {
  const f = model.remaining_fraction;
  if (f === null || f === undefined || !Number.isFinite(f)) return 'unknown';
  if (f <= 0) {
    const reset = toMs(model.reset_time);
    return reset === null || reset > nowMs ? 'exhausted' : 'ok';
  }
  return f < 0.2 ? 'low' : 'ok';
}

const PROVIDER_ORDER = ['MODEL_PROVIDER_GOOGLE', 'MODEL_PROVIDER_ANTHROPIC', 'MODEL_PROVIDER_OPENAI'];

/** Models grouped by provider (Google, Anthropic, OpenAI, others), then by id. */
export function sortModels(models: readonly AntigravityModel[]): AntigravityModel[] {
  const rank = (p: string | null) => {
    const i = PROVIDER_ORDER.indexOf(p ?? '');
    return i === -1 ? PROVIDER_ORDER.length : i;
  };
  return [...models].sort((a, b) => rank(a.provider) - rank(b.provider) || (a.provider ?? '').localeCompare(b.provider ?? '') || a.id.localeCompare(b.id));
}

/** One account at a glance: models listed, exhausted now, the lowest remaining fraction. */
export function accountSummary(account: AntigravityAccountModels, nowMs: number): { models: number; exhausted: number; lowest: number | null } {
  let lowest: number | null = null;
  let exhausted = 0;
  for (const m of account.models) {
    if (quotaState(m, nowMs) === 'exhausted') exhausted++;
    if (m.remaining_fraction !== null && Number.isFinite(m.remaining_fraction)) lowest = lowest === null ? m.remaining_fraction : Math.min(lowest, m.remaining_fraction);
  }
  return { models: account.models.length, exhausted, lowest };
}

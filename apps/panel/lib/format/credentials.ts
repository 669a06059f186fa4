import type { CredentialItem } from '../api/types';

/** gcli2api's display tiers: free-tier → free; standard / g1-pro / helium → pro; ultra tiers → ultra. */
export function tierLabel(tier: string | null | undefined): 'free' | 'pro' | 'ultra' | null {
  if (!tier) return null;
  const t = tier.toLowerCase();
  if (t === 'free-tier' || t === 'legacy-tier' || t === 'free') return 'free';
  if (t.includes('ultra')) return 'ultra';
  return 'pro';
}

export type CredentialState = 'disabled' | 'cooling' | 'error' | 'ready';

/** The one state the table shows for a credential, most important first. */
export function credentialState(item: Pick<CredentialItem, 'disabled' | 'cooldown_status' | 'error_codes'>): CredentialState {
  if (item.disabled) return 'disabled';
  if (item.cooldown_status === 'cooling') return 'cooling';
  if (item.error_codes.length > 0) return 'error';
  return 'ready';
}

/** Cooldowns still running at `nowMs`, soonest first, with the seconds left. */
export function activeCooldowns(
  cooldowns: CredentialItem['model_cooldowns'],
  nowMs: number,
): Array<{ model: string; remaining: number; reason: string }> {
  return Object.entries(cooldowns)
    .map(([model, c]) => ({ model, remaining: Math.max(0, Math.ceil(c.until - nowMs / 1000)), reason: c.reason }))
    .filter((c) => c.remaining > 0)
    .sort((a, b) => a.remaining - b.remaining || a.model.localeCompare(b.model));
}

/** Only .json and .zip files are accepted for upload; the rest is reported back. */
export function splitUploadable<T extends { name: string }>(files: T[]): { accepted: T[]; rejected: T[] } {
  const accepted: T[] = [];
  const rejected: T[] = [];
  for (const f of files) (/\.(json|zip)$/i.test(f.name) ? accepted : rejected).push(f);
  return { accepted, rejected };
}

/** "1–20 of 57" numbers of a page. */
export function pageRange(offset: number, count: number, total: number): { from: number; to: number; total: number } {
  if (total === 0 || count === 0) return { from: 0, to: 0, total };
  return { from: offset + 1, to: Math.min(total, offset + count), total };
}

/**
 * Credential kinds the panel knows by name, in the order the kind filter lists them. The gateway may
 * report others (kinds are added over time): they show under their own name.
 */
export const KNOWN_KINDS = ['gemini-cli', 'antigravity', 'ai-studio', 'openai-compat', 'claude', 'claude-oauth', 'codex', 'codex-oauth'] as const;

/** Kinds that are a plain API key: added with POST /creds/add. */
export const API_KEY_KINDS = ['ai-studio', 'openai-compat', 'claude', 'codex'] as const;

export function isApiKeyKind(kind: string): boolean {
  return (API_KEY_KINDS as readonly string[]).includes(kind);
}

/** Google accounts (the only kinds with an email to look up: "fetch email"). */
export function hasGoogleEmail(kind: string): boolean {
  return kind === 'gemini-cli' || kind === 'antigravity';
}

/** Kinds for the filter: the known ones, then any other the gateway reported, sorted. */
export function kindOptions(reported: Record<string, number> | undefined): string[] {
  const extra = Object.keys(reported ?? {})
    .filter((k) => !(KNOWN_KINDS as readonly string[]).includes(k))
    .sort();
  return [...KNOWN_KINDS, ...extra];
}

/** A badge tone per kind family (Google, key kinds, OAuth accounts of other vendors). */
export function kindTone(kind: string): 'blue' | 'green' | 'amber' | 'gray' {
  if (kind === 'gemini-cli' || kind === 'antigravity') return 'blue';
  if (isApiKeyKind(kind)) return 'green';
  if (kind.endsWith('-oauth')) return 'amber';
  return 'gray';
}

/** What the proxy URL field holds: empty (none) or an http, https or socks URL with a host. */
export function isProxyUrl(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  try {
    const url = new URL(v);
    return /^(https?|socks5h?|socks4a?):$/.test(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}

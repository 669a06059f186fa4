import { upstreamErrorMessage } from '../../../common/errors/classify-upstream-failure.js';
import type { CredentialPoolService } from '../../../credentials/credential-pool.service.js';
import type { CredentialsRepository } from '../../../credentials/credentials.repository.js';
import type { Logger } from '../../../logging/logger.js';
import type { GoogleHttpRepository } from '../../code-assist/google-http.repository.js';

/** One model as fetchAvailableModels reports it for one account (docs/upstreams.md §2.7). */
export interface AntigravityModel {
  id: string;
  displayName: string | null;
  /** MODEL_PROVIDER_GOOGLE, _ANTHROPIC, _OPENAI */
  provider: string | null;
  maxOutputTokens: number | null;
  /** null when the listing gave no quota for the model */
  quota: { remainingFraction: number | null; resetTime: string | null } | null;
}

/** Quota windows are shared by group: Gemini models, Claude and GPT models, image models. */
export type AntigravityModelGroup = 'gemini' | 'claude' | 'image';

/**
 * Ids seen in fetchAvailableModels answers (docs/upstreams.md §2.7); served until the first listing
 * of an account arrives. The live listing always wins: ids change often.
 */
export const FALLBACK_ANTIGRAVITY_MODELS: readonly string[] = Object.freeze([
  'gemini-3-pro-high',
  'gemini-3-pro-low',
  'gemini-3-flash',
  'gemini-3.1-pro-high',
  'gemini-3.1-flash-lite',
  'gemini-2.5-flash',
  'gemini-3-pro-image',
  'gemini-3.1-flash-image',
  'claude-sonnet-4-5',
  'claude-sonnet-4-5-thinking',
  'claude-sonnet-4-6',
  'claude-opus-4-5-thinking',
  'claude-opus-4-6-thinking',
  'gpt-oss-120b-medium',
]);

/** Internal ids the listing also holds (`tab_flash…`, `chat_…`, `rev19-…`): never offered to clients. */
export function isInternalModelId(id: string): boolean {
  return !/^[a-z][a-z0-9.-]*$/.test(id) || /^(tab|chat|rev\d)/.test(id);
}

export function modelGroup(id: string, provider?: string | null): AntigravityModelGroup {
  if (/-image(?:-|$)/.test(id)) return 'image';
  if (provider === 'MODEL_PROVIDER_ANTHROPIC' || provider === 'MODEL_PROVIDER_OPENAI' || /^(claude|gpt)-/.test(id)) return 'claude';
  return 'gemini';
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The `models` map of a fetchAvailableModels answer, internal ids dropped. */
export function parseAvailableModels(body: unknown): AntigravityModel[] {
  const models = (body as { models?: unknown } | undefined)?.models;
  if (typeof models !== 'object' || models === null) return [];
  const out: AntigravityModel[] = [];
  for (const [id, raw] of Object.entries(models as Record<string, unknown>)) {
    if (isInternalModelId(id)) continue;
    const m = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const quota = typeof m.quotaInfo === 'object' && m.quotaInfo !== null ? (m.quotaInfo as Record<string, unknown>) : null;
    out.push({
      id,
      displayName: text(m.displayName),
      provider: text(m.modelProvider),
      maxOutputTokens: num(m.maxOutputTokens),
      quota: quota ? { remainingFraction: num(quota.remainingFraction), resetTime: text(quota.resetTime) } : null,
    });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

interface Entry {
  fetchedAt: number | null;
  models: AntigravityModel[];
  error: string | null;
  /** model → reset time (ms) of the ban set from the listing, so a refresh does not ban twice */
  quotaBans: Map<string, number>;
}

export interface AntigravityCredentialModels {
  credentialId: string;
  fetchedAt: string | null;
  error: string | null;
  models: AntigravityModel[];
}

/**
 * The models and quotas of every Antigravity account, from fetchAvailableModels: fetched for an
 * account the first time it is seen and then every `refreshMs`, cached in this process. A model
 * whose quota is used up (remainingFraction 0 with a reset ahead) bans the account for it until
 * the reset, through the shared ban windows, so no process sends it a request that can only
 * answer 429.
 */
export class AntigravityModelCatalog {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: {
      pool: CredentialPoolService;
      credentials: CredentialsRepository;
      api: GoogleHttpRepository;
      logger: Logger;
      refreshMs: number;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  start(): void {
    void this.refreshAll().catch(() => {});
    this.timer = setInterval(() => void this.refreshAll().catch(() => {}), this.deps.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Lists every enabled account again (the periodic refresh; also POST /antigravity/models/refresh). */
  async refreshAll(): Promise<{ refreshed: number; failed: number }> {
    const ids = this.deps.pool.enabledIds();
    for (const id of this.entries.keys()) if (!ids.includes(id)) this.entries.delete(id);
    let refreshed = 0;
    let failed = 0;
    for (const id of ids) {
      if (await this.refresh(id)) refreshed += 1;
      else failed += 1;
    }
    return { refreshed, failed };
  }

  /** Fetches the listing of accounts seen for the first time (in the background). */
  ensureListed(): void {
    for (const id of this.deps.pool.enabledIds()) {
      if (!this.entries.has(id) && !this.inflight.has(id)) void this.refresh(id);
    }
  }

  /** One account's listing; true when it answered. */
  refresh(credentialId: string): Promise<boolean> {
    const running = this.inflight.get(credentialId);
    if (running) return running.then(() => this.entries.get(credentialId)?.error === null);
    const task = this.fetch(credentialId).finally(() => this.inflight.delete(credentialId));
    this.inflight.set(credentialId, task);
    return task.then(() => this.entries.get(credentialId)?.error === null);
  }

  private async fetch(credentialId: string): Promise<void> {
    const entry = this.entries.get(credentialId) ?? { fetchedAt: null, models: [], error: null, quotaBans: new Map() };
    this.entries.set(credentialId, entry);
    try {
      const row = await this.deps.credentials.findById(credentialId);
      if (!row) {
        this.entries.delete(credentialId);
        return;
      }
      const token = await this.deps.pool.tokenFor(credentialId);
      const answer = await this.deps.api.codeAssistJson({
        method: 'fetchAvailableModels',
        body: row.projectId ? { project: row.projectId } : {},
        accessToken: token,
        proxy: row.proxyUrl,
      });
      if (answer.status !== 200) {
        entry.error = upstreamErrorMessage(answer.body, answer.status);
        return;
      }
      entry.models = parseAvailableModels(answer.body);
      entry.fetchedAt = this.now();
      entry.error = null;
      await this.banExhausted(credentialId, entry);
    } catch (error) {
      entry.error = (error as Error).message;
      this.deps.logger.warn({ credentialId, err: entry.error }, 'could not list the Antigravity models of a credential');
    }
  }

  private async banExhausted(credentialId: string, entry: Entry): Promise<void> {
    const now = this.now();
    for (const model of entry.models) {
      const resetAt = model.quota?.resetTime ? Date.parse(model.quota.resetTime) : NaN;
      if (model.quota?.remainingFraction !== 0 || !(resetAt > now)) continue;
      if (entry.quotaBans.get(model.id) === resetAt) continue;
      entry.quotaBans.set(model.id, resetAt);
      await this.deps.pool.ban(credentialId, model.id, resetAt, 'quota exhausted (fetchAvailableModels)');
    }
  }

  /** Model ids servable now: every account's listing, or the known ids before any listing arrived. */
  modelIds(): string[] {
    const ids = new Set<string>();
    for (const entry of this.entries.values()) for (const m of entry.models) ids.add(m.id);
    return ids.size > 0 ? [...ids].sort() : [...FALLBACK_ANTIGRAVITY_MODELS];
  }

  serves(model: string): boolean {
    for (const entry of this.entries.values()) if (entry.models.some((m) => m.id === model)) return true;
    return [...this.entries.values()].every((e) => e.models.length === 0) && FALLBACK_ANTIGRAVITY_MODELS.includes(model);
  }

  /** The model and every model of its quota group on one account. */
  groupOf(credentialId: string, model: string): string[] {
    const models = this.entries.get(credentialId)?.models ?? [];
    const own = models.find((m) => m.id === model);
    const group = modelGroup(model, own?.provider);
    const mates = models.filter((m) => modelGroup(m.id, m.provider) === group).map((m) => m.id);
    return [...new Set([model, ...mates])];
  }

  /** The smallest output limit any account reports for the model (null: unknown). */
  maxOutputTokens(model: string): number | null {
    let limit: number | null = null;
    for (const entry of this.entries.values()) {
      const m = entry.models.find((x) => x.id === model);
      if (m?.maxOutputTokens != null) limit = limit === null ? m.maxOutputTokens : Math.min(limit, m.maxOutputTokens);
    }
    return limit;
  }

  /** What the admin sees: every account's listing with its quotas. */
  snapshot(): AntigravityCredentialModels[] {
    return [...this.entries].map(([credentialId, e]) => ({
      credentialId,
      fetchedAt: e.fetchedAt === null ? null : new Date(e.fetchedAt).toISOString(),
      error: e.error,
      models: e.models,
    }));
  }
}

import { GatewayError } from '../common/errors/gateway-error.js';
import type { Coordination } from '../coordination/coordination.js';
import type { Logger } from '../logging/logger.js';
import { CredentialUnusableError } from './access-token.service.js';
import type { LeaseAuthorizer } from './lease-authorizer.js';
import type { CredentialStateRepository } from './credential-state.repository.js';
import type { CredentialsRepository } from './credentials.repository.js';

export const CREDENTIALS_CHANGED = 'credentials:changed';

const KIND_LABELS: Record<string, string> = {
  'gemini-cli': 'Gemini CLI',
  'ai-studio': 'AI Studio',
  antigravity: 'Antigravity',
  'openai-compat': 'OpenAI-compatible',
  claude: 'Claude',
  codex: 'Codex',
  'claude-oauth': 'Claude account',
  'codex-oauth': 'Codex account',
};

export interface PooledCredential {
  id: string;
  filename: string;
  projectId: string | null;
  proxyUrl: string | null;
}

export interface CredentialLease extends PooledCredential {
  accessToken: string;
}

export type AcquireResult =
  | { kind: 'lease'; lease: CredentialLease }
  /** every usable credential is cooling down for this model */
  | { kind: 'all-cooling'; retryAfterMs: number }
  /** nothing usable at all; `reason` says why */
  | { kind: 'none'; reason: string };

/**
 * The Gemini CLI credential pool. Keeps the enabled list in memory (reloaded when any process says it
 * changed, and every 15 s), asks the shared state repository whose turn it is, and hands out a lease
 * with a valid access token. Ban windows and disables are recorded here; the relay decides when.
 */
export class CredentialPoolService {
  private enabled: PooledCredential[] = [];
  private byId = new Map<string, PooledCredential>();
  private loaded: Promise<void> | null = null;
  private reloadTimer: NodeJS.Timeout | null = null;
  private readonly successes = new Map<string, { calls: number; at: Date }>();
  private flushTimer: NodeJS.Timeout | null = null;
  private authorizer: LeaseAuthorizer | null = null;
  private directory: PoolDirectory | null = null;
  private stopped = false;

  constructor(
    readonly kind: string,
    private readonly repository: CredentialsRepository,
    private readonly state: CredentialStateRepository,
    private readonly coordination: Coordination,
    private readonly logger: Logger,
    /** the configured provider whose keys this pool holds (OpenAI-compatible providers) */
    private readonly providerId?: string,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    this.coordination.subscribe(CREDENTIALS_CHANGED, (id) => {
      if (this.stopped) return;
      if (id) this.authorizer?.forget(id);
      void this.reload().catch(() => {});
    });
    await this.reload();
    this.reloadTimer = setInterval(() => void this.reload().catch(() => {}), 15_000);
    this.reloadTimer.unref();
    this.flushTimer = setInterval(() => void this.flushSuccesses().catch(() => {}), 1_000);
    this.flushTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reloadTimer) clearInterval(this.reloadTimer);
    if (this.flushTimer) clearInterval(this.flushTimer);
    await this.flushSuccesses().catch(() => {});
  }

  async reload(): Promise<void> {
    const rows = await this.repository.listEnabled(this.kind, this.providerId);
    this.enabled = rows.map((r) => ({ id: r.id, filename: r.filename, projectId: r.projectId, proxyUrl: r.proxyUrl }));
    this.byId = new Map(this.enabled.map((c) => [c.id, c]));
  }

  /** Tell every process (this one included) that the credential set or a credential changed. */
  async notifyChanged(credentialId = ''): Promise<void> {
    if (this.directory) return this.directory.notifyChanged(credentialId);
    await this.reload();
    await this.coordination.publish(CREDENTIALS_CHANGED, credentialId).catch(() => {});
  }

  /** how the kind is named in messages */
  get label(): string {
    return KIND_LABELS[this.kind] ?? this.kind;
  }

  size(): number {
    return this.enabled.length;
  }

  async acquire(model: string, exclude: ReadonlySet<string>, callsPerRotation: number): Promise<AcquireResult> {
    for (;;) {
      const candidates = exclude.size === 0 ? this.enabled.map((c) => c.id) : this.enabled.filter((c) => !exclude.has(c.id)).map((c) => c.id);
      if (candidates.length === 0) {
        return {
          kind: 'none',
          reason:
            this.enabled.length === 0
              ? this.kind === 'gemini-cli' || this.kind === 'antigravity'
                ? 'no enabled credentials in the pool; donate one at /auth or upload one through POST /auth/upload'
                : this.kind.endsWith('-oauth')
                  ? `no enabled ${this.label}s; sign one in with POST /oauth/${this.kind.slice(0, -'-oauth'.length)}/start or upload its token file through POST /auth/upload`
                  : `no enabled ${this.label} keys; add one with POST /creds/add`
              : 'every credential in the pool failed for this request',
        };
      }
      const picked = await this.state.pick(candidates, model, callsPerRotation, this.providerId ?? this.kind);
      if (picked.kind === 'none') return { kind: 'none', reason: 'no enabled credentials in the pool' };
      if (picked.kind === 'all-cooling') return picked;
      const credential = this.byId.get(picked.credentialId);
      if (!credential) continue;
      try {
        const authorizer = this.requireAuthorizer();
        const accessToken = await authorizer.token(credential.id);
        const projectId = authorizer.prepare ? await authorizer.prepare(credential, accessToken) : credential.projectId;
        return { kind: 'lease', lease: { ...credential, projectId, accessToken } };
      } catch (error) {
        if (!(error instanceof CredentialUnusableError) && !(error instanceof GatewayError)) throw error;
        this.logger.warn({ credentialId: credential.id, err: (error as Error).message }, 'credential unusable, trying the next');
        if (error instanceof CredentialUnusableError && error.permanent) await this.notifyChanged(credential.id);
        exclude = new Set([...exclude, credential.id]);
      }
    }
  }

  /** The token / key of one credential (admin tests; not a lease: no rotation, no setup). */
  tokenFor(credentialId: string): Promise<string> {
    return this.requireAuthorizer().token(credentialId);
  }

  /** One enabled credential as pooled (its own proxy), or undefined when it is not in rotation. */
  pooled(credentialId: string): PooledCredential | undefined {
    return this.byId.get(credentialId);
  }

  /** Ids of the enabled credentials, in rotation order. */
  enabledIds(): string[] {
    return this.enabled.map((c) => c.id);
  }

  /** A fresh token after the upstream refused `rejected` (401). */
  refreshToken(credentialId: string, rejected: string): Promise<string> {
    return this.requireAuthorizer().token(credentialId, rejected);
  }

  /** Makes notifyChanged reload every pool of the directory (this one included) before it returns. */
  joinDirectory(directory: PoolDirectory): void {
    this.directory = directory;
    directory.add(this);
  }

  /** How this kind's credentials become tokens (set once by the composition root). */
  setAuthorizer(authorizer: LeaseAuthorizer): void {
    this.authorizer = authorizer;
  }

  private requireAuthorizer(): LeaseAuthorizer {
    if (!this.authorizer) throw new Error(`no authorizer for ${this.kind} credentials`);
    return this.authorizer;
  }

  async ban(credentialId: string, model: string, until: number, reason: string): Promise<void> {
    await this.state.ban({ credentialId, model, until, reason });
    void this.repository.upsertCooldown(credentialId, model, new Date(until), reason).catch(() => {});
  }

  async clearCooldowns(credentialId: string, model?: string): Promise<void> {
    await this.state.clear(credentialId, model);
    await this.repository.clearCooldowns(credentialId, model);
  }

  listCooldowns() {
    return this.state.list();
  }

  async disable(credentialId: string, reason: string): Promise<void> {
    await this.repository.update(credentialId, { enabled: false, disabledReason: reason });
    await this.notifyChanged(credentialId);
  }

  /** Records an upstream failure on the credential (awaited: failures are off the hot path). */
  async recordError(credentialId: string, status: number, message: string): Promise<void> {
    await this.repository.recordError(credentialId, status, message).catch((error: Error) => {
      this.logger.warn({ credentialId, err: error.message }, 'could not record a credential error');
    });
  }

  recordSuccess(credentialId: string): void {
    const entry = this.successes.get(credentialId);
    if (entry) {
      entry.calls += 1;
      entry.at = new Date();
    } else this.successes.set(credentialId, { calls: 1, at: new Date() });
  }

  private async flushSuccesses(): Promise<void> {
    if (this.successes.size === 0) return;
    const batch = [...this.successes.entries()].map(([id, v]) => ({ id, calls: v.calls, at: v.at }));
    this.successes.clear();
    await this.repository.recordSuccesses(batch);
  }
}

/**
 * Every credential pool of this process (one per kind, one per configured provider). A change made
 * here (import, enable, disable) reloads all of them before the call returns, so the next request
 * sees it, then tells the other processes.
 */
export class PoolDirectory {
  private readonly pools = new Set<CredentialPoolService>();

  constructor(private readonly coordination: Coordination) {}

  add(pool: CredentialPoolService): void {
    this.pools.add(pool);
  }

  remove(pool: CredentialPoolService): void {
    this.pools.delete(pool);
  }

  all(): CredentialPoolService[] {
    return [...this.pools];
  }

  async notifyChanged(credentialId = ''): Promise<void> {
    await Promise.all([...this.pools].map((p) => p.reload()));
    await this.coordination.publish(CREDENTIALS_CHANGED, credentialId).catch(() => {});
  }
}

import { zipSync, strToU8 } from 'fflate';
import { GatewayError } from '../common/errors/gateway-error.js';
import type { CryptoRepository } from '../crypto/crypto.repository.js';
import type { GoogleHttpRepository } from '../upstream/code-assist/google-http.repository.js';
import type { CredentialTestResult } from '../upstream/provider.js';
import { jsonOrUndefined, readBodyText } from '../upstream/http/read-body.js';
import { upstreamErrorMessage } from '../common/errors/classify-upstream-failure.js';
import type { AccessTokenService } from './access-token.service.js';
import type { CredentialPoolService } from './credential-pool.service.js';
import { toAntigravityFile, toGcli2apiFile, type GeminiCliSecret } from './credential-secret.js';
import type { CredentialRow, CredentialsRepository } from './credentials.repository.js';
import type { BanWindow } from './credential-state.repository.js';

export type CredentialAction = 'enable' | 'disable' | 'delete' | 'clear_cooldown';
export const CREDENTIAL_ACTIONS: readonly CredentialAction[] = ['enable', 'disable', 'delete', 'clear_cooldown'];

export interface StatusQuery {
  offset?: number;
  limit?: number;
  status?: 'all' | 'enabled' | 'disabled';
  cooldown?: 'all' | 'in_cooldown' | 'no_cooldown';
  search?: string;
  /** one credential kind (backend_type) */
  kind?: string;
}

/** What the admin service needs from the upstream side (set by the composition root). */
export interface CredentialAdminHooks {
  /** provider id → name, for keys of admin-defined providers */
  providerNames(): Promise<Map<string, string>>;
  /** tests a credential of a kind other than gemini-cli with its provider; null when no provider can */
  test(row: CredentialRow): Promise<CredentialTestResult | null>;
}

/** A proxy URL as every proxy setting takes it (http, https, socks4/5), or null for none. */
export function readProxyUrl(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') throw new GatewayError('invalid_request', 'proxy must be a URL string or null', { param: 'proxy' });
  const v = value.trim();
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new GatewayError('invalid_request', 'proxy: expected an http, https or socks5 URL', { param: 'proxy' });
  }
  if (!/^(https?|socks5h?|socks4a?):$/.test(url.protocol) || !url.hostname) {
    throw new GatewayError('invalid_request', 'proxy: expected an http, https or socks5 URL', { param: 'proxy' });
  }
  return v;
}

/** The admin side of the pool (gcli2api's /creds/* API), with secrets never leaving encrypted form except in downloads. */
export class CredentialsAdminService {
  constructor(
    private readonly repository: CredentialsRepository,
    private readonly pool: CredentialPoolService,
    private readonly tokens: AccessTokenService,
    private readonly google: GoogleHttpRepository,
    private readonly crypto: CryptoRepository,
  ) {}

  private hooks: CredentialAdminHooks = { providerNames: async () => new Map(), test: async () => null };

  setHooks(hooks: CredentialAdminHooks): void {
    this.hooks = hooks;
  }

  async status(query: StatusQuery) {
    const now = Date.now();
    const [{ items: listed }, bans, providerNames] = await Promise.all([
      this.repository.list({
        ...(query.status === 'enabled' ? { enabled: true } : query.status === 'disabled' ? { enabled: false } : {}),
        ...(query.search ? { search: query.search } : {}),
      }),
      this.pool.listCooldowns(),
      this.hooks.providerNames(),
    ]);
    // credentials per kind before the kind filter (the panel's filter shows them)
    const kinds: Record<string, number> = {};
    for (const row of listed) kinds[row.kind] = (kinds[row.kind] ?? 0) + 1;
    const rows = query.kind ? listed.filter((r) => r.kind === query.kind) : listed;
    const bansById = new Map<string, BanWindow[]>();
    for (const ban of bans) {
      const list = bansById.get(ban.credentialId);
      if (list) list.push(ban);
      else bansById.set(ban.credentialId, [ban]);
    }
    let items = rows.map((row) => describeCredential(row, bansById.get(row.id) ?? [], now, providerNames));
    if (query.cooldown === 'in_cooldown') items = items.filter((i) => i.cooldown_status === 'cooling');
    if (query.cooldown === 'no_cooldown') items = items.filter((i) => i.cooldown_status === 'ready');
    const total = items.length;
    const offset = Math.max(0, query.offset ?? 0);
    const limit = Math.min(1000, Math.max(1, query.limit ?? 1000));
    const page = items.slice(offset, offset + limit);
    const creds: Record<string, unknown> = {};
    for (const item of page) creds[item.filename] = item;
    return {
      creds,
      items: page,
      total,
      offset,
      limit,
      has_more: offset + page.length < total,
      stats: {
        total: rows.length,
        normal: rows.filter((r) => r.enabled).length,
        disabled: rows.filter((r) => !r.enabled).length,
        cooling: items.filter((i) => i.cooldown_status === 'cooling').length,
        kinds,
      },
    };
  }

  async action(filename: string, action: CredentialAction, model?: string): Promise<string> {
    const row = await this.mustFind(filename);
    switch (action) {
      case 'enable':
        await this.repository.update(row.id, { enabled: true, disabledReason: null, errorCodes: [] });
        await this.pool.notifyChanged(row.id);
        return `enabled ${filename}`;
      case 'disable':
        await this.repository.update(row.id, { enabled: false, disabledReason: 'disabled by admin' });
        await this.pool.notifyChanged(row.id);
        return `disabled ${filename}`;
      case 'delete':
        await this.pool.clearCooldowns(row.id);
        await this.repository.delete(row.id);
        await this.pool.notifyChanged(row.id);
        return `deleted ${filename}`;
      case 'clear_cooldown':
        await this.pool.clearCooldowns(row.id, model);
        return `cleared ${model ? `the ${model} cooldown` : 'all cooldowns'} of ${filename}`;
    }
  }

  async batch(filenames: string[], action: CredentialAction) {
    const errors: string[] = [];
    let success = 0;
    for (const filename of filenames) {
      try {
        await this.action(filename, action);
        success += 1;
      } catch (error) {
        errors.push(`${filename}: ${(error as Error).message}`);
      }
    }
    return { success_count: success, total_count: filenames.length, errors, message: `${action}: ${success} of ${filenames.length} done` };
  }

  async download(filename: string): Promise<Record<string, unknown>> {
    const row = await this.mustFind(filename);
    return this.fileOf(row, await this.hooks.providerNames());
  }

  async downloadAll(): Promise<Uint8Array> {
    const [{ items }, providerNames] = await Promise.all([this.repository.list({}), this.hooks.providerNames()]);
    const files: Record<string, Uint8Array> = {};
    for (const row of items) files[row.filename] = strToU8(JSON.stringify(this.fileOf(row, providerNames), null, 2));
    return zipSync(files, { level: 6 });
  }

  async fetchEmail(filename: string): Promise<{ filename: string; user_email: string; message: string }> {
    const row = await this.mustFind(filename);
    const oauth = row.kind === 'gemini-cli' ? { tokens: this.tokens, google: this.google } : this.oauthKinds.get(row.kind);
    if (!oauth) throw new GatewayError('invalid_request', `${filename} is a ${row.kind} credential: it has no Google account email to look up`);
    const token = await oauth.tokens.get(row.id, undefined, { allowDisabled: true });
    const email = await oauth.google.userEmail(token, row.proxyUrl);
    if (!email) throw new GatewayError('invalid_request', `could not read the email of ${filename} from Google`);
    await this.repository.update(row.id, { email });
    return { filename, user_email: email, message: `email of ${filename} is ${email}` };
  }

  /** Google OAuth kinds besides gemini-cli (Antigravity): their own token refresh and userinfo base. */
  private readonly oauthKinds = new Map<string, { tokens: AccessTokenService; google: GoogleHttpRepository }>();

  registerOAuthKind(kind: string, deps: { tokens: AccessTokenService; google: GoogleHttpRepository }): void {
    this.oauthKinds.set(kind, deps);
  }

  async refreshAllEmails() {
    const { items } = await this.repository.list({});
    const results: Array<{ filename: string; user_email: string | null; success: boolean; error?: string }> = [];
    for (const row of items) {
      try {
        const r = await this.fetchEmail(row.filename);
        results.push({ filename: row.filename, user_email: r.user_email, success: true });
      } catch (error) {
        results.push({ filename: row.filename, user_email: row.email, success: false, error: (error as Error).message });
      }
    }
    const ok = results.filter((r) => r.success).length;
    return { success_count: ok, total_count: results.length, results, message: `${ok} of ${results.length} emails refreshed` };
  }

  /** A one-token generateContent with this credential (gcli2api V3 "test"); clears errors on success. */
  async test(filename: string, model = 'gemini-2.5-flash') {
    const row = await this.mustFind(filename);
    if (row.kind !== 'gemini-cli') return this.testWithProvider(row);
    const token = await this.tokens.get(row.id, undefined, { allowDisabled: true });
    const response = await this.google.codeAssist({
      method: 'generateContent',
      accessToken: token,
      model,
      proxy: row.proxyUrl,
      body: {
        model,
        ...(row.projectId ? { project: row.projectId } : {}),
        request: { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], generationConfig: { maxOutputTokens: 1 } },
      },
    });
    const text = await readBodyText(response.body);
    const ok = response.statusCode === 200;
    if (ok) await this.repository.update(row.id, { errorCodes: [], lastSuccessAt: new Date() });
    else await this.repository.recordError(row.id, response.statusCode, upstreamErrorMessage(jsonOrUndefined(text), response.statusCode));
    return {
      filename,
      model,
      success: ok,
      status: response.statusCode,
      message: ok ? 'the credential answered' : upstreamErrorMessage(jsonOrUndefined(text), response.statusCode),
    };
  }

  /**
   * Other kinds are tested by their provider (a cheap authenticated call, e.g. the model listing);
   * a kind without a tester says so instead of guessing.
   */
  private async testWithProvider(row: CredentialRow) {
    const result = await this.hooks.test(row);
    if (!result) return { filename: row.filename, success: false, status: 0, message: `no test is available for ${row.kind} credentials${row.providerId ? ' (is its provider enabled?)' : ''}` };
    if (result.success) await this.repository.update(row.id, { errorCodes: [], lastSuccessAt: new Date() });
    else if (result.status > 0) await this.repository.recordError(row.id, result.status, result.message);
    return { filename: row.filename, ...result };
  }

  /** The credential's own outbound proxy (null: the global PROXY setting applies). */
  async setProxy(filename: string, proxy: unknown): Promise<{ filename: string; proxy: string | null; message: string }> {
    const row = await this.mustFind(filename);
    const proxyUrl = readProxyUrl(proxy);
    await this.repository.update(row.id, { proxyUrl });
    await this.pool.notifyChanged(row.id);
    return { filename: row.filename, proxy: proxyUrl ? '********' : null, message: proxyUrl ? `${row.filename} now uses its own proxy` : `${row.filename} uses the global proxy setting` };
  }

  private fileOf(row: CredentialRow, providerNames: Map<string, string>): Record<string, unknown> {
    if (row.kind === 'antigravity') {
      return toAntigravityFile(JSON.parse(this.crypto.decrypt(row.secretCiphertext)) as GeminiCliSecret, { projectId: row.projectId, email: row.email });
    }
    if (row.kind !== 'gemini-cli') {
      // key kinds: the same shape POST /creds/add and uploads accept (a provider's key names it)
      const sealed = JSON.parse(this.crypto.decrypt(row.secretCiphertext)) as Record<string, unknown>;
      const provider = row.providerId ? providerNames.get(row.providerId) : undefined;
      return { type: row.kind, label: row.email, ...(provider ? { provider } : {}), ...sealed, ...(row.proxyUrl ? { proxy: row.proxyUrl } : {}) };
    }
    const secret = JSON.parse(this.crypto.decrypt(row.secretCiphertext)) as GeminiCliSecret;
    return toGcli2apiFile(secret, { projectId: row.projectId, email: row.email });
  }

  private async mustFind(filename: string): Promise<CredentialRow> {
    const row = (await this.repository.findByFilename(filename)) ?? (isUuid(filename) ? await this.repository.findById(filename) : null);
    if (!row) throw new GatewayError('not_found', `no credential named ${filename}`);
    return row;
  }
}

function isUuid(v: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
}

function describeCredential(row: CredentialRow, bans: BanWindow[], now: number, providerNames: Map<string, string>) {
  const modelCooldowns: Record<string, { until: number; remaining_seconds: number; reason: string }> = {};
  let soonest: number | null = null;
  for (const ban of bans) {
    if (ban.until <= now) continue;
    modelCooldowns[ban.model] = { until: Math.floor(ban.until / 1000), remaining_seconds: Math.ceil((ban.until - now) / 1000), reason: ban.reason };
    soonest = soonest === null ? ban.until : Math.min(soonest, ban.until);
  }
  const cooling = Object.keys(modelCooldowns).length > 0;
  return {
    id: row.id,
    filename: row.filename,
    backend_type: row.kind,
    user_email: row.email,
    project_id: row.projectId,
    tier: row.tier,
    disabled: !row.enabled,
    disabled_reason: row.disabledReason,
    error_codes: row.errorCodes,
    last_error: row.lastErrorCode !== null ? { code: row.lastErrorCode, message: row.lastErrorMessage, at: row.lastErrorAt?.toISOString() ?? null } : null,
    last_success: row.lastSuccessAt ? Math.floor(row.lastSuccessAt.getTime() / 1000) : null,
    model_cooldowns: modelCooldowns,
    cooldown_status: cooling ? ('cooling' as const) : ('ready' as const),
    cooldown_until: soonest !== null ? Math.floor(soonest / 1000) : null,
    cooldown_remaining_seconds: soonest !== null ? Math.ceil((soonest - now) / 1000) : null,
    call_count: Number(row.callCount),
    source: row.source,
    proxy: row.proxyUrl ? '********' : null,
    provider: row.providerId ? (providerNames.get(row.providerId) ?? null) : null,
    created_at: row.createdAt.toISOString(),
  };
}

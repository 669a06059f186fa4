import { unzipSync } from 'fflate';
import type { CryptoRepository } from '../crypto/crypto.repository.js';
import type { Logger } from '../logging/logger.js';
import { ProjectDiscoveryError, type ProjectDiscoveryService } from '../oauth/project-discovery.service.js';
import { TokenEndpointError, type GoogleHttpRepository } from '../upstream/code-assist/google-http.repository.js';
import { REFRESH_LEAD_MS } from './access-token.service.js';
import { CredentialFileError, decodeEnvCredential, parseCredentialFile, type GoogleOAuthKind, type ParsedCredentialFile } from './credential-file.js';
import type { CredentialPoolService } from './credential-pool.service.js';
import type { GeminiCliSecret } from './credential-secret.js';
import type { CredentialsRepository } from './credentials.repository.js';
import { jsonOrUndefined } from '../upstream/http/read-body.js';

export const MAX_FILES_PER_UPLOAD = 100;

/** Credential kinds that are a plain API key. */
export const API_KEY_KINDS = ['ai-studio', 'openai-compat', 'claude', 'codex'] as const;
export type ApiKeyKind = (typeof API_KEY_KINDS)[number];

export interface ImportResult {
  filename: string;
  status: 'success' | 'updated' | 'error';
  message: string;
  credential?: { id: string; filename: string; email: string | null; project_id: string | null; tier: string | null };
  /** why it failed, when the account itself is the cause (OAuth donations branch on it) */
  reason?: { code: string; requires_project_id: boolean; validation_url?: string };
}

/** Imports another credential shape (OAuth account kinds: `{type: "claude-oauth", …}`, vendor CLI token files). */
export interface TypedCredentialImporter {
  recognises(input: Record<string, unknown>): boolean;
  import(filename: string, input: Record<string, unknown>, options: ImportOptions): Promise<ImportResult>;
}

export interface ImportOptions {
  source: 'upload' | 'env' | 'oauth';
  /** a project id the donor named */
  projectId?: string | null;
  proxyUrl?: string | null;
}

/**
 * Turns credential files (uploads, .zip archives, GCLI_CREDS_* variables, OAuth donations) into
 * pooled credentials: validates and completes them, makes sure the token works, finds the account's
 * email and Code Assist project, recognises an account already in the pool (same email), encrypts
 * the secrets and tells every gateway process to pick the credential up, with no restart.
 */
export class CredentialImportService {
  constructor(
    private readonly repository: CredentialsRepository,
    private readonly pool: CredentialPoolService,
    private readonly google: GoogleHttpRepository,
    private readonly discovery: ProjectDiscoveryService,
    private readonly crypto: CryptoRepository,
    private readonly logger: Logger,
  ) {}

  /** provider name → id, for keys of admin-defined providers (set by the composition root) */
  private providerIdOf: (name: string) => Promise<string | null> = async () => null;

  setProviderResolver(resolve: (name: string) => Promise<string | null>): void {
    this.providerIdOf = resolve;
  }

  /** token endpoint, userinfo and project discovery of each Google OAuth kind other than gemini-cli (set by the composition root) */
  private readonly oauthKinds = new Map<string, { google: GoogleHttpRepository; discovery: ProjectDiscoveryService }>();

  registerOAuthKind(kind: GoogleOAuthKind, deps: { google: GoogleHttpRepository; discovery: ProjectDiscoveryService }): void {
    this.oauthKinds.set(kind, deps);
  }

  /** importers of the OAuth account kinds (set by the composition root) */
  private readonly typedImporters: TypedCredentialImporter[] = [];

  addTypedImporter(importer: TypedCredentialImporter): void {
    this.typedImporters.push(importer);
  }

  /** One uploaded file: a .json credential or a .zip of them. */
  async importUpload(filename: string, content: Buffer, options: ImportOptions): Promise<ImportResult[]> {
    if (/\.zip$/i.test(filename)) {
      let entries: Record<string, Uint8Array>;
      try {
        entries = unzipSync(new Uint8Array(content), {
          filter: (f) => /\.json$/i.test(f.name) && !f.name.startsWith('__MACOSX/') && !/(^|\/)\._/.test(f.name),
        });
      } catch (error) {
        return [{ filename, status: 'error', message: `not a readable zip archive: ${(error as Error).message}` }];
      }
      const names = Object.keys(entries).sort();
      if (names.length === 0) return [{ filename, status: 'error', message: 'the archive holds no .json files' }];
      if (names.length > MAX_FILES_PER_UPLOAD) {
        return [{ filename, status: 'error', message: `the archive holds ${names.length} files; at most ${MAX_FILES_PER_UPLOAD} per upload` }];
      }
      const results: ImportResult[] = [];
      for (const name of names) {
        results.push(await this.importJsonText(baseName(name), Buffer.from(entries[name]!).toString('utf8'), options));
      }
      return results;
    }
    if (!/\.json$/i.test(filename)) {
      return [{ filename, status: 'error', message: 'only .json credential files and .zip archives of them are accepted' }];
    }
    return [await this.importJsonText(filename, content.toString('utf8'), options)];
  }

  async importJsonText(filename: string, text: string, options: ImportOptions): Promise<ImportResult> {
    const json = jsonOrUndefined(text.replace(/^\uFEFF/, ''));
    if (json === undefined) return { filename, status: 'error', message: 'not valid JSON' };
    return this.importObject(filename, json, options);
  }

  /** GCLI_CREDS_* variables (JSON or base64 JSON), idempotent across restarts. */
  async importEnv(entries: ReadonlyArray<{ name: string; value: string }>): Promise<ImportResult[]> {
    const results: ImportResult[] = [];
    for (const { name, value } of entries) {
      const label = `env-${name.slice('GCLI_CREDS_'.length).toLowerCase()}.json`;
      let parsed: unknown;
      try {
        parsed = decodeEnvCredential(value);
      } catch (error) {
        results.push({ filename: label, status: 'error', message: `${name}: ${(error as Error).message}` });
        continue;
      }
      results.push(await this.importObject(label, parsed, { source: 'env' }));
    }
    return results;
  }

  async importObject(filename: string, input: unknown, options: ImportOptions): Promise<ImportResult> {
    const typed = input as { type?: unknown; api_key?: unknown; label?: unknown; proxy?: unknown; provider?: unknown } | null;
    if (typed && typeof typed.type === 'string' && (API_KEY_KINDS as readonly string[]).includes(typed.type)) {
      if (typeof typed.api_key !== 'string' || typed.api_key.trim() === '') return { filename, status: 'error', message: 'missing api_key' };
      let providerId: string | undefined;
      if (typed.type === 'openai-compat') {
        const id = typeof typed.provider === 'string' ? await this.providerIdOf(typed.provider) : null;
        if (!id) return { filename, status: 'error', message: 'an openai-compat key names its provider ("provider": "<name>"), which must exist; create it under /providers first' };
        providerId = id;
      }
      return this.importApiKey(typed.type as ApiKeyKind, typed.api_key, {
        ...(providerId ? { providerId } : {}),
        ...(typeof typed.label === 'string' ? { label: typed.label } : filename ? { label: filename.replace(/\.json$/i, '') } : {}),
        proxyUrl: typeof typed.proxy === 'string' && typed.proxy ? typed.proxy : (options.proxyUrl ?? null),
        source: options.source,
      });
    }
    if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
      const other = this.typedImporters.find((i) => i.recognises(input as Record<string, unknown>));
      if (other) return other.import(filename, input as Record<string, unknown>, options);
    }
    let parsed: ParsedCredentialFile;
    try {
      parsed = parseCredentialFile(input);
    } catch (error) {
      if (error instanceof CredentialFileError) return { filename, status: 'error', message: error.message };
      throw error;
    }
    try {
      return await this.store(filename, parsed, options);
    } catch (error) {
      this.logger.warn({ file: filename, err: (error as Error).message }, 'credential import failed');
      return { filename, status: 'error', message: (error as Error).message };
    }
  }

  private async store(filename: string, parsed: ParsedCredentialFile, options: ImportOptions): Promise<ImportResult> {
    const secret: GeminiCliSecret = { ...parsed.secret };
    const { google, discovery } = this.oauthKinds.get(parsed.kind) ?? { google: this.google, discovery: this.discovery };
    const notes: string[] = [];
    const proxy = options.proxyUrl ?? null;
    let email = parsed.email;
    let projectId = options.projectId ?? parsed.projectId;
    let tier: string | null = null;
    let online = true;

    // 1. a working access token (refresh when missing or close to expiry)
    const expiresAt = secret.expiry ? Date.parse(secret.expiry) : 0;
    if (!secret.access_token || expiresAt - Date.now() < REFRESH_LEAD_MS) {
      try {
        const token = await google.refreshAccessToken(
          { clientId: secret.client_id, clientSecret: secret.client_secret, refreshToken: secret.refresh_token },
          proxy,
        );
        secret.access_token = token.access_token;
        secret.expiry = new Date(Date.now() + (token.expires_in ?? 3600) * 1000).toISOString();
        if (token.refresh_token) secret.refresh_token = token.refresh_token;
      } catch (error) {
        if (error instanceof TokenEndpointError && error.permanent) {
          return {
            filename,
            status: 'error',
            message: `Google refused the refresh token: ${error.message}`,
            reason: { code: 'TOKEN_REJECTED', requires_project_id: false },
          };
        }
        online = false;
        notes.push(`Google could not be reached to check the token (${(error as Error).message}); setup finishes on first use`);
      }
    }

    // 2. email and project
    if (online && secret.access_token) {
      if (!email) email = await google.userEmail(secret.access_token, proxy).catch(() => null);
      if (!projectId) {
        try {
          const found = await discovery.discover(secret.access_token, null, proxy);
          projectId = found.projectId;
          tier = found.tier;
        } catch (error) {
          if (error instanceof ProjectDiscoveryError && !/^HTTP_(5\d\d|429)$/.test(error.reasonCode)) {
            return {
              filename,
              status: 'error',
              message: `${error.message}${error.validationUrl ? ` (verify the account at ${error.validationUrl})` : ''}`,
              reason: {
                code: error.reasonCode,
                requires_project_id: error.requiresProjectId,
                ...(error.validationUrl ? { validation_url: error.validationUrl } : {}),
              },
            };
          }
          notes.push(`project discovery will be retried on first use (${(error as Error).message})`);
        }
      }
    }

    const secretCiphertext = this.crypto.encrypt(JSON.stringify(secret));
    const accessTokenExpiresAt = secret.expiry ? new Date(secret.expiry) : null;

    // 3. the same account again: refresh the stored one instead of adding a duplicate
    const found = email ? await this.repository.findByEmail(parsed.kind, email) : await this.repository.findByFilename(filename);
    const existing = found?.kind === parsed.kind ? found : null;
    if (existing) {
      const updated = await this.repository.update(existing.id, {
        secretCiphertext,
        accessTokenExpiresAt,
        enabled: true,
        disabledReason: null,
        errorCodes: [],
        ...(projectId ? { projectId } : {}),
        ...(tier ? { tier } : {}),
        ...(email ? { email } : {}),
      });
      await this.pool.clearCooldowns(updated.id);
      await this.pool.notifyChanged(updated.id);
      return {
        filename,
        status: 'updated',
        message: [`already in the pool as ${existing.filename}${email ? ` (${email})` : ''}; its tokens were replaced`, ...notes].join('; '),
        credential: describe(updated),
      };
    }

    const created = await this.repository.create({
      kind: parsed.kind,
      filename: await this.uniqueFilename(filename),
      email,
      projectId,
      tier,
      secretCiphertext,
      accessTokenExpiresAt,
      source: options.source,
      proxyUrl: proxy,
    });
    await this.pool.notifyChanged(created.id);
    return {
      filename,
      status: 'success',
      message: ['added to the pool', ...notes].join('; '),
      credential: describe(created),
    };
  }

  /**
   * An API key of a key-based kind. The key is sealed; its fingerprint (a keyed hash prefix) names the
   * credential so the same key added twice is recognised instead of duplicated.
   */
  async importApiKey(
    kind: ApiKeyKind,
    apiKey: string,
    options: { label?: string; proxyUrl?: string | null; source: ImportOptions['source']; providerId?: string },
  ): Promise<ImportResult> {
    const key = apiKey.trim();
    const fingerprint = this.crypto.hashKey(`${kind}:${options.providerId ?? ''}:${key}`).slice(0, 12);
    const filename = `${kind}-${fingerprint}.json`;
    const label = options.label?.trim() || `${kind} key …${key.slice(-4)}`;
    const existing = await this.repository.findByFilename(filename);
    if (existing) {
      const relabel = options.label?.trim() ? { email: label } : {};
      const updated = await this.repository.update(existing.id, { enabled: true, disabledReason: null, errorCodes: [], ...relabel, proxyUrl: options.proxyUrl ?? null });
      await this.pool.notifyChanged(existing.id);
      return { filename, status: 'updated', message: `this ${kind} key is already in the pool; re-enabled`, credential: describe(updated) };
    }
    const created = await this.repository.create({
      kind,
      filename,
      email: label,
      secretCiphertext: this.crypto.encrypt(JSON.stringify({ api_key: key })),
      source: options.source,
      proxyUrl: options.proxyUrl ?? null,
      ...(options.providerId ? { provider: { connect: { id: options.providerId } } } : {}),
    });
    await this.pool.notifyChanged(created.id);
    return { filename, status: 'success', message: `added to the ${kind} pool`, credential: describe(created) };
  }

  private async uniqueFilename(wanted: string): Promise<string> {
    const clean = wanted.replace(/[^\w.@+-]+/g, '_').slice(0, 120) || 'credential.json';
    if (!(await this.repository.findByFilename(clean))) return clean;
    const stem = clean.replace(/\.json$/i, '');
    for (let i = 2; ; i++) {
      const candidate = `${stem}-${i}.json`;
      if (!(await this.repository.findByFilename(candidate))) return candidate;
    }
  }
}

function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? path.slice(i + 1) : path;
}

function describe(row: { id: string; filename: string; email: string | null; projectId: string | null; tier: string | null }) {
  return { id: row.id, filename: row.filename, email: row.email, project_id: row.projectId, tier: row.tier };
}

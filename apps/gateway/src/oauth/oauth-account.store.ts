import type { ImportOptions, ImportResult, TypedCredentialImporter } from '../credentials/credential-import.service.js';
import type { CredentialPoolService } from '../credentials/credential-pool.service.js';
import type { CredentialsRepository } from '../credentials/credentials.repository.js';
import type { CryptoRepository } from '../crypto/crypto.repository.js';
import type { Logger } from '../logging/logger.js';
import { OAUTH_ACCOUNT_REFRESH_LEAD_MS } from './oauth-account.authorizer.js';
import type { OAuthAccountKind, OAuthAccountSecret } from './oauth-account-kind.js';
import { OAuthTokenError } from './oauth-token-client.js';

export interface StoreAccountOptions {
  source: ImportOptions['source'];
  proxyUrl?: string | null;
  /** refresh first when the access token is missing, about to expire or anonymous (uploads); sign-ins bring fresh tokens */
  refreshIfStale: boolean;
  /** label to show when the tokens name no email */
  label?: string | null;
}

/**
 * Stores an OAuth account (from a sign-in or an uploaded token file) as a sealed credential of its
 * kind. The same account again (same identity: Claude account uuid, ChatGPT user + workspace)
 * replaces the stored tokens instead of adding a duplicate; every process picks the change up.
 */
export class OAuthAccountStore {
  constructor(
    private readonly repository: CredentialsRepository,
    private readonly crypto: CryptoRepository,
    private readonly logger: Logger,
  ) {}

  async store<S extends OAuthAccountSecret>(account: OAuthAccountKind<S>, pool: CredentialPoolService, input: S, options: StoreAccountOptions): Promise<ImportResult> {
    let secret = input;
    const notes: string[] = [];
    const proxy = options.proxyUrl ?? null;
    // a stale token is refreshed; so is one that does not say whose account it is (the token answer does)
    const stale = !secret.access_token || account.expiresAt(secret) - Date.now() < OAUTH_ACCOUNT_REFRESH_LEAD_MS;
    if (options.refreshIfStale && (stale || account.identify(secret).email === null)) {
      try {
        secret = await account.refresh(secret, proxy);
      } catch (error) {
        if (error instanceof OAuthTokenError && error.permanent) {
          return {
            filename: '',
            status: 'error',
            message: `the ${account.label} token endpoint refused the refresh token: ${error.message}; sign in again`,
            reason: { code: 'TOKEN_REJECTED', requires_project_id: false },
          };
        }
        notes.push(`the token could not be refreshed now (${(error as Error).message}); it is retried on first use`);
      }
    }
    const who = account.identify(secret);
    const email = who.email ?? (options.label?.trim() || null);
    const filename = `${account.kind}-${this.crypto.hashKey(`${account.kind}:${who.identity}`).slice(0, 12)}.json`;
    const expiresAt = account.expiresAt(secret);
    const secretCiphertext = this.crypto.encrypt(JSON.stringify(secret));
    const accessTokenExpiresAt = expiresAt > 0 ? new Date(expiresAt) : null;

    const existing = await this.repository.findByFilename(filename);
    if (existing) {
      const updated = await this.repository.update(existing.id, {
        secretCiphertext,
        accessTokenExpiresAt,
        enabled: true,
        disabledReason: null,
        errorCodes: [],
        ...(email ? { email } : {}),
        ...(who.accountId ? { projectId: who.accountId } : {}),
        ...(who.plan ? { tier: who.plan } : {}),
        ...(options.proxyUrl !== undefined && options.proxyUrl !== null ? { proxyUrl: options.proxyUrl } : {}),
      });
      await pool.clearCooldowns(updated.id);
      await pool.notifyChanged(updated.id);
      this.logger.info({ credentialId: updated.id, kind: account.kind, source: options.source }, 'account tokens replaced');
      return {
        filename,
        status: 'updated',
        message: [`already in the pool as ${filename}${email ? ` (${email})` : ''}; its tokens were replaced and it is enabled`, ...notes].join('; '),
        credential: describe(updated),
      };
    }
    const created = await this.repository.create({
      kind: account.kind,
      filename,
      email,
      projectId: who.accountId,
      tier: who.plan,
      secretCiphertext,
      accessTokenExpiresAt,
      source: options.source,
      proxyUrl: proxy,
    });
    await pool.notifyChanged(created.id);
    this.logger.info({ credentialId: created.id, kind: account.kind, source: options.source }, 'account added');
    return { filename, status: 'success', message: [`added to the ${account.label} pool`, ...notes].join('; '), credential: describe(created) };
  }

  /** Uploads (and GCLI_CREDS_* values) of this kind's files, for CredentialImportService. */
  fileImporter<S extends OAuthAccountSecret>(account: OAuthAccountKind<S>, pool: CredentialPoolService): TypedCredentialImporter {
    return {
      recognises: (input) => account.recognises(input),
      import: async (filename, input, options) => {
        let secret: S;
        try {
          secret = account.parseFile(input);
        } catch (error) {
          return { filename, status: 'error', message: (error as Error).message };
        }
        const proxy = typeof input.proxy === 'string' && input.proxy ? input.proxy : (options.proxyUrl ?? null);
        const label = typeof input.label === 'string' ? input.label : null;
        try {
          const result = await this.store(account, pool, secret, { source: options.source, proxyUrl: proxy, refreshIfStale: true, label });
          return { ...result, filename: filename || result.filename };
        } catch (error) {
          this.logger.warn({ file: filename, kind: account.kind, err: (error as Error).message }, 'account import failed');
          return { filename, status: 'error', message: (error as Error).message };
        }
      },
    };
  }
}

function describe(row: { id: string; filename: string; email: string | null; projectId: string | null; tier: string | null }) {
  return { id: row.id, filename: row.filename, email: row.email, project_id: row.projectId, tier: row.tier };
}

import type { Locks } from '../coordination/locks.js';
import { CredentialUnusableError } from '../credentials/access-token.service.js';
import type { CredentialsRepository } from '../credentials/credentials.repository.js';
import type { LeaseAuthorizer } from '../credentials/lease-authorizer.js';
import type { CryptoRepository } from '../crypto/crypto.repository.js';
import type { OAuthAccountKind, OAuthAccountSecret } from './oauth-account-kind.js';
import { OAuthTokenError } from './oauth-token-client.js';

/** refresh in the request path when the token has less than this left */
export const OAUTH_ACCOUNT_REFRESH_LEAD_MS = 5 * 60_000;

interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * Access tokens of one OAuth account kind (Claude Code, Codex): decrypted once and cached, refreshed
 * ahead of expiry under a cross-process lock (one refresh per account at a time across every gateway
 * process — Codex refresh tokens are single-use, so two concurrent refreshes would burn the account),
 * the rotated refresh token persisted with the new access token. A dead grant (invalid_grant,
 * refresh_token_expired / _reused / _invalidated) disables the credential with the reason.
 */
export class OAuthAccountAuthorizer<S extends OAuthAccountSecret = OAuthAccountSecret> implements LeaseAuthorizer {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    private readonly account: OAuthAccountKind<S>,
    private readonly repository: CredentialsRepository,
    private readonly crypto: CryptoRepository,
    private readonly locks: Locks,
    /** the credential was disabled here (tell the pools, log it) */
    private readonly onDisabled: (credentialId: string, reason: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get kind(): string {
    return this.account.kind;
  }

  async token(credentialId: string, rejected?: string): Promise<string> {
    const cached = this.cache.get(credentialId);
    if (cached && cached.token !== rejected && cached.expiresAt - this.now() > OAUTH_ACCOUNT_REFRESH_LEAD_MS) return cached.token;
    let pending = this.inflight.get(credentialId);
    if (!pending) {
      pending = this.refresh(credentialId, rejected, OAUTH_ACCOUNT_REFRESH_LEAD_MS, false)
        .then((r) => r.token)
        .finally(() => this.inflight.delete(credentialId));
      this.inflight.set(credentialId, pending);
    }
    return pending;
  }

  /** A token for an admin test: disabled credentials too (never the relay). */
  async tokenAllowingDisabled(credentialId: string): Promise<string> {
    return (await this.refresh(credentialId, undefined, OAUTH_ACCOUNT_REFRESH_LEAD_MS, true)).token;
  }

  /** Refreshes now when the token has less than `leadMs` left (the background refresh job); true when it did. */
  async refreshAhead(credentialId: string, leadMs: number): Promise<boolean> {
    const cached = this.cache.get(credentialId);
    if (cached && cached.expiresAt - this.now() > leadMs) return false;
    return (await this.refresh(credentialId, undefined, leadMs, false)).refreshed;
  }

  forget(credentialId: string): void {
    this.cache.delete(credentialId);
  }

  private refresh(credentialId: string, rejected: string | undefined, leadMs: number, allowDisabled: boolean): Promise<{ token: string; refreshed: boolean }> {
    return this.locks.withLock(`token:${credentialId}`, 30_000, async () => {
      const row = await this.repository.findById(credentialId);
      if (!row) throw new CredentialUnusableError(credentialId, true, 'credential no longer exists');
      if (row.kind !== this.account.kind) throw new CredentialUnusableError(credentialId, true, `not a ${this.account.label} credential`);
      if (!row.enabled && !allowDisabled) throw new CredentialUnusableError(credentialId, true, `credential is disabled (${row.disabledReason ?? 'by admin'})`);
      const secret = JSON.parse(this.crypto.decrypt(row.secretCiphertext)) as S;
      // another process may have refreshed while this one waited for the lock
      const expiresAt = this.account.expiresAt(secret);
      if (secret.access_token && secret.access_token !== rejected && expiresAt - this.now() > leadMs) {
        this.cache.set(credentialId, { token: secret.access_token, expiresAt });
        return { token: secret.access_token, refreshed: false };
      }
      let next: S;
      try {
        next = await this.account.refresh(secret, row.proxyUrl);
      } catch (error) {
        const message = (error as Error).message;
        if (error instanceof OAuthTokenError && error.permanent) {
          const reason = `token refresh failed permanently: ${message}`;
          await this.repository.update(credentialId, {
            enabled: false,
            disabledReason: reason,
            lastErrorCode: error.status,
            lastErrorMessage: message,
            lastErrorAt: new Date(),
          });
          this.cache.delete(credentialId);
          this.onDisabled(credentialId, reason);
          throw new CredentialUnusableError(credentialId, true, message);
        }
        throw new CredentialUnusableError(credentialId, false, message);
      }
      if (!next.access_token) throw new CredentialUnusableError(credentialId, false, 'the token endpoint answered without an access token');
      const nextExpiry = this.account.expiresAt(next);
      const who = this.account.identify(next);
      await this.repository.update(credentialId, {
        secretCiphertext: this.crypto.encrypt(JSON.stringify(next)),
        accessTokenExpiresAt: nextExpiry > 0 ? new Date(nextExpiry) : null,
        ...(who.plan ? { tier: who.plan } : {}),
        ...(who.email && !row.email ? { email: who.email } : {}),
      });
      this.cache.set(credentialId, { token: next.access_token, expiresAt: nextExpiry });
      return { token: next.access_token, refreshed: true };
    });
  }
}

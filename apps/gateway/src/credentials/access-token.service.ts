import type { CryptoRepository } from '../crypto/crypto.repository.js';
import type { Locks } from '../coordination/locks.js';
import { TokenEndpointError, type GoogleHttpRepository } from '../upstream/code-assist/google-http.repository.js';
import type { GeminiCliSecret } from './credential-secret.js';
import type { CredentialsRepository } from './credentials.repository.js';

/** refresh when the token has less than this left (upstream-google.md §9.4) */
export const REFRESH_LEAD_MS = 5 * 60_000;

export class CredentialUnusableError extends Error {
  constructor(
    readonly credentialId: string,
    readonly permanent: boolean,
    message: string,
  ) {
    super(message);
    this.name = 'CredentialUnusableError';
  }
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * Access tokens of pooled OAuth credentials: decrypted once and cached in memory, refreshed ahead of
 * expiry under a cross-process lock (one refresh per credential at a time, across all gateway
 * processes), with a rotated refresh token persisted atomically with the new access token. A
 * permanent refusal (invalid_grant…) disables the credential with the reason recorded.
 */
export class AccessTokenService {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    private readonly repository: CredentialsRepository,
    private readonly google: GoogleHttpRepository,
    private readonly crypto: CryptoRepository,
    private readonly locks: Locks,
    private readonly onDisabled: (credentialId: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A usable access token; `rejected` is a token the upstream just refused (forces a new one).
   * `allowDisabled` serves health probes of disabled credentials (never the relay).
   */
  async get(credentialId: string, rejected?: string, options: { allowDisabled?: boolean } = {}): Promise<string> {
    const cached = this.cache.get(credentialId);
    if (cached && cached.token !== rejected && cached.expiresAt - this.now() > REFRESH_LEAD_MS) return cached.token;
    let pending = this.inflight.get(credentialId);
    if (!pending) {
      pending = this.refresh(credentialId, rejected, REFRESH_LEAD_MS, options.allowDisabled === true).finally(() => this.inflight.delete(credentialId));
      this.inflight.set(credentialId, pending);
    }
    return pending;
  }

  /** Refreshes now if the token has less than `leadMs` left (the background refresh job). */
  async refreshAhead(credentialId: string, leadMs: number): Promise<boolean> {
    const cached = this.cache.get(credentialId);
    if (cached && cached.expiresAt - this.now() > leadMs) return false;
    const before = cached?.token;
    const token = await this.refresh(credentialId, undefined, leadMs);
    return token !== before;
  }

  forget(credentialId: string): void {
    this.cache.delete(credentialId);
  }

  private async refresh(credentialId: string, rejected?: string, leadMs = REFRESH_LEAD_MS, allowDisabled = false): Promise<string> {
    return this.locks.withLock(`token:${credentialId}`, 20_000, async () => {
      const row = await this.repository.findById(credentialId);
      if (!row) throw new CredentialUnusableError(credentialId, true, 'credential no longer exists');
      if (!row.enabled && !allowDisabled) throw new CredentialUnusableError(credentialId, true, `credential is disabled (${row.disabledReason ?? 'by admin'})`);
      const secret = JSON.parse(this.crypto.decrypt(row.secretCiphertext)) as GeminiCliSecret;
      const expiresAt = secret.expiry ? Date.parse(secret.expiry) : 0;
      // another process may have refreshed while we waited for the lock
      if (secret.access_token && secret.access_token !== rejected && expiresAt - this.now() > leadMs) {
        this.cache.set(credentialId, { token: secret.access_token, expiresAt });
        return secret.access_token;
      }
      let response;
      try {
        response = await this.google.refreshAccessToken(
          { clientId: secret.client_id, clientSecret: secret.client_secret, refreshToken: secret.refresh_token },
          row.proxyUrl,
        );
      } catch (error) {
        if (error instanceof TokenEndpointError && error.permanent) {
          await this.repository.update(credentialId, {
            enabled: false,
            disabledReason: `token refresh failed permanently: ${error.message}`,
            lastErrorCode: error.status,
            lastErrorMessage: error.message,
            lastErrorAt: new Date(),
          });
          this.cache.delete(credentialId);
          this.onDisabled(credentialId);
          throw new CredentialUnusableError(credentialId, true, error.message);
        }
        throw new CredentialUnusableError(credentialId, false, (error as Error).message);
      }
      const newExpiry = this.now() + (response.expires_in ?? 3600) * 1000;
      const updated: GeminiCliSecret = {
        ...secret,
        access_token: response.access_token,
        expiry: new Date(newExpiry).toISOString(),
      };
      if (response.refresh_token) updated.refresh_token = response.refresh_token;
      await this.repository.update(credentialId, {
        secretCiphertext: this.crypto.encrypt(JSON.stringify(updated)),
        accessTokenExpiresAt: new Date(newExpiry),
      });
      this.cache.set(credentialId, { token: response.access_token, expiresAt: newExpiry });
      return response.access_token;
    });
  }
}

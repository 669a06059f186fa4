/**
 * What every OAuth account kind (Claude Code accounts, Codex / ChatGPT accounts) keeps sealed in
 * `credentials.secret_ciphertext`, and the few vendor-specific operations the shared authorizer,
 * store and flows need. The rest (caching, refresh ahead of expiry under a lock, persisting rotated
 * refresh tokens, disabling on a dead grant, de-duplication) is shared.
 */
export interface OAuthAccountSecret {
  access_token?: string;
  refresh_token: string;
  /** ISO time the access token expires */
  expires_at?: string;
}

/** Who an account is, as far as its tokens say. */
export interface OAuthAccountIdentity {
  /** stable identity of the account (de-duplication: the same account signed in twice is one credential) */
  identity: string;
  /** shown as the credential's label (`user_email`) */
  email: string | null;
  /** a vendor account id the upstream needs on every call (Codex: ChatGPT-Account-ID), stored as `project_id` */
  accountId: string | null;
  /** the subscription plan when the tokens say (stored as `tier`) */
  plan: string | null;
}

export interface OAuthAccountKind<S extends OAuthAccountSecret = OAuthAccountSecret> {
  /** the credential kind (`claude-oauth`, `codex-oauth`) */
  readonly kind: string;
  /** how messages name it */
  readonly label: string;
  /** epoch ms the access token expires (0: unknown, refresh before use) */
  expiresAt(secret: S): number;
  /** a new secret from the refresh token; throws OAuthTokenError (`permanent` when the grant is dead) */
  refresh(secret: S, proxyUrl: string | null): Promise<S>;
  identify(secret: S): OAuthAccountIdentity;
  /** true when an uploaded object is this kind's (`{type: <kind>, …}` or the vendor CLI's own token file) */
  recognises(input: Record<string, unknown>): boolean;
  /** the secret of a recognised upload; throws an Error naming what is missing */
  parseFile(input: Record<string, unknown>): S;
}

/** A JWT's payload (no signature check: the token comes from the vendor's token endpoint over TLS). */
export function decodeJwtClaims(token: string | undefined): Record<string, unknown> | undefined {
  if (typeof token !== 'string') return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const value = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A time given as ISO text, epoch seconds or epoch milliseconds → epoch ms (0 when unreadable). */
export function readTime(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value > 1e12 ? value : value * 1000;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    if (Number.isFinite(n) && n > 0) return n > 1e12 ? n : n * 1000;
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? 0 : parsed;
  }
  return 0;
}

export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

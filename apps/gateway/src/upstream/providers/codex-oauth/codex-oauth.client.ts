/**
 * Codex with a ChatGPT account (Plus / Pro / Team … plans) through the Codex CLI's public OAuth client
 * at auth.openai.com (docs/upstreams.md §5.5): the consent URL with PKCE, the code exchange
 * (form-encoded), the refresh (JSON, rotating single-use refresh tokens) and what is kept sealed per
 * account. The ChatGPT account id (`ChatGPT-Account-ID` on every backend call), the plan and the email
 * come from the id_token claims.
 */
import type { RuntimeSettings } from '../../../config/gateway-config.js';
import { decodeJwtClaims, nonEmptyString, readTime, type OAuthAccountIdentity, type OAuthAccountKind, type OAuthAccountSecret } from '../../../oauth/oauth-account-kind.js';
import { describeTokenFailure, OAuthTokenError, postTokenEndpoint, readOAuthError } from '../../../oauth/oauth-token-client.js';
import { asRecord, readNumber, readString } from '../../../protocols/json/safe-parse-json.js';
import type { Dispatchers } from '../../http/dispatchers.js';

/** The Codex CLI's public OAuth client (codex-rs/login). */
export const CODEX_OAUTH_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';
/** The loopback redirect the client is registered for; nothing listens there: the user pastes the address. */
export const CODEX_OAUTH_REDIRECT_URI = 'http://localhost:1455/auth/callback';
export const CODEX_OAUTH_SCOPES = 'openid profile email offline_access';
/** cligate's own `originator` (the Codex CLI sends `codex_cli_rs`; docs/upstreams.md §5.7). */
export const CLIGATE_ORIGINATOR = 'cligate';
/** The claim namespace holding chatgpt_account_id, chatgpt_plan_type and chatgpt_user_id. */
export const OPENAI_AUTH_CLAIM = 'https://api.openai.com/auth';
const OPENAI_PROFILE_CLAIM = 'https://api.openai.com/profile';
/** refresh error codes after which only a new sign-in helps (codex-rs auth manager) */
const DEAD_GRANT_CODES = new Set(['refresh_token_expired', 'refresh_token_reused', 'refresh_token_invalidated', 'invalid_grant']);
/** Codex refreshes tokens older than this when it cannot read an expiry (TOKEN_REFRESH_INTERVAL) */
const FALLBACK_LIFETIME_MS = 8 * 86_400_000;

export interface CodexOAuthSecret extends OAuthAccountSecret {
  id_token?: string;
  /** chatgpt_account_id: the workspace the tokens act for */
  account_id?: string;
  email?: string;
  plan_type?: string;
  user_id?: string;
  /** ISO time of the last exchange or refresh */
  last_refresh?: string;
}

/** What the id_token (or the access token) says about the account. */
export function codexClaims(token: string | undefined): { accountId?: string; plan?: string; userId?: string; email?: string; exp?: number } {
  const claims = decodeJwtClaims(token);
  if (!claims) return {};
  const auth = asRecord(claims[OPENAI_AUTH_CLAIM]);
  const profile = asRecord(claims[OPENAI_PROFILE_CLAIM]);
  const out: { accountId?: string; plan?: string; userId?: string; email?: string; exp?: number } = {};
  const accountId = nonEmptyString(auth?.['chatgpt_account_id']);
  if (accountId) out.accountId = accountId;
  const plan = nonEmptyString(auth?.['chatgpt_plan_type']);
  if (plan) out.plan = plan;
  const userId = nonEmptyString(auth?.['chatgpt_user_id']) ?? nonEmptyString(auth?.['user_id']);
  if (userId) out.userId = userId;
  const email = nonEmptyString(claims['email']) ?? nonEmptyString(profile?.['email']);
  if (email) out.email = email;
  const exp = readNumber(claims['exp']);
  if (exp !== undefined) out.exp = exp;
  return out;
}

export class CodexOAuthClient implements OAuthAccountKind<CodexOAuthSecret> {
  readonly kind = 'codex-oauth';
  readonly label = 'Codex account';

  constructor(
    private readonly dispatchers: Dispatchers,
    private readonly settings: () => RuntimeSettings,
    private readonly now: () => number = Date.now,
  ) {}

  private get issuer(): string {
    return this.settings().codex_oauth_issuer;
  }

  authorizeUrl(input: { state: string; codeChallenge: string; redirectUri: string }): string {
    const url = new URL(`${this.issuer}/oauth/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: CODEX_OAUTH_CLIENT_ID,
      redirect_uri: input.redirectUri,
      scope: CODEX_OAUTH_SCOPES,
      code_challenge: input.codeChallenge,
      code_challenge_method: 'S256',
      // the workspace claims (chatgpt_account_id) in the id_token
      id_token_add_organizations: 'true',
      codex_cli_simplified_flow: 'true',
      state: input.state,
      originator: CLIGATE_ORIGINATOR,
    }).toString();
    return url.toString();
  }

  async exchangeCode(grant: { code: string; codeVerifier: string; redirectUri: string }, proxyUrl: string | null): Promise<CodexOAuthSecret> {
    const answer = await postTokenEndpoint(
      `${this.issuer}/oauth/token`,
      {
        grant_type: 'authorization_code',
        code: grant.code,
        redirect_uri: grant.redirectUri,
        client_id: CODEX_OAUTH_CLIENT_ID,
        code_verifier: grant.codeVerifier,
      },
      { encoding: 'form', dispatcher: this.dispatchers.get(proxyUrl ?? this.settings().proxy) },
    );
    return this.secretFrom(answer.status, answer.body, {} as CodexOAuthSecret, false);
  }

  async refresh(secret: CodexOAuthSecret, proxyUrl: string | null): Promise<CodexOAuthSecret> {
    const answer = await postTokenEndpoint(
      `${this.issuer}/oauth/token`,
      { client_id: CODEX_OAUTH_CLIENT_ID, grant_type: 'refresh_token', refresh_token: secret.refresh_token },
      { encoding: 'json', dispatcher: this.dispatchers.get(proxyUrl ?? this.settings().proxy) },
    );
    return this.secretFrom(answer.status, answer.body, secret, true);
  }

  /** The access token's JWT `exp`, else the stored expiry, else 8 days after the last refresh. */
  expiresAt(secret: CodexOAuthSecret): number {
    const exp = codexClaims(secret.access_token).exp;
    if (exp !== undefined) return exp * 1000;
    const stored = readTime(secret.expires_at);
    if (stored > 0) return stored;
    const last = readTime(secret.last_refresh);
    return last > 0 ? last + FALLBACK_LIFETIME_MS : 0;
  }

  identify(secret: CodexOAuthSecret): OAuthAccountIdentity {
    const fromId = codexClaims(secret.id_token);
    const fromAccess = codexClaims(secret.access_token);
    const accountId = nonEmptyString(secret.account_id) ?? fromId.accountId ?? fromAccess.accountId ?? null;
    const email = nonEmptyString(secret.email) ?? fromId.email ?? fromAccess.email ?? null;
    const user = nonEmptyString(secret.user_id) ?? fromId.userId ?? fromAccess.userId ?? email;
    return {
      identity: user ? `${user}@${accountId ?? ''}` : `refresh:${secret.refresh_token.slice(-16)}`,
      email,
      accountId,
      plan: nonEmptyString(secret.plan_type) ?? fromId.plan ?? fromAccess.plan ?? null,
    };
  }

  recognises(input: Record<string, unknown>): boolean {
    if (input.type === this.kind) return true;
    // the Codex CLI's ~/.codex/auth.json
    const tokens = asRecord(input.tokens);
    return tokens !== undefined && typeof tokens.refresh_token === 'string' && ('OPENAI_API_KEY' in input || 'last_refresh' in input || typeof tokens.id_token === 'string');
  }

  /** `{type: "codex-oauth", refresh_token, access_token?, id_token?, account_id?…}` or the Codex CLI's `~/.codex/auth.json`. */
  parseFile(input: Record<string, unknown>): CodexOAuthSecret {
    const tokens = input.type === this.kind ? input : (asRecord(input.tokens) ?? {});
    const refresh = nonEmptyString(tokens.refresh_token);
    if (!refresh) throw new Error('a codex-oauth credential needs refresh_token');
    const secret: CodexOAuthSecret = { refresh_token: refresh };
    const access = nonEmptyString(tokens.access_token);
    if (access) secret.access_token = access;
    // auth.json of some codex versions keeps the id_token as an object holding the raw JWT
    const idToken = nonEmptyString(tokens.id_token) ?? nonEmptyString(asRecord(tokens.id_token)?.['raw_jwt']);
    if (idToken) secret.id_token = idToken;
    const accountId = nonEmptyString(tokens.account_id);
    if (accountId) secret.account_id = accountId;
    for (const field of ['email', 'plan_type', 'user_id'] as const) {
      const value = nonEmptyString(input[field]);
      if (value) secret[field] = value;
    }
    const expires = readTime(input.expires_at);
    if (expires > 0) secret.expires_at = new Date(expires).toISOString();
    const last = readTime(input.last_refresh);
    if (last > 0) secret.last_refresh = new Date(last).toISOString();
    this.fillFromClaims(secret);
    if (!secret.account_id) throw new Error('no ChatGPT account id: give account_id or an id_token carrying chatgpt_account_id');
    return secret;
  }

  private fillFromClaims(secret: CodexOAuthSecret): void {
    const claims = { ...codexClaims(secret.access_token), ...codexClaims(secret.id_token) };
    if (claims.accountId && !secret.account_id) secret.account_id = claims.accountId;
    if (claims.email && !secret.email) secret.email = claims.email;
    if (claims.userId && !secret.user_id) secret.user_id = claims.userId;
    // the newest token says the current plan (upgrades, downgrades)
    if (claims.plan) secret.plan_type = claims.plan;
  }

  private secretFrom(status: number, body: Record<string, unknown> | undefined, previous: CodexOAuthSecret, refresh: boolean): CodexOAuthSecret {
    const access = readString(body?.['access_token']);
    if (status < 200 || status >= 300 || !access) {
      const { code } = readOAuthError(body);
      // codex-rs: these codes, or any 401 of a refresh, mean the grant is dead
      const permanent = DEAD_GRANT_CODES.has(code) || (refresh && status === 401);
      throw new OAuthTokenError(status, code, permanent, describeTokenFailure(status, body));
    }
    const next: CodexOAuthSecret = {
      ...previous,
      access_token: access,
      refresh_token: readString(body?.['refresh_token']) ?? previous.refresh_token,
      last_refresh: new Date(this.now()).toISOString(),
    };
    if (!next.refresh_token) throw new OAuthTokenError(status, 'no_refresh_token', true, 'the token endpoint answered without a refresh token');
    const idToken = readString(body?.['id_token']);
    if (idToken) next.id_token = idToken;
    const exp = codexClaims(access).exp;
    const lifetime = readNumber(body?.['expires_in']);
    if (exp !== undefined) next.expires_at = new Date(exp * 1000).toISOString();
    else if (lifetime !== undefined) next.expires_at = new Date(this.now() + lifetime * 1000).toISOString();
    else delete next.expires_at;
    this.fillFromClaims(next);
    if (!next.account_id) throw new OAuthTokenError(status, 'no_account_id', false, 'the tokens name no ChatGPT account (chatgpt_account_id)');
    return next;
  }
}

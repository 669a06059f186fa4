/**
 * Claude Code accounts (Claude Pro / Max subscriptions) through Claude Code's public OAuth client
 * (docs/upstreams.md §4.4): the consent URL with PKCE, the code exchange and the refresh, and what is
 * kept sealed per account. The consent page of the manual redirect shows `<code>#<state>` to paste.
 */
import type { RuntimeSettings } from '../../../config/gateway-config.js';
import { nonEmptyString, readTime, type OAuthAccountIdentity, type OAuthAccountKind, type OAuthAccountSecret } from '../../../oauth/oauth-account-kind.js';
import { describeTokenFailure, OAuthTokenError, postTokenEndpoint, readOAuthError } from '../../../oauth/oauth-token-client.js';
import { asRecord, readNumber, readString } from '../../../protocols/json/safe-parse-json.js';
import type { Dispatchers } from '../../http/dispatchers.js';

/** Claude Code's public OAuth client. */
export const CLAUDE_CODE_OAUTH_CLIENT_ID = '9d1c250a-e61b-44d9-88ed-5944d1962f5e';
/** The scopes Claude Code asks for (a subset is not known to be accepted; see docs/upstreams.md §4.8). */
export const CLAUDE_OAUTH_SCOPES = ['org:create_api_key', 'user:profile', 'user:inference'] as const;
/** Claude Code's paste-the-code redirect: the page shows `<code>#<state>`. */
export const CLAUDE_OAUTH_REDIRECT_URI = 'https://console.anthropic.com/oauth/code/callback';
/** Required on API calls (and sent on refreshes, as the official SDK does) with an OAuth bearer token. */
export const CLAUDE_OAUTH_BETA = 'oauth-2025-04-20';
export const ANTHROPIC_VERSION = '2023-06-01';
/** what a token answer without expires_in is assumed to last */
const DEFAULT_LIFETIME_S = 3600;

export interface ClaudeOAuthSecret extends OAuthAccountSecret {
  email?: string;
  account_uuid?: string;
  organization_uuid?: string;
  organization_name?: string;
  scope?: string;
  /** `subscriptionType` of Claude Code's own credentials file (pro, max), when uploaded from it */
  subscription_type?: string;
}

/** Claude Code's OAuth: consent URL, code exchange, refresh (the token URL and authorize URL are settings). */
export class ClaudeOAuthClient implements OAuthAccountKind<ClaudeOAuthSecret> {
  readonly kind = 'claude-oauth';
  readonly label = 'Claude account';

  constructor(
    private readonly dispatchers: Dispatchers,
    private readonly settings: () => RuntimeSettings,
    private readonly now: () => number = Date.now,
  ) {}

  authorizeUrl(input: { state: string; codeChallenge: string; redirectUri: string }): string {
    const url = new URL(this.settings().claude_oauth_authorize_url);
    url.search = new URLSearchParams({
      code: 'true',
      client_id: CLAUDE_CODE_OAUTH_CLIENT_ID,
      response_type: 'code',
      redirect_uri: input.redirectUri,
      scope: CLAUDE_OAUTH_SCOPES.join(' '),
      code_challenge: input.codeChallenge,
      code_challenge_method: 'S256',
      state: input.state,
    }).toString();
    return url.toString();
  }

  /** authorization_code grant (JSON, with the state, as Claude Code sends it) → the account's secret. */
  async exchangeCode(grant: { code: string; state: string; codeVerifier: string; redirectUri: string }, proxyUrl: string | null): Promise<ClaudeOAuthSecret> {
    const answer = await postTokenEndpoint(
      this.settings().claude_oauth_token_url,
      {
        grant_type: 'authorization_code',
        code: grant.code,
        state: grant.state,
        client_id: CLAUDE_CODE_OAUTH_CLIENT_ID,
        redirect_uri: grant.redirectUri,
        code_verifier: grant.codeVerifier,
      },
      { encoding: 'json', dispatcher: this.dispatchers.get(proxyUrl ?? this.settings().proxy) },
    );
    return this.secretFrom(answer.status, answer.body, {} as ClaudeOAuthSecret, { refresh: false });
  }

  async refresh(secret: ClaudeOAuthSecret, proxyUrl: string | null): Promise<ClaudeOAuthSecret> {
    const answer = await postTokenEndpoint(
      this.settings().claude_oauth_token_url,
      { grant_type: 'refresh_token', refresh_token: secret.refresh_token, client_id: CLAUDE_CODE_OAUTH_CLIENT_ID },
      {
        encoding: 'json',
        dispatcher: this.dispatchers.get(proxyUrl ?? this.settings().proxy),
        headers: { 'anthropic-beta': CLAUDE_OAUTH_BETA },
      },
    );
    return this.secretFrom(answer.status, answer.body, secret, { refresh: true });
  }

  expiresAt(secret: ClaudeOAuthSecret): number {
    return readTime(secret.expires_at);
  }

  identify(secret: ClaudeOAuthSecret): OAuthAccountIdentity {
    const email = nonEmptyString(secret.email) ?? null;
    return {
      identity: nonEmptyString(secret.account_uuid) ?? email ?? `refresh:${secret.refresh_token.slice(-16)}`,
      email,
      accountId: null,
      plan: nonEmptyString(secret.subscription_type) ?? null,
    };
  }

  recognises(input: Record<string, unknown>): boolean {
    return input.type === this.kind || asRecord(input.claudeAiOauth) !== undefined;
  }

  /** `{type: "claude-oauth", refresh_token, access_token?, expires_at?, email?…}` or Claude Code's `~/.claude/.credentials.json`. */
  parseFile(input: Record<string, unknown>): ClaudeOAuthSecret {
    const cli = asRecord(input.claudeAiOauth);
    if (cli) {
      const refresh = nonEmptyString(cli.refreshToken);
      if (!refresh) throw new Error('claudeAiOauth.refreshToken is missing');
      const secret: ClaudeOAuthSecret = { refresh_token: refresh };
      const access = nonEmptyString(cli.accessToken);
      if (access) secret.access_token = access;
      const expires = readTime(cli.expiresAt);
      if (expires > 0) secret.expires_at = new Date(expires).toISOString();
      if (Array.isArray(cli.scopes)) secret.scope = cli.scopes.filter((s) => typeof s === 'string').join(' ');
      const plan = nonEmptyString(cli.subscriptionType);
      if (plan) secret.subscription_type = plan;
      return secret;
    }
    const refresh = nonEmptyString(input.refresh_token);
    if (!refresh) throw new Error('a claude-oauth credential needs refresh_token');
    const secret: ClaudeOAuthSecret = { refresh_token: refresh };
    const access = nonEmptyString(input.access_token);
    if (access) secret.access_token = access;
    const expires = readTime(input.expires_at);
    if (expires > 0) secret.expires_at = new Date(expires).toISOString();
    for (const field of ['email', 'account_uuid', 'organization_uuid', 'organization_name', 'scope', 'subscription_type'] as const) {
      const value = nonEmptyString(input[field]);
      if (value) secret[field] = value;
    }
    return secret;
  }

  private secretFrom(status: number, body: Record<string, unknown> | undefined, previous: ClaudeOAuthSecret, options: { refresh: boolean }): ClaudeOAuthSecret {
    const access = readString(body?.['access_token']);
    if (status < 200 || status >= 300 || !access) {
      const { code } = readOAuthError(body);
      // only a dead grant is permanent; a refused client id or a 5xx is not the account's fault
      const permanent = code === 'invalid_grant' || (options.refresh && status === 401 && code === '');
      throw new OAuthTokenError(status, code, permanent, describeTokenFailure(status, body));
    }
    const lifetime = readNumber(body?.['expires_in']) ?? DEFAULT_LIFETIME_S;
    const next: ClaudeOAuthSecret = {
      ...previous,
      access_token: access,
      // no new refresh token: the old one stays valid (the official SDK keeps it too)
      refresh_token: readString(body?.['refresh_token']) ?? previous.refresh_token,
      expires_at: new Date(this.now() + lifetime * 1000).toISOString(),
    };
    if (!next.refresh_token) throw new OAuthTokenError(status, 'no_refresh_token', true, 'the token endpoint answered without a refresh token');
    const account = asRecord(body?.['account']);
    const organization = asRecord(body?.['organization']);
    const email = readString(account?.['email_address']);
    if (email) next.email = email;
    const uuid = readString(account?.['uuid']);
    if (uuid) next.account_uuid = uuid;
    const orgUuid = readString(organization?.['uuid']);
    if (orgUuid) next.organization_uuid = orgUuid;
    const orgName = readString(organization?.['name']);
    if (orgName) next.organization_name = orgName;
    const scope = readString(body?.['scope']);
    if (scope) next.scope = scope;
    return next;
  }
}

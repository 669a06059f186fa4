import type { CredentialImportService, ImportResult } from '../credentials/credential-import.service.js';
import type { GoogleOAuthKind } from '../credentials/credential-file.js';
import { DonationError } from '../donation/donation.errors.js';
import { parseCallbackUrl } from '../donation/oauth-callback-url.js';
import { GEMINI_CLI_OAUTH_CLIENT, TokenEndpointError, type GoogleHttpRepository, type TokenResponse } from '../upstream/code-assist/google-http.repository.js';
import {
  ANTIGRAVITY_OAUTH_CLIENT,
  ANTIGRAVITY_REDIRECT_PATH,
} from '../upstream/providers/antigravity/antigravity-client.js';
import type { AccountFlow, AuthorizeInput, CompleteInput } from './account-flow.js';

/** Google's consent page as gemini-cli opens it (upstream-google.md §9.2). */
export const GOOGLE_AUTHORIZATION_URL = 'https://accounts.google.com/o/oauth2/auth';
/** The v2 consent endpoint (Antigravity's client, docs/upstreams.md §2.1). */
export const GOOGLE_AUTHORIZATION_URL_V2 = 'https://accounts.google.com/o/oauth2/v2/auth';

type StoredTokens = TokenResponse & { obtained_at?: number };

export interface GoogleAccountFlowOptions {
  type: GoogleOAuthKind;
  label: string;
  client: { clientId: string; clientSecret: string; scopes: readonly string[] };
  pkce: boolean;
  redirectUri: () => string;
  authorizationUrl: string;
  /** consent-URL parameters after the standard ones (`response_type`, `access_type`, `prompt` come first) */
  extraParams?: Readonly<Record<string, string>>;
  /** token endpoint and userinfo of this kind */
  google: GoogleHttpRepository;
  importer: CredentialImportService;
  /** the credential file handed to the importer */
  file(tokens: StoredTokens, extra: { email: string | null; projectId: string | null; expiresAt: Date }): Record<string, unknown>;
  filename(email: string | null, now: number): string;
  now?: () => number;
}

/**
 * A Google OAuth account kind (Gemini CLI, Antigravity): the vendor's public installed-app client,
 * a loopback redirect, the code exchanged at the kind's token endpoint (with the PKCE verifier when
 * the client uses one), then the credential importer checks the account, finds its project and
 * recognises an account already in the pool.
 */
export class GoogleAccountFlow implements AccountFlow {
  readonly type: string;
  readonly label: string;
  readonly pkce: boolean;

  constructor(private readonly options: GoogleAccountFlowOptions) {
    this.type = options.type;
    this.label = options.label;
    this.pkce = options.pkce;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  redirectUri(): string {
    return this.options.redirectUri();
  }

  authorizeUrl(input: AuthorizeInput): string {
    const url = new URL(this.options.authorizationUrl);
    const params = new URLSearchParams({
      client_id: this.options.client.clientId,
      redirect_uri: input.redirectUri,
      scope: this.options.client.scopes.join(' '),
      response_type: 'code',
      access_type: 'offline',
      prompt: 'consent',
      ...this.options.extraParams,
      state: input.state,
    });
    if (this.pkce && input.codeChallenge) {
      params.set('code_challenge', input.codeChallenge);
      params.set('code_challenge_method', 'S256');
    }
    url.search = params.toString();
    return url.toString();
  }

  parsePasted(text: string): { code: string; state: string | null } {
    const parsed = parseCallbackUrl(text);
    if (!parsed || parsed.kind !== 'code') {
      throw new DonationError('invalid_callback_url', 'Paste the whole address from the browser after signing in; it starts with http://localhost and contains code= and state=.');
    }
    return { code: parsed.code, state: parsed.state };
  }

  async complete(input: CompleteInput): Promise<ImportResult> {
    let tokens = ((await input.tokens?.load()) ?? null) as StoredTokens | null;
    if (!tokens) {
      if (!input.code) throw new DonationError('invalid_callback_url', 'The callback holds no authorization code.');
      try {
        tokens = await this.options.google.exchangeCode({
          code: input.code,
          redirectUri: input.redirectUri,
          clientId: this.options.client.clientId,
          clientSecret: this.options.client.clientSecret,
          ...(input.codeVerifier ? { codeVerifier: input.codeVerifier } : {}),
        });
      } catch (error) {
        if (error instanceof TokenEndpointError && error.permanent) {
          throw new DonationError(
            'code_rejected',
            `Google rejected the authorization code (${error.message}). A code works once and only for a few minutes: start again.`,
          );
        }
        throw new DonationError('import_failed', `Google's token endpoint could not be reached: ${(error as Error).message}. Try pasting the address again.`);
      }
      if (!tokens.refresh_token) {
        throw new DonationError(
          'no_refresh_token',
          `Google did not return a refresh token. Remove cligate/${this.label} access at myaccount.google.com/permissions and start again.`,
        );
      }
      // kept (sealed) with the flow until the account is stored, so a retry needs no new sign-in
      tokens = { ...tokens, obtained_at: this.now() };
      await input.tokens?.save(tokens);
    }
    const projectId = input.projectId ?? null;
    const email = await this.options.google.userEmail(tokens.access_token).catch(() => null);
    const expiresAt = new Date((tokens.obtained_at ?? this.now()) + (tokens.expires_in ?? 3600) * 1000);
    const file = this.options.file(tokens, { email, projectId, expiresAt });
    return this.options.importer.importObject(this.options.filename(email, this.now()), file, { source: 'oauth', projectId });
  }
}

const scopesOf = (tokens: StoredTokens, fallback: readonly string[]) => (tokens.scope ? tokens.scope.split(/\s+/).filter(Boolean) : [...fallback]);

/** What the Gemini CLI and Antigravity flows are built from. */
export interface GoogleAccountFlowDeps {
  /** the loopback port of the flow's redirect URI */
  callbackPort: number;
  google: GoogleHttpRepository;
  importer: CredentialImportService;
  now?: () => number;
}

/** Gemini CLI accounts: gemini-cli's client, `http://localhost:<OAUTH_CALLBACK_PORT>/`, no PKCE (as gemini-cli). */
export function createGeminiCliAccountFlow(deps: GoogleAccountFlowDeps): GoogleAccountFlow {
  return new GoogleAccountFlow({
    type: 'gemini-cli',
    label: 'Gemini CLI',
    client: GEMINI_CLI_OAUTH_CLIENT,
    pkce: false,
    redirectUri: () => `http://localhost:${deps.callbackPort}/`,
    authorizationUrl: GOOGLE_AUTHORIZATION_URL,
    extraParams: { include_granted_scopes: 'true' },
    google: deps.google,
    importer: deps.importer,
    file: (tokens, { email, projectId, expiresAt }) => ({
      type: 'authorized_user',
      client_id: GEMINI_CLI_OAUTH_CLIENT.clientId,
      client_secret: GEMINI_CLI_OAUTH_CLIENT.clientSecret,
      refresh_token: tokens.refresh_token,
      token: tokens.access_token,
      expiry: expiresAt.toISOString(),
      scopes: scopesOf(tokens, GEMINI_CLI_OAUTH_CLIENT.scopes),
      token_uri: 'https://oauth2.googleapis.com/token',
      ...(email ? { user_email: email } : {}),
      ...(projectId ? { project_id: projectId } : {}),
    }),
    filename: (email, now) => (email ? `${email}.json` : `donated-${now}.json`),
    ...(deps.now ? { now: deps.now } : {}),
  });
}

/**
 * Antigravity accounts (docs/upstreams.md §2.1): Antigravity's client with PKCE (S256), its
 * registered loopback redirect `http://localhost:<port>/oauth-callback`, the v2 consent page; the
 * credential keeps the client id its refresh token belongs to.
 */
export function createAntigravityAccountFlow(deps: GoogleAccountFlowDeps): GoogleAccountFlow {
  return new GoogleAccountFlow({
    type: 'antigravity',
    label: 'Antigravity',
    client: ANTIGRAVITY_OAUTH_CLIENT,
    pkce: true,
    redirectUri: () => `http://localhost:${deps.callbackPort}${ANTIGRAVITY_REDIRECT_PATH}`,
    authorizationUrl: GOOGLE_AUTHORIZATION_URL_V2,
    google: deps.google,
    importer: deps.importer,
    file: (tokens, { email, projectId, expiresAt }) => ({
      type: 'antigravity',
      client_id: ANTIGRAVITY_OAUTH_CLIENT.clientId,
      client_secret: ANTIGRAVITY_OAUTH_CLIENT.clientSecret,
      refresh_token: tokens.refresh_token,
      access_token: tokens.access_token,
      expiry: expiresAt.toISOString(),
      scopes: scopesOf(tokens, ANTIGRAVITY_OAUTH_CLIENT.scopes),
      ...(email ? { email } : {}),
      ...(projectId ? { project_id: projectId } : {}),
    }),
    filename: (email, now) => (email ? `antigravity-${email}.json` : `antigravity-${now}.json`),
    ...(deps.now ? { now: deps.now } : {}),
  });
}

import type { ImportResult } from '../credentials/credential-import.service.js';
import type { CredentialPoolService } from '../credentials/credential-pool.service.js';
import type { AccountFlow, AuthorizeInput, CompleteInput } from './account-flow.js';
import type { OAuthAccountKind, OAuthAccountSecret } from './oauth-account-kind.js';
import type { OAuthAccountStore } from './oauth-account.store.js';
import { OAuthTokenError } from './oauth-token-client.js';
import { parsePastedCode } from './parse-pasted-code.js';

/** The vendor client of a PKCE sign-in: its consent URL and its code exchange. */
export interface PkceOAuthClient<S extends OAuthAccountSecret> extends OAuthAccountKind<S> {
  authorizeUrl(input: { state: string; codeChallenge: string; redirectUri: string }): string;
  /** authorization_code grant → the account's secret; throws OAuthTokenError when the code is refused */
  exchangeCode(grant: { code: string; state: string; codeVerifier: string; redirectUri: string }, proxyUrl: string | null): Promise<S>;
}

/**
 * Adding an OAuth account (Claude Code, Codex) through its vendor's public client with PKCE and a
 * redirect nothing listens on: the user pastes back what the last page shows (parsePastedCode), the
 * code is exchanged and the account stored, or its tokens replaced (OAuthAccountStore). Subclasses
 * name the kind, its redirect URI and how messages call the sign-in and the vendor.
 */
export abstract class PkceAccountFlow<S extends OAuthAccountSecret> implements AccountFlow {
  abstract readonly type: string;
  abstract readonly label: string;
  readonly pkce = true;
  /** how errors name the sign-in: `<signIn> sign-ins need a PKCE challenge` */
  protected abstract readonly signIn: string;
  /** who refuses a code: `<vendor> did not accept the code` */
  protected abstract readonly vendor: string;

  constructor(
    private readonly client: PkceOAuthClient<S>,
    private readonly store: OAuthAccountStore,
    private readonly pool: CredentialPoolService,
  ) {}

  abstract redirectUri(): string;

  authorizeUrl(input: AuthorizeInput): string {
    if (!input.codeChallenge) throw new Error(`${this.signIn} sign-ins need a PKCE challenge`);
    return this.client.authorizeUrl({ state: input.state, codeChallenge: input.codeChallenge, redirectUri: input.redirectUri });
  }

  parsePasted(text: string): { code: string; state: string | null } {
    return parsePastedCode(text);
  }

  async complete(input: CompleteInput): Promise<ImportResult> {
    if (!input.codeVerifier) throw new Error(`${this.signIn} sign-ins need the PKCE verifier of the flow`);
    // a retry of the same flow (the store failed after the exchange) reuses the tokens: codes are single-use
    let secret = (await input.tokens?.load()) as S | null | undefined;
    try {
      if (!secret?.refresh_token) {
        secret = await this.client.exchangeCode({ code: input.code, state: input.state, codeVerifier: input.codeVerifier, redirectUri: input.redirectUri }, null);
        await input.tokens?.save(secret);
      }
    } catch (error) {
      if (!(error instanceof OAuthTokenError)) throw error;
      return {
        filename: '',
        status: 'error',
        message: `${this.vendor} did not accept the code: ${error.message}. Codes are single-use and short-lived: start the sign-in again.`,
        reason: { code: 'TOKEN_REJECTED', requires_project_id: false },
      };
    }
    return this.store.store(this.client, this.pool, secret, { source: input.source, refreshIfStale: false });
  }
}

import { PkceAccountFlow } from '../../../oauth/pkce-account-flow.js';
import { CODEX_OAUTH_REDIRECT_URI, type CodexOAuthSecret } from './codex-oauth.client.js';

/**
 * Adding a ChatGPT account for Codex: the Codex CLI client's consent URL with PKCE and its registered
 * loopback redirect (`http://localhost:1455/auth/callback`). Nothing listens there, so the browser shows
 * an error page whose address the user pastes back; the code is exchanged and the account stored.
 */
export class CodexAccountFlow extends PkceAccountFlow<CodexOAuthSecret> {
  readonly type = 'codex-oauth';
  readonly label = 'Codex (ChatGPT account)';
  protected readonly signIn = 'Codex';
  protected readonly vendor = 'OpenAI';

  redirectUri(): string {
    return CODEX_OAUTH_REDIRECT_URI;
  }
}

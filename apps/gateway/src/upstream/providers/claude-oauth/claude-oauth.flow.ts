import { PkceAccountFlow } from '../../../oauth/pkce-account-flow.js';
import { CLAUDE_OAUTH_REDIRECT_URI, type ClaudeOAuthSecret } from './claude-oauth.client.js';

/**
 * Adding a Claude Code account (Pro / Max): Claude Code's consent URL with PKCE and the manual
 * redirect, whose page shows `<code>#<state>` to paste back; the code is exchanged (JSON, with the
 * state and the verifier) and the account stored (or its tokens replaced).
 */
export class ClaudeAccountFlow extends PkceAccountFlow<ClaudeOAuthSecret> {
  readonly type = 'claude-oauth';
  readonly label = 'Claude (Pro / Max account)';
  protected readonly signIn = 'Claude';
  protected readonly vendor = 'Anthropic';

  redirectUri(): string {
    return CLAUDE_OAUTH_REDIRECT_URI;
  }
}

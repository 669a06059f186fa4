import type { ImportResult } from '../credentials/credential-import.service.js';

/** What a consent URL needs from the flow that started it. */
export interface AuthorizeInput {
  /** unguessable, single-use; comes back with the code */
  state: string;
  /** S256 challenge of the flow's verifier (null when the vendor's client does not use PKCE) */
  codeChallenge: string | null;
  redirectUri: string;
}

export interface CompleteInput {
  code: string;
  /** the PKCE verifier of the flow (null without PKCE) */
  codeVerifier: string | null;
  /** the exact redirect URI the consent URL named */
  redirectUri: string;
  state: string;
  /** a project the donor named (Google kinds) */
  projectId?: string | null;
  source: 'oauth';
  /**
   * Where the flow keeps what the code exchange returned (sealed, for the flow's lifetime), so a
   * retry of the same flow (e.g. with a project id) needs no second sign-in: `load` answers what
   * an earlier attempt saved, or null. Optional: flows that finish in one step can ignore it.
   */
  tokens?: { load(): Promise<unknown>; save(tokens: unknown): Promise<void> };
}

/**
 * One kind of account that can be added by an OAuth login (donation on /auth, or an admin adding
 * an account): Gemini CLI, Antigravity, Claude Code, Codex. Each vendor's client id, scopes,
 * redirect URI, consent URL and code exchange live behind this; the donation flow (state, expiry,
 * PKCE verifier storage, pasted-callback handling, any-process completion) is shared.
 */
export interface AccountFlow {
  /** the credential kind the flow adds (`gemini-cli`, `antigravity`, `claude-oauth`, `codex-oauth`) */
  readonly type: string;
  /** how the panel names it */
  readonly label: string;
  /** true when the vendor's client requires PKCE (S256) */
  readonly pkce: boolean;
  /** the redirect URI registered for the vendor's public client */
  redirectUri(): string;
  authorizeUrl(input: AuthorizeInput): string;
  /**
   * What the user pasted → the code and (when present) the state: a full callback URL
   * (`…?code=…&state=…`), or Claude's `code#state` from its manual-redirect page.
   */
  parsePasted(text: string): { code: string; state: string | null };
  /** exchanges the code for tokens and stores (or refreshes) the account */
  complete(input: CompleteInput): Promise<ImportResult>;
}

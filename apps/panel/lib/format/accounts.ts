/**
 * Adding accounts from the credentials page: which kinds an admin signs in directly (Claude Code,
 * Codex / ChatGPT: POST /oauth/{name}/start and /complete), which are added on the /auth page (Google
 * accounts: Gemini CLI, Antigravity), and what the user has to paste back.
 */

/** Kinds the admin signs in from the panel when the gateway does not list them (GET /oauth/accounts). */
export const DEFAULT_SIGN_IN_KINDS = ['claude-oauth', 'codex-oauth'] as const;

/** Google account kinds: signed in on the /auth page (its loopback callback can finish by itself). */
export const DONATION_PAGE_KINDS = ['gemini-cli', 'antigravity'] as const;

export function isDonationPageKind(kind: string): boolean {
  return (DONATION_PAGE_KINDS as readonly string[]).includes(kind);
}

/** The route name of a sign-in kind: claude-oauth → claude (POST /oauth/claude/start). */
export function signInName(kind: string): string {
  return kind.replace(/-oauth$/, '');
}

/** The sign-in kinds the gateway offers (its `path`s), else the default ones; each once, in its order. */
export function signInKinds(listed: ReadonlyArray<{ type: string }> | null | undefined): string[] {
  const kinds = listed && listed.length > 0 ? listed.map((t) => t.type) : [...DEFAULT_SIGN_IN_KINDS];
  return [...new Set(kinds)].filter((k) => !isDonationPageKind(k));
}

/** The /auth page with an account type chosen. */
export function donationPageLink(kind: string): string {
  return `/auth/?type=${encodeURIComponent(kind)}`;
}

/**
 * What the last page of a sign-in shows: a vendor page with a code to copy (Claude's
 * console.anthropic.com/oauth/code/callback shows `code#state`), or a loopback address nothing answers
 * on (Codex: http://localhost:1455/auth/callback?code=…&state=…), whose whole address is pasted.
 */
export function pasteKind(redirectUri: string): 'code' | 'address' {
  try {
    const host = new URL(redirectUri).hostname;
    return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' ? 'address' : 'code';
  } catch {
    return 'address';
  }
}

/** The account type a link asked for (`/auth/?type=antigravity`), when the gateway offers it. */
export function requestedType(search: string, offered: ReadonlyArray<{ type: string }>): string | null {
  const wanted = new URLSearchParams(search).get('type')?.trim();
  if (!wanted) return null;
  return offered.some((t) => t.type === wanted) ? wanted : null;
}

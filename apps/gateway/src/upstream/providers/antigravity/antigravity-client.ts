import type { GoogleClientIdentity } from '../../code-assist/google-http.repository.js';

/**
 * Antigravity's public installed-app OAuth clients (docs/upstreams.md §2.1). New logins use the
 * first (the one most tools use) with PKCE; a credential keeps the client its refresh token was
 * issued to, since a refresh token only refreshes with its own client.
 */
export const ANTIGRAVITY_OAUTH_CLIENT = Object.freeze({
  clientId: '1071006060591-tmhssin2h21lcre235vtolojh4g403ep.apps.googleusercontent.com',
  clientSecret: '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',
  scopes: Object.freeze([
    'https://www.googleapis.com/auth/cloud-platform',
    'https://www.googleapis.com/auth/userinfo.email',
    'https://www.googleapis.com/auth/userinfo.profile',
    'https://www.googleapis.com/auth/cclog',
    'https://www.googleapis.com/auth/experimentsandconfigs',
  ]),
});

/** Every Antigravity client id → its (public) secret. */
export const ANTIGRAVITY_CLIENT_SECRETS: Readonly<Record<string, string>> = Object.freeze({
  [ANTIGRAVITY_OAUTH_CLIENT.clientId]: ANTIGRAVITY_OAUTH_CLIENT.clientSecret,
  '884354919052-36trc1jjb3tguiac32ov6cod268c5blh.apps.googleusercontent.com': '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',
});

export function isAntigravityClient(clientId: unknown): boolean {
  return typeof clientId === 'string' && Object.hasOwn(ANTIGRAVITY_CLIENT_SECRETS, clientId);
}

/** The loopback path Antigravity's client redirects to (`http://localhost:<port>/oauth-callback`). */
export const ANTIGRAVITY_REDIRECT_PATH = '/oauth-callback';
export const ANTIGRAVITY_DEFAULT_CALLBACK_PORT = 51121;

/**
 * What cligate sends on Antigravity calls: an honest User-Agent, no `antigravity/<version>` one and
 * no x-goog-api-client (issue 6: "only the headers their own clients send; nothing that disguises
 * traffic"). The envelope field `userAgent: "antigravity"` is part of the protocol and is kept.
 */
export const ANTIGRAVITY_IDENTITY: GoogleClientIdentity = Object.freeze({
  userAgent: () => 'cligate',
  apiClient: null,
  tokenUserAgent: 'cligate',
});

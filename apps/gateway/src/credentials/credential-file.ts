import { GEMINI_CLI_OAUTH_CLIENT } from '../upstream/code-assist/google-http.repository.js';
import { ANTIGRAVITY_CLIENT_SECRETS, ANTIGRAVITY_OAUTH_CLIENT, isAntigravityClient } from '../upstream/providers/antigravity/antigravity-client.js';
import type { GeminiCliSecret } from './credential-secret.js';

/** Google OAuth credential kinds (same secret shape, different OAuth client and upstream). */
export type GoogleOAuthKind = 'gemini-cli' | 'antigravity';

export interface ParsedCredentialFile {
  /** which pool the credential joins */
  kind: GoogleOAuthKind;
  secret: GeminiCliSecret;
  projectId: string | null;
  email: string | null;
  /** 'gcli2api' (format A), 'gemini-cli' (format B, oauth_creds.json) or 'antigravity' (typed file) */
  format: 'gcli2api' | 'gemini-cli' | 'antigravity';
}

export class CredentialFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialFileError';
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * Reads one credential file in either accepted format (upstream-google.md §11): gcli2api's
 * "authorized_user" JSON (A) or a stock gemini-cli ~/.gemini/oauth_creds.json (B, completed with
 * gemini-cli's public client). A file without a refresh token is refused.
 */
export function parseCredentialFile(input: unknown): ParsedCredentialFile {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new CredentialFileError('not a JSON object');
  }
  const o = input as Record<string, unknown>;
  const refreshToken = str(o.refresh_token);
  if (!refreshToken) throw new CredentialFileError('missing refresh_token');
  if (o.type === 'antigravity' || isAntigravityClient(o.client_id)) return parseAntigravityFile(o, refreshToken);

  const isFormatB = typeof o.expiry_date === 'number' && o.client_id === undefined;
  const scopes = Array.isArray(o.scopes)
    ? o.scopes.filter((s): s is string => typeof s === 'string')
    : typeof o.scope === 'string'
      ? o.scope.split(/\s+/).filter(Boolean)
      : undefined;
  const accessToken = str(o.token) ?? str(o.access_token);

  let expiry: string | undefined;
  if (typeof o.expiry_date === 'number' && Number.isFinite(o.expiry_date)) {
    expiry = new Date(o.expiry_date).toISOString();
  } else if (str(o.expiry)) {
    const t = Date.parse(str(o.expiry)!);
    if (!Number.isNaN(t)) expiry = new Date(t).toISOString();
  }

  const clientId = str(o.client_id) ?? (isFormatB || o.client_id === undefined ? GEMINI_CLI_OAUTH_CLIENT.clientId : undefined);
  const clientSecret =
    str(o.client_secret) ?? (clientId === GEMINI_CLI_OAUTH_CLIENT.clientId ? GEMINI_CLI_OAUTH_CLIENT.clientSecret : undefined);
  if (!clientId) throw new CredentialFileError('missing client_id');
  if (!clientSecret) throw new CredentialFileError('missing client_secret (needed to refresh the token)');

  const secret: GeminiCliSecret = { client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken };
  if (accessToken) secret.access_token = accessToken;
  if (expiry) secret.expiry = expiry;
  if (scopes && scopes.length > 0) secret.scopes = scopes;
  secret.token_uri = str(o.token_uri) ?? 'https://oauth2.googleapis.com/token';

  return {
    kind: 'gemini-cli',
    secret,
    projectId: str(o.project_id) ?? null,
    email: str(o.user_email) ?? str(o.email) ?? null,
    format: isFormatB ? 'gemini-cli' : 'gcli2api',
  };
}

/**
 * An Antigravity account (docs/upstreams.md §2.1): `{"type": "antigravity", refresh_token, …}` as
 * cligate downloads it, or any Google OAuth file issued to an Antigravity client. Accepted field
 * names: `client_id` / `client_secret` (default: Antigravity's client; the secret of either known
 * client is filled in), `access_token` or `token`, the expiry as `expiry` / `expired` (ISO),
 * `expiry_date` (ms) or `timestamp` (ms) + `expires_in` (s), `email` or `user_email`, `project_id`.
 */
function parseAntigravityFile(o: Record<string, unknown>, refreshToken: string): ParsedCredentialFile {
  const clientId = str(o.client_id) ?? ANTIGRAVITY_OAUTH_CLIENT.clientId;
  const clientSecret = str(o.client_secret) ?? ANTIGRAVITY_CLIENT_SECRETS[clientId];
  if (!clientSecret) throw new CredentialFileError('missing client_secret (needed to refresh the token with this client)');
  let expiry: string | undefined;
  const iso = str(o.expiry) ?? str(o.expired);
  if (iso && !Number.isNaN(Date.parse(iso))) expiry = new Date(Date.parse(iso)).toISOString();
  else if (typeof o.expiry_date === 'number' && Number.isFinite(o.expiry_date)) expiry = new Date(o.expiry_date).toISOString();
  else if (typeof o.timestamp === 'number' && typeof o.expires_in === 'number') expiry = new Date(o.timestamp + o.expires_in * 1000).toISOString();
  const scopes = Array.isArray(o.scopes)
    ? o.scopes.filter((s): s is string => typeof s === 'string')
    : typeof o.scope === 'string'
      ? o.scope.split(/\s+/).filter(Boolean)
      : undefined;
  const secret: GeminiCliSecret = { client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken };
  const accessToken = str(o.access_token) ?? str(o.token);
  if (accessToken) secret.access_token = accessToken;
  if (expiry) secret.expiry = expiry;
  if (scopes && scopes.length > 0) secret.scopes = scopes;
  secret.token_uri = str(o.token_uri) ?? 'https://oauth2.googleapis.com/token';
  return {
    kind: 'antigravity',
    secret,
    projectId: str(o.project_id) ?? null,
    email: str(o.email) ?? str(o.user_email) ?? null,
    format: 'antigravity',
  };
}

/** GCLI_CREDS_* values: raw JSON or base64-encoded JSON. */
export function decodeEnvCredential(value: string): unknown {
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) return JSON.parse(trimmed);
  const decoded = Buffer.from(trimmed, 'base64').toString('utf8').trim();
  if (!decoded.startsWith('{')) throw new CredentialFileError('neither JSON nor base64-encoded JSON');
  return JSON.parse(decoded);
}

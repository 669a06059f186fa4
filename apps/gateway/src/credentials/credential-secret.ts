/** What we keep encrypted for a Gemini CLI (Google OAuth) credential. */
export interface GeminiCliSecret {
  client_id: string;
  client_secret: string;
  refresh_token: string;
  access_token?: string;
  /** ISO time the access token expires */
  expiry?: string;
  scopes?: string[];
  token_uri?: string;
}

/** The gcli2api file format (format A) of a stored credential, for downloads. */
export function toGcli2apiFile(secret: GeminiCliSecret, extra: { projectId: string | null; email: string | null }): Record<string, unknown> {
  const file: Record<string, unknown> = {
    type: 'authorized_user',
    client_id: secret.client_id,
    client_secret: secret.client_secret,
    refresh_token: secret.refresh_token,
    token: secret.access_token ?? null,
    scopes: secret.scopes ?? [],
    token_uri: secret.token_uri ?? 'https://oauth2.googleapis.com/token',
    expiry: secret.expiry ?? null,
  };
  if (extra.projectId) file.project_id = extra.projectId;
  if (extra.email) file.user_email = extra.email;
  return file;
}

/** An Antigravity credential as downloaded (and accepted back by uploads): typed, with its OAuth client. */
export function toAntigravityFile(secret: GeminiCliSecret, extra: { projectId: string | null; email: string | null }): Record<string, unknown> {
  const file: Record<string, unknown> = {
    type: 'antigravity',
    client_id: secret.client_id,
    client_secret: secret.client_secret,
    refresh_token: secret.refresh_token,
    access_token: secret.access_token ?? null,
    expiry: secret.expiry ?? null,
    scopes: secret.scopes ?? [],
  };
  if (extra.projectId) file.project_id = extra.projectId;
  if (extra.email) file.email = extra.email;
  return file;
}

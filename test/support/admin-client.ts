import { registerSecrets } from './secrets.js';

/** Typed helpers for the gateway's admin API, as a test (or an admin with curl) uses it. */
export class AdminClient {
  constructor(
    readonly baseUrl: string,
    private readonly panelPassword: string,
  ) {}

  private headers(extra: Record<string, string> = {}) {
    return { authorization: `Bearer ${this.panelPassword}`, ...extra };
  }

  async json<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const parsed = (text ? JSON.parse(text) : undefined) as T;
    // keys shown once at creation are secrets: the suite-wide log check looks for them
    const issued = (parsed as { api_key?: unknown } | undefined)?.api_key;
    if (typeof issued === 'string' && issued.startsWith('sk-') && issued.length > 40) registerSecrets([issued]);
    return { status: res.status, body: parsed };
  }

  /** POST /auth/upload with multipart field "files". */
  async upload(files: Array<{ name: string; content: string | Uint8Array }>): Promise<{ status: number; body: any }> {
    const form = new FormData();
    for (const f of files) form.append('files', new Blob([f.content as BlobPart]), f.name);
    const res = await fetch(`${this.baseUrl}/auth/upload`, { method: 'POST', headers: this.headers(), body: form });
    return { status: res.status, body: await res.json() };
  }

  async status(): Promise<any> {
    const r = await this.json('GET', '/creds/status');
    if (r.status !== 200) throw new Error(`creds/status ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** The key's usage rows from `GET /usage/export.csv`, one object per row keyed by column name. */
  async usageRows(keyId: string): Promise<Array<Record<string, string>>> {
    const res = await fetch(`${this.baseUrl}/usage/export.csv?key_id=${keyId}`, { headers: this.headers() });
    if (res.status !== 200) throw new Error(`usage/export.csv ${res.status}`);
    const [head, ...lines] = (await res.text()).trim().split('\n');
    const columns = head!.split(',');
    return lines.map((line) => Object.fromEntries(line.split(',').map((cell, j) => [columns[j]!, cell])));
  }

  async credentialByEmail(email: string): Promise<any> {
    const s = await this.status();
    const found = s.items.find((i: any) => i.user_email === email);
    if (!found) throw new Error(`no credential for ${email} in ${JSON.stringify(s.items.map((i: any) => i.user_email))}`);
    return found;
  }
}

/** A gcli2api-format credential file for a fake account. */
export function gcli2apiFile(account: { email: string; refreshToken: string; accessToken?: string; project: string | null }, opts: { expired?: boolean } = {}) {
  return JSON.stringify({
    client_id: '681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com',
    client_secret: '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',
    token: account.accessToken ?? 'ya29.not-valid',
    refresh_token: account.refreshToken,
    scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    token_uri: 'https://oauth2.googleapis.com/token',
    ...(account.project ? { project_id: account.project } : {}),
    expiry: new Date(Date.now() + (opts.expired ? -60_000 : 3_000_000)).toISOString(),
  });
}

/** A stock gemini-cli ~/.gemini/oauth_creds.json for a fake account (no client, no project). */
export function geminiCliFile(account: { refreshToken: string; accessToken?: string }, opts: { expired?: boolean } = {}) {
  return JSON.stringify({
    access_token: account.accessToken ?? 'ya29.not-valid',
    refresh_token: account.refreshToken,
    scope: 'https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email',
    token_type: 'Bearer',
    id_token: 'header.payload.signature',
    expiry_date: Date.now() + (opts.expired ? -60_000 : 3_000_000),
  });
}

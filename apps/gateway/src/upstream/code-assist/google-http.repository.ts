import { request, type Dispatcher } from 'undici';
import type { Dispatchers } from '../http/dispatchers.js';
import { jsonOrUndefined, readBodyJson, readBodyText } from '../http/read-body.js';
import { sendRequest } from '../http/send-request.js';

/** gemini-cli's public installed-application OAuth client (upstream-google.md §8). */
export const GEMINI_CLI_OAUTH_CLIENT = Object.freeze({
  clientId: '681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com',
  clientSecret: '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',
  scopes: [
    'https://www.googleapis.com/auth/cloud-platform',
    'https://www.googleapis.com/auth/userinfo.email',
    'https://www.googleapis.com/auth/userinfo.profile',
  ],
});

const GEMINI_CLI_VERSION = '0.61.0';
const API_CLIENT = `gl-node/${process.versions.node}`;

export interface GoogleEndpoints {
  codeAssist: string;
  oauth: string;
  googleapis: string;
}

export interface TokenResponse {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  token_type?: string;
  id_token?: string;
}

/** A failed token-endpoint call; `permanent` means the grant is dead (disable the credential). */
export class TokenEndpointError extends Error {
  constructor(
    readonly status: number,
    readonly permanent: boolean,
    message: string,
  ) {
    super(message);
    this.name = 'TokenEndpointError';
  }
}

const PERMANENT_MARKERS = ['invalid_grant', 'refresh_token_expired', 'invalid_refresh_token', 'unauthorized_client', 'access_denied', 'invalid_client'];

/**
 * What the gateway says about itself on these calls. Gemini CLI's channel keeps gemini-cli's
 * headers (upstream-google.md §4); other Google kinds (Antigravity) send only an honest
 * `cligate` User-Agent: nothing that disguises the traffic as another vendor's client.
 */
export interface GoogleClientIdentity {
  /** User-Agent of v1internal calls (the model when known) */
  userAgent(model?: string): string;
  /** x-goog-api-client of v1internal and token calls (null: not sent) */
  apiClient: string | null;
  /** User-Agent of token-endpoint calls */
  tokenUserAgent: string;
}

export const GEMINI_CLI_IDENTITY: GoogleClientIdentity = Object.freeze({
  userAgent: (model?: string) => userAgent(model),
  apiClient: API_CLIENT,
  tokenUserAgent: 'google-api-nodejs-client/10.9.0',
});

export interface CodeAssistCall {
  method: string;
  body: unknown;
  accessToken: string;
  /** the model for the User-Agent (gemini-cli puts it there) */
  model?: string;
  stream?: boolean;
  proxy?: string | null;
  signal?: AbortSignal;
}

/**
 * The only code that sends HTTP to Google: Code Assist `v1internal`, the OAuth token endpoint and
 * userinfo. Base URLs come from settings on every call, so tests (and admins) can point them at a fake.
 */
export class GoogleHttpRepository {
  constructor(
    private readonly dispatchers: Dispatchers,
    private readonly endpoints: () => GoogleEndpoints,
    private readonly defaultProxy: () => string | null,
    private readonly identity: GoogleClientIdentity = GEMINI_CLI_IDENTITY,
  ) {}

  private readonly headersByModel = new Map<string, Readonly<Record<string, string>>>();

  /** identity headers, built once per model */
  private apiHeaders(model?: string): Readonly<Record<string, string>> {
    const key = model ?? '';
    let headers = this.headersByModel.get(key);
    if (headers === undefined) {
      const built: Record<string, string> = { 'user-agent': this.identity.userAgent(model) };
      if (this.identity.apiClient) built['x-goog-api-client'] = this.identity.apiClient;
      headers = Object.freeze(built);
      if (this.headersByModel.size > 500) this.headersByModel.clear();
      this.headersByModel.set(key, headers);
    }
    return headers;
  }

  private dispatcher(proxy: string | null | undefined): Dispatcher {
    return this.dispatchers.get(proxy ?? this.defaultProxy());
  }

  /** POST {CODE_ASSIST_ENDPOINT}/v1internal:{method}; the caller owns the response body. */
  async codeAssist(call: CodeAssistCall): Promise<Dispatcher.ResponseData> {
    const base = this.endpoints().codeAssist;
    const path = call.stream ? `/v1internal:${call.method}?alt=sse` : `/v1internal:${call.method}`;
    return sendRequest(this.dispatcher(call.proxy), base, path, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${call.accessToken}`,
        'content-type': 'application/json',
        accept: call.stream ? 'text/event-stream' : 'application/json',
        ...this.apiHeaders(call.model),
      },
      body: JSON.stringify(call.body),
      signal: call.signal,
    });
  }

  /** POST a Code Assist method and parse the JSON answer; non-2xx → {status, body}. */
  async codeAssistJson(call: Omit<CodeAssistCall, 'stream'>): Promise<{ status: number; body: unknown; text: string }> {
    const response = await this.codeAssist(call);
    const text = await readBodyText(response.body);
    return { status: response.statusCode, body: jsonOrUndefined(text), text };
  }

  /** GET {CODE_ASSIST_ENDPOINT}/v1internal/{operationName} (long-running operation poll). */
  async getOperation(name: string, accessToken: string, proxy?: string | null): Promise<{ status: number; body: unknown }> {
    const base = this.endpoints().codeAssist;
    const response = await request(`${base}/v1internal/${name.split('/').map(encodeURIComponent).join('/')}`, {
      method: 'GET',
      dispatcher: this.dispatcher(proxy),
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: 'application/json',
        ...this.apiHeaders(),
      },
    });
    return { status: response.statusCode, body: await readBodyJson(response.body) };
  }

  async refreshAccessToken(
    grant: { clientId: string; clientSecret: string; refreshToken: string },
    proxy?: string | null,
  ): Promise<TokenResponse> {
    return this.tokenRequest(
      {
        grant_type: 'refresh_token',
        refresh_token: grant.refreshToken,
        client_id: grant.clientId,
        client_secret: grant.clientSecret,
      },
      proxy,
    );
  }

  async exchangeCode(
    grant: { code: string; redirectUri: string; clientId: string; clientSecret: string; codeVerifier?: string },
    proxy?: string | null,
  ): Promise<TokenResponse> {
    const form: Record<string, string> = {
      grant_type: 'authorization_code',
      code: grant.code,
      redirect_uri: grant.redirectUri,
      client_id: grant.clientId,
      client_secret: grant.clientSecret,
    };
    if (grant.codeVerifier) form.code_verifier = grant.codeVerifier;
    return this.tokenRequest(form, proxy);
  }

  private async tokenRequest(form: Record<string, string>, proxy?: string | null): Promise<TokenResponse> {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(`${this.endpoints().oauth}/token`, {
        method: 'POST',
        dispatcher: this.dispatcher(proxy),
        headers: {
          'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
          accept: 'application/json',
          'user-agent': this.identity.tokenUserAgent,
          ...(this.identity.apiClient ? { 'x-goog-api-client': this.identity.apiClient } : {}),
        },
        body: new URLSearchParams(form).toString(),
      });
    } catch (error) {
      throw new TokenEndpointError(0, false, `token endpoint unreachable: ${(error as Error).message}`);
    }
    const text = await readBodyText(response.body).catch(() => '');
    const body = jsonOrUndefined(text) as Partial<TokenResponse> & { error?: string; error_description?: string } | undefined;
    if (response.statusCode >= 200 && response.statusCode < 300 && body && typeof body.access_token === 'string') {
      return body as TokenResponse;
    }
    const status = response.statusCode;
    const code = typeof body?.error === 'string' ? body.error : '';
    const description = typeof body?.error_description === 'string' ? body.error_description : '';
    const permanent =
      [400, 401, 403].includes(status) || PERMANENT_MARKERS.some((m) => code.includes(m) || description.includes(m));
    const message = code ? `${code}${description ? `: ${description}` : ''}` : `HTTP ${status}`;
    throw new TokenEndpointError(status, permanent, `token endpoint refused the grant (${message})`);
  }

  /** GET {GOOGLEAPIS_PROXY_URL}/oauth2/v2/userinfo → the account's email. */
  async userEmail(accessToken: string, proxy?: string | null): Promise<string | null> {
    const response = await request(`${this.endpoints().googleapis}/oauth2/v2/userinfo`, {
      method: 'GET',
      dispatcher: this.dispatcher(proxy),
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    });
    const body = (await readBodyJson(response.body)) as { email?: unknown } | undefined;
    if (response.statusCode !== 200) return null;
    return typeof body?.email === 'string' ? body.email : null;
  }
}

function userAgent(model?: string): string {
  return `GeminiCLI/${GEMINI_CLI_VERSION}/${model ?? 'gemini-2.5-pro'} (${process.platform}; ${process.arch}; cligate)`;
}

/**
 * A fake Antigravity upstream for tests: Google's OAuth token endpoint and userinfo with the
 * Antigravity OAuth clients, and the Code Assist-style `v1internal` API as Antigravity uses it
 * (docs/upstreams.md §2), served by one node:http server on loopback (port 0 by default):
 *
 * - `POST /token` (form or JSON): authorization_code (redirect_uri and PKCE S256 checked) and refresh_token;
 * - `GET /oauth2/v2/userinfo` (and v1);
 * - `POST /v1internal:loadCodeAssist`, `:onboardUser` (an LRO, re-POSTed or polled at
 *   `GET /v1internal/operations/<id>`), `:fetchAvailableModels` (models with per-account quotaInfo),
 *   `:generateContent`, `:streamGenerateContent?alt=sse` (`data: <json>\n\n`, no `[DONE]`), `:countTokens`.
 *
 * Generation takes Antigravity's envelope `{model, project, requestId, userAgent: "antigravity",
 * requestType, request: {contents, …, sessionId}}` and answers Code Assist's `{response, traceId}`.
 * Claude models answer in Gemini shape with signed thought parts and functionCall ids.
 *
 * Point the gateway at it with `fake.url` for the Antigravity API base, the Google OAuth base
 * (`{url}/token`) and the googleapis base (`{url}/oauth2/v2/userinfo`); `fake.env` proposes names.
 * Every request is recorded in `fake.calls` with `credential` = the account's email.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  googleError,
  projectPermissionDenied403,
  unauthenticated401,
  type CodeAssistEnvelope,
  type GoogleErrorBody,
} from './fake-google.js';
import {
  FakeCore,
  bearerOf,
  isRecord,
  pkceChallenge,
  randomHex,
  sendJson,
  sendSse,
  slugOf,
  tokensFor,
  unsignedJwt,
  type RecordedCall,
  type RequestContext,
  type Step,
} from './fake-http.js';
import { geminiDefaultAnswer, geminiResponse, geminiStreamChunks, textCharsOf, type GeminiResponse } from './gemini-answer.js';

export type { RecordedCall, Step } from './fake-http.js';
export { geminiResponse, geminiStreamChunks, geminiTextChunks } from './gemini-answer.js';
export {
  capacityExhausted429,
  creditsExhausted429,
  forbidden403,
  googleError,
  quotaExhausted429,
  rateLimit429,
} from './fake-google.js';

// ---------------------------------------------------------------------------------------------
// Public values
// ---------------------------------------------------------------------------------------------

/** Antigravity's public installed-app OAuth client (CLIProxyAPI, opencode-antigravity-auth, …). */
export const ANTIGRAVITY_CLIENT_ID = '1071006060591-tmhssin2h21lcre235vtolojh4g403ep.apps.googleusercontent.com';
export const ANTIGRAVITY_CLIENT_SECRET = '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';
/** The second client found in the Antigravity bundle (CLIProxyAPI's constants.go uses it with PKCE). */
export const ANTIGRAVITY_IDE_CLIENT_ID = '884354919052-36trc1jjb3tguiac32ov6cod268c5blh.apps.googleusercontent.com';
export const ANTIGRAVITY_IDE_CLIENT_SECRET = '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';
export const ANTIGRAVITY_SCOPES = [
  'https://www.googleapis.com/auth/cloud-platform',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/userinfo.profile',
  'https://www.googleapis.com/auth/cclog',
  'https://www.googleapis.com/auth/experimentsandconfigs',
] as const;
/** The loopback redirect Antigravity's client is registered for. */
export const ANTIGRAVITY_REDIRECT_URI = 'http://localhost:51121/oauth-callback';

export interface AntigravityModelInfo {
  displayName: string;
  modelProvider: 'MODEL_PROVIDER_GOOGLE' | 'MODEL_PROVIDER_ANTHROPIC' | 'MODEL_PROVIDER_OPENAI';
  maxTokens: number;
  maxOutputTokens: number;
  supportsImages?: boolean;
  supportsThinking?: boolean;
  recommended?: boolean;
}

/** The catalogue the fake serves by default (ids as fetchAvailableModels reports them; they change often). */
export const DEFAULT_ANTIGRAVITY_MODELS: Readonly<Record<string, AntigravityModelInfo>> = {
  'gemini-3-pro-high': { displayName: 'Gemini 3 Pro (High)', modelProvider: 'MODEL_PROVIDER_GOOGLE', maxTokens: 1048576, maxOutputTokens: 65535, supportsImages: true, supportsThinking: true, recommended: true },
  'gemini-3-pro-low': { displayName: 'Gemini 3 Pro (Low)', modelProvider: 'MODEL_PROVIDER_GOOGLE', maxTokens: 1048576, maxOutputTokens: 65535, supportsImages: true, supportsThinking: true, recommended: true },
  'gemini-3-flash': { displayName: 'Gemini 3 Flash', modelProvider: 'MODEL_PROVIDER_GOOGLE', maxTokens: 1048576, maxOutputTokens: 65536, supportsImages: true, supportsThinking: true, recommended: true },
  'gemini-2.5-flash': { displayName: 'Gemini 2.5 Flash', modelProvider: 'MODEL_PROVIDER_GOOGLE', maxTokens: 1048576, maxOutputTokens: 65535, supportsImages: true, supportsThinking: true },
  'gemini-3-pro-image': { displayName: 'Gemini 3 Pro Image', modelProvider: 'MODEL_PROVIDER_GOOGLE', maxTokens: 65536, maxOutputTokens: 32768, supportsImages: true },
  'gemini-3.1-flash-image': { displayName: 'Gemini 3.1 Flash Image', modelProvider: 'MODEL_PROVIDER_GOOGLE', maxTokens: 65536, maxOutputTokens: 32768, supportsImages: true },
  'claude-sonnet-4-6': { displayName: 'Claude Sonnet 4.6 (Thinking)', modelProvider: 'MODEL_PROVIDER_ANTHROPIC', maxTokens: 200000, maxOutputTokens: 64000, supportsImages: true, supportsThinking: true, recommended: true },
  'claude-opus-4-6-thinking': { displayName: 'Claude Opus 4.6 (Thinking)', modelProvider: 'MODEL_PROVIDER_ANTHROPIC', maxTokens: 200000, maxOutputTokens: 64000, supportsImages: true, supportsThinking: true, recommended: true },
  'gpt-oss-120b-medium': { displayName: 'GPT-OSS 120B (Medium)', modelProvider: 'MODEL_PROVIDER_OPENAI', maxTokens: 131072, maxOutputTokens: 32768, supportsThinking: true },
};

export interface QuotaInfo {
  /** 0..1; 0 makes generation answer 429 QUOTA_EXHAUSTED until resetTime. */
  remainingFraction: number;
  /** ISO timestamp. */
  resetTime: string;
}

export type AntigravityMethod =
  | 'token'
  | 'userinfo'
  | 'loadCodeAssist'
  | 'onboardUser'
  | 'operation'
  | 'fetchAvailableModels'
  | 'generateContent'
  | 'streamGenerateContent'
  | 'countTokens';

export interface FakeAntigravityAccountOptions {
  email: string;
  /** Default: a fresh `1//fake-refresh-…` token. */
  refreshToken?: string;
  accessToken?: string;
  /** undefined → `ag-proj-<email slug>` (onboarded); null → not onboarded (loadCodeAssist has no project). */
  project?: string | null;
  /** currentTier id once onboarded. Default 'free-tier'. */
  tier?: string;
  /** Reported as `paidTier` by loadCodeAssist (e.g. { id: 'g1-pro-tier', name: 'Google AI Pro' }). */
  paidTier?: { id: string; name: string };
  /** Per-model quota overrides (default remainingFraction 1, reset in 5 h). */
  quota?: Record<string, QuotaInfo>;
  /** Every refresh of this account fails with `{ error, error_description }`. */
  refreshError?: { status: number; error: string; description?: string };
}

export interface FakeAntigravityAccount {
  readonly email: string;
  readonly refreshToken: string;
  readonly accessToken: string;
  readonly project: string | null;
  readonly tier: string | null;
  /** Stable numeric Google account id (userinfo `id`, id_token `sub`). */
  readonly id: string;
}

export interface FakeAntigravityOptions {
  port?: number;
  /** Model catalogue; default DEFAULT_ANTIGRAVITY_MODELS. */
  models?: Record<string, AntigravityModelInfo>;
  /** OAuth clients the token endpoint accepts (id → secret). Default: both Antigravity clients. */
  clients?: Record<string, string>;
  /** The onboardUser call (or operation poll) that first answers done:true; 0 = at once (default 0). */
  operationPollsBeforeDone?: number;
  /** Lifetime of minted access tokens, default 3599. */
  accessTokenTtlSeconds?: number;
}

export interface FakeAntigravity {
  url: string;
  /** Proposed variable names for the three bases, all pointing at this fake. */
  env: { ANTIGRAVITY_API_URL: string; ANTIGRAVITY_OAUTH_URL: string; ANTIGRAVITY_GOOGLEAPIS_URL: string };
  calls: RecordedCall[];
  addAccount(o: FakeAntigravityAccountOptions): FakeAntigravityAccount;
  account(email: string): FakeAntigravityAccount | undefined;
  /** Appends steps for an account (email) or '*'; consumed in order, then defaults resume. */
  script(email: string, method: AntigravityMethod, steps: Step[]): void;
  callsTo(method: AntigravityMethod | string, email?: string): RecordedCall[];
  /** Sets one model's quota for an account (what fetchAvailableModels reports; 0 → generation 429s). */
  setQuota(email: string, model: string, quota: QuotaInfo): void;
  /** Registers a one-time authorization code for the account (created with defaults if unknown). */
  issueAuthCode(email: string, opts?: { redirectUri?: string; codeChallenge?: string; clientId?: string }): string;
  expireTokens(email: string): void;
  revokeRefreshToken(email: string): void;
  reset(): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Error and answer builders
// ---------------------------------------------------------------------------------------------

function formatHms(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}h${m}m${s % 60}s`;
}

/**
 * Antigravity's weekly/individual quota 429 (shape as in CLIProxyAPI's antigravity tests): ErrorInfo
 * QUOTA_EXHAUSTED with `metadata.quotaResetDelay` in seconds, and the reset in the message.
 */
export function individualQuota429(resetDelaySeconds: number, opts: { model?: string } = {}): GoogleErrorBody {
  const metadata: Record<string, string> = { quotaResetDelay: `${Math.max(0, Math.round(resetDelaySeconds))}s` };
  if (opts.model) metadata.model = opts.model;
  return googleError(429, 'RESOURCE_EXHAUSTED', `Individual quota reached for this model. Resets in ${formatHms(resetDelaySeconds)}.`, [
    { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'QUOTA_EXHAUSTED', domain: 'googleapis.com', metadata },
  ]);
}

/** A Code Assist-style envelope around a Gemini response: `{ response, traceId }`. */
export function antigravityEnvelope(response: GeminiResponse, traceId = randomHex(8)): CodeAssistEnvelope {
  return { response: response as CodeAssistEnvelope['response'], traceId };
}

/** A complete text answer in the envelope (for scripted 200s). */
export function antigravityTextEnvelope(text: string, opts: { model?: string } = {}): CodeAssistEnvelope {
  return antigravityEnvelope(geminiResponse([{ text }], { model: opts.model ?? 'gemini-3-flash', usage: { promptTokenCount: 8, candidatesTokenCount: tokensFor(text.length), totalTokenCount: 8 + tokensFor(text.length) } }));
}

/** Streaming envelopes for a text answer (for scripted SSE). */
export function antigravityTextEvents(text: string, opts: { model?: string; chunks?: number } = {}): CodeAssistEnvelope[] {
  const model = opts.model ?? 'gemini-3-flash';
  const traceId = randomHex(8);
  const parts = [{ text }];
  const usage = { promptTokenCount: 8, candidatesTokenCount: tokensFor(text.length), totalTokenCount: 8 + tokensFor(text.length) };
  return geminiStreamChunks({ parts, usage }, { model, chunks: opts.chunks, usageOn: 'every' }).map((r) => antigravityEnvelope(r, traceId));
}

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

interface AccountState {
  email: string;
  id: string;
  refreshToken: string;
  accessToken: string;
  project: string | null;
  tier: string | null;
  paidTier?: { id: string; name: string };
  quota: Map<string, QuotaInfo>;
  refreshError?: FakeAntigravityAccountOptions['refreshError'];
  view: FakeAntigravityAccount;
}

interface OperationState {
  id: string;
  email: string;
  tierId: string;
  polls: number;
  done: boolean;
}

function numericIdOf(email: string): string {
  const digest = createHash('sha256').update(`antigravity:${email.toLowerCase()}`).digest();
  return `1${(digest.readBigUInt64BE(0) % 10n ** 20n).toString().padStart(20, '0')}`;
}

const V1INTERNAL = /^\/v1internal:([A-Za-z]+)$/;

class FakeAntigravityServer extends FakeCore implements FakeAntigravity {
  env = { ANTIGRAVITY_API_URL: '', ANTIGRAVITY_OAUTH_URL: '', ANTIGRAVITY_GOOGLEAPIS_URL: '' };

  private readonly accounts = new Map<string, AccountState>();
  private readonly accessTokens = new Map<string, { email: string; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly authCodes = new Map<string, { email: string; redirectUri?: string; codeChallenge?: string; clientId?: string }>();
  private readonly operations = new Map<string, OperationState>();
  private readonly models: Record<string, AntigravityModelInfo>;
  private readonly clients: Record<string, string>;
  private readonly pollsBeforeDone: number;
  private readonly ttlSeconds: number;
  private tokenCounter = 0;

  constructor(opts: FakeAntigravityOptions) {
    super({ port: opts.port, name: 'fake-antigravity' });
    this.models = { ...(opts.models ?? DEFAULT_ANTIGRAVITY_MODELS) };
    this.clients = opts.clients ?? { [ANTIGRAVITY_CLIENT_ID]: ANTIGRAVITY_CLIENT_SECRET, [ANTIGRAVITY_IDE_CLIENT_ID]: ANTIGRAVITY_IDE_CLIENT_SECRET };
    this.pollsBeforeDone = Math.max(0, opts.operationPollsBeforeDone ?? 0);
    this.ttlSeconds = opts.accessTokenTtlSeconds ?? 3599;
  }

  override async listen(): Promise<void> {
    await super.listen();
    this.env = { ANTIGRAVITY_API_URL: this.url, ANTIGRAVITY_OAUTH_URL: this.url, ANTIGRAVITY_GOOGLEAPIS_URL: this.url };
  }

  // --- public API ----------------------------------------------------------------------------

  addAccount(o: FakeAntigravityAccountOptions): FakeAntigravityAccount {
    if (this.accounts.has(o.email)) throw new Error(`fake-antigravity: account ${o.email} already exists`);
    const refreshToken = o.refreshToken ?? `1//fake-refresh-${randomHex(12)}`;
    if (this.refreshTokens.has(refreshToken)) throw new Error('fake-antigravity: refresh token already in use');
    const project = o.project === undefined ? `ag-proj-${slugOf(o.email)}` : o.project;
    const state: AccountState = {
      email: o.email,
      id: numericIdOf(o.email),
      refreshToken,
      accessToken: '',
      project,
      tier: project === null ? null : (o.tier ?? 'free-tier'),
      paidTier: o.paidTier,
      quota: new Map(Object.entries(o.quota ?? {})),
      refreshError: o.refreshError,
      view: undefined as unknown as FakeAntigravityAccount,
    };
    state.view = {
      get email() {
        return state.email;
      },
      get id() {
        return state.id;
      },
      get refreshToken() {
        return state.refreshToken;
      },
      get accessToken() {
        return state.accessToken;
      },
      get project() {
        return state.project;
      },
      get tier() {
        return state.tier;
      },
    };
    this.accounts.set(o.email, state);
    this.refreshTokens.set(refreshToken, o.email);
    if (o.accessToken !== undefined) this.bindAccessToken(state, o.accessToken, this.ttlSeconds);
    else this.mintAccessToken(state);
    return state.view;
  }

  account(email: string): FakeAntigravityAccount | undefined {
    return this.accounts.get(email)?.view;
  }

  override script(email: string, method: AntigravityMethod, steps: Step[]): void {
    super.script(email, method, steps);
  }

  setQuota(email: string, model: string, quota: QuotaInfo): void {
    this.requireAccount(email).quota.set(model, quota);
  }

  issueAuthCode(email: string, opts: { redirectUri?: string; codeChallenge?: string; clientId?: string } = {}): string {
    if (!this.accounts.has(email)) this.addAccount({ email });
    const code = `4/0Afake${randomBytes(24).toString('base64url')}`;
    this.authCodes.set(code, { email, ...opts });
    return code;
  }

  expireTokens(email: string): void {
    const past = Date.now() - 1000;
    for (const token of this.accessTokens.values()) if (token.email === email) token.expiresAt = past;
  }

  revokeRefreshToken(email: string): void {
    this.refreshTokens.delete(this.requireAccount(email).refreshToken);
  }

  // --- tokens ----------------------------------------------------------------------------------

  private requireAccount(email: string): AccountState {
    const state = this.accounts.get(email);
    if (!state) throw new Error(`fake-antigravity: unknown account ${email}`);
    return state;
  }

  private mintAccessToken(state: AccountState): string {
    this.tokenCounter += 1;
    const token = `ya29.fake.ag.${this.tokenCounter}.${randomBytes(12).toString('base64url')}`;
    this.bindAccessToken(state, token, this.ttlSeconds);
    return token;
  }

  private bindAccessToken(state: AccountState, token: string, ttlSeconds: number): void {
    this.accessTokens.set(token, { email: state.email, expiresAt: Date.now() + ttlSeconds * 1000 });
    state.accessToken = token;
  }

  private quotaOf(state: AccountState, model: string): QuotaInfo {
    return state.quota.get(model) ?? { remainingFraction: 1, resetTime: new Date(Date.now() + 5 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }

  // --- dispatch --------------------------------------------------------------------------------

  protected route(method: string, pathname: string): string {
    if (pathname === '/token' && method === 'POST') return 'token';
    if ((pathname === '/oauth2/v2/userinfo' || pathname === '/oauth2/v1/userinfo') && method === 'GET') return 'userinfo';
    if (method === 'GET' && /^\/v1internal\/operations\/[^/]+$/.test(pathname)) return 'operation';
    const m = V1INTERNAL.exec(pathname);
    if (m && method === 'POST') {
      switch (m[1]) {
        case 'loadCodeAssist':
        case 'onboardUser':
        case 'fetchAvailableModels':
        case 'generateContent':
        case 'streamGenerateContent':
        case 'countTokens':
          return m[1];
      }
    }
    return 'unknown';
  }

  protected resolveCredential(call: RecordedCall): string | undefined {
    const bearer = bearerOf(call.headers);
    if (bearer) return this.accessTokens.get(bearer)?.email;
    if (call.route === 'token' && isRecord(call.body)) {
      const { refresh_token: refreshToken, code } = call.body;
      if (typeof refreshToken === 'string') return this.refreshTokens.get(refreshToken);
      if (typeof code === 'string') return this.authCodes.get(code)?.email;
    }
    return undefined;
  }

  protected sseFrame(item: unknown): string {
    return `data: ${JSON.stringify(item)}\n\n`;
  }

  protected internalErrorBody(message: string): unknown {
    return googleError(500, 'INTERNAL', message);
  }

  private json(ctx: RequestContext, status: number, body: unknown, headers?: Record<string, string>): void {
    sendJson(ctx, status, body, headers, { pretty: true, contentType: 'application/json; charset=UTF-8' });
  }

  protected async dispatch(ctx: RequestContext): Promise<void> {
    const { call } = ctx;
    switch (call.route) {
      case 'unknown':
        return this.json(ctx, 404, googleError(404, 'NOT_FOUND', `Method not found: ${call.method} ${call.path}`));
      case 'token':
        if (await this.runScripted(ctx)) return;
        return this.onToken(ctx);
      default:
        return this.onAuthenticated(ctx);
    }
  }

  private onToken(ctx: RequestContext): void {
    const form = isRecord(ctx.call.body) ? ctx.call.body : {};
    const field = (name: string): string | undefined => (typeof form[name] === 'string' ? form[name] : undefined);
    const oauthError = (status: number, error: string, description: string): void => this.json(ctx, status, { error, error_description: description });

    const grantType = field('grant_type');
    if (grantType !== 'refresh_token' && grantType !== 'authorization_code') {
      return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
    }
    const clientId = field('client_id');
    if (!clientId || !(clientId in this.clients)) return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
    if (field('client_secret') !== this.clients[clientId]) return oauthError(401, 'invalid_client', 'Unauthorized');

    if (grantType === 'refresh_token') {
      const refreshToken = field('refresh_token');
      if (!refreshToken) return oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
      const email = this.refreshTokens.get(refreshToken);
      if (!email) return oauthError(400, 'invalid_grant', 'Bad Request');
      const state = this.requireAccount(email);
      if (state.refreshError) {
        const { status, error, description } = state.refreshError;
        return oauthError(status, error, description ?? (error === 'invalid_grant' ? 'Token has been expired or revoked.' : 'Bad Request'));
      }
      return this.json(ctx, 200, {
        access_token: this.mintAccessToken(state),
        expires_in: this.ttlSeconds,
        scope: ANTIGRAVITY_SCOPES.join(' '),
        token_type: 'Bearer',
      });
    }

    const code = field('code');
    if (!code) return oauthError(400, 'invalid_request', 'Missing required parameter: code');
    const grant = this.authCodes.get(code);
    if (!grant) return oauthError(400, 'invalid_grant', 'Bad Request');
    if (grant.clientId !== undefined && grant.clientId !== clientId) return oauthError(400, 'invalid_grant', 'Bad Request');
    if (grant.redirectUri !== undefined && field('redirect_uri') !== grant.redirectUri) return oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
    if (grant.codeChallenge !== undefined) {
      const verifier = field('code_verifier');
      if (!verifier) return oauthError(400, 'invalid_grant', 'Missing code verifier.');
      if (pkceChallenge(verifier) !== grant.codeChallenge) return oauthError(400, 'invalid_grant', 'Invalid code verifier.');
    }
    this.authCodes.delete(code);
    const state = this.requireAccount(grant.email);
    const now = Math.floor(Date.now() / 1000);
    return this.json(ctx, 200, {
      access_token: this.mintAccessToken(state),
      expires_in: this.ttlSeconds,
      refresh_token: state.refreshToken,
      scope: ANTIGRAVITY_SCOPES.join(' '),
      token_type: 'Bearer',
      id_token: unsignedJwt({
        iss: 'https://accounts.google.com',
        azp: clientId,
        aud: clientId,
        sub: state.id,
        email: state.email,
        email_verified: true,
        iat: now,
        exp: now + this.ttlSeconds,
      }),
    });
  }

  private async onAuthenticated(ctx: RequestContext): Promise<void> {
    const bearer = bearerOf(ctx.call.headers);
    const token = bearer ? this.accessTokens.get(bearer) : undefined;
    if (!token || token.expiresAt <= Date.now()) {
      const kind = !bearer ? 'missing' : token ? 'expired' : 'invalid';
      const header = bearer ? 'Bearer realm="https://accounts.google.com/", error="invalid_token"' : 'Bearer realm="https://accounts.google.com/"';
      return this.json(ctx, 401, unauthenticated401(kind), { 'www-authenticate': header });
    }
    const state = this.requireAccount(token.email);
    const route = ctx.call.route;
    const body = isRecord(ctx.call.body) ? ctx.call.body : {};

    // Malformed envelopes are refused before any script: Google would never run them.
    if (route === 'generateContent' || route === 'streamGenerateContent') {
      const request = body.request;
      if (typeof body.model !== 'string' || body.model === '') return this.json(ctx, 400, googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.'));
      if (!isRecord(request) || !Array.isArray(request.contents) || request.contents.length === 0) {
        return this.json(ctx, 400, googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.'));
      }
    }
    if (await this.runScripted(ctx)) return;

    switch (route) {
      case 'userinfo':
        return this.json(ctx, 200, { id: state.id, email: state.email, verified_email: true, picture: 'https://lh3.googleusercontent.com/a/default-user=s96-c' });
      case 'loadCodeAssist':
        return this.json(ctx, 200, this.loadCodeAssistBody(state));
      case 'onboardUser':
        return this.onOnboardUser(ctx, state, body);
      case 'operation':
        return this.onOperation(ctx, state);
      case 'fetchAvailableModels':
        return this.json(ctx, 200, this.availableModelsBody(state));
      case 'countTokens': {
        const request = isRecord(body.request) ? body.request : body;
        return this.json(ctx, 200, { totalTokens: tokensFor(textCharsOf(request.contents)) });
      }
      case 'generateContent':
      case 'streamGenerateContent':
        return this.onGenerate(ctx, state, body as { model: string; project?: unknown; request: Record<string, unknown> }, route === 'streamGenerateContent');
    }
  }

  private loadCodeAssistBody(state: AccountState): Record<string, unknown> {
    const tier = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      id,
      name: id === 'free-tier' ? 'Gemini Code Assist for individuals' : id,
      ...extra,
    });
    if (state.project === null || state.tier === null) {
      return { allowedTiers: [tier('free-tier', { isDefault: true, userDefinedCloudaicompanionProject: false }), tier('standard-tier')] };
    }
    const body: Record<string, unknown> = {
      currentTier: tier(state.tier),
      allowedTiers: [tier('free-tier', { isDefault: true }), tier('standard-tier')],
      cloudaicompanionProject: state.project,
    };
    if (state.paidTier) body.paidTier = state.paidTier;
    return body;
  }

  private onOnboardUser(ctx: RequestContext, state: AccountState, body: Record<string, unknown>): void {
    const tierId = typeof body.tierId === 'string' ? body.tierId : typeof body.tier_id === 'string' ? body.tier_id : undefined;
    if (!tierId) return this.json(ctx, 400, googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.'));
    // Antigravity clients poll by re-POSTing onboardUser (CLIProxyAPI); a pending operation for the account counts as a poll.
    let op = [...this.operations.values()].find((o) => o.email === state.email && !o.done);
    if (!op) {
      op = { id: `onboard-${slugOf(state.email)}-${randomHex(4)}`, email: state.email, tierId, polls: 0, done: false };
      this.operations.set(op.id, op);
    } else {
      op.polls += 1;
    }
    if (op.polls >= this.pollsBeforeDone) return this.json(ctx, 200, this.finishOperation(op, state));
    return this.json(ctx, 200, { name: `operations/${op.id}`, done: false });
  }

  private onOperation(ctx: RequestContext, state: AccountState): void {
    const id = ctx.call.path.slice('/v1internal/operations/'.length);
    const op = this.operations.get(id);
    if (!op || op.email !== state.email) return this.json(ctx, 404, googleError(404, 'NOT_FOUND', 'Requested entity was not found.'));
    op.polls += 1;
    if (op.done || op.polls >= this.pollsBeforeDone) return this.json(ctx, 200, this.finishOperation(op, state));
    return this.json(ctx, 200, { name: `operations/${op.id}`, done: false });
  }

  private finishOperation(op: OperationState, state: AccountState): Record<string, unknown> {
    op.done = true;
    state.project = state.project ?? `ag-proj-${slugOf(state.email)}`;
    state.tier = op.tierId;
    return {
      name: `operations/${op.id}`,
      done: true,
      response: {
        '@type': 'type.googleapis.com/google.internal.cloud.code.v1internal.OnboardUserResponse',
        cloudaicompanionProject: { id: state.project, name: state.project },
      },
    };
  }

  private availableModelsBody(state: AccountState): Record<string, unknown> {
    const models: Record<string, unknown> = {};
    for (const [id, info] of Object.entries(this.models)) {
      models[id] = { ...info, model: id, quotaInfo: this.quotaOf(state, id) };
    }
    const agent = Object.keys(this.models).find((id) => this.models[id]!.recommended) ?? Object.keys(this.models)[0];
    return { models, defaultAgentModelId: agent };
  }

  private async onGenerate(
    ctx: RequestContext,
    state: AccountState,
    body: { model: string; project?: unknown; request: Record<string, unknown> },
    stream: boolean,
  ): Promise<void> {
    if (state.project === null || body.project !== state.project) {
      return this.json(ctx, 403, projectPermissionDenied403(typeof body.project === 'string' ? body.project : ''));
    }
    const model = body.model;
    if (!(model in this.models)) return this.json(ctx, 404, googleError(404, 'NOT_FOUND', 'Requested entity was not found.'));
    const quota = this.quotaOf(state, model);
    const resetMs = Date.parse(quota.resetTime);
    if (quota.remainingFraction <= 0 && resetMs > Date.now()) {
      return this.json(ctx, 429, individualQuota429((resetMs - Date.now()) / 1000, { model }));
    }

    const answer = geminiDefaultAnswer(state.email, model, body.request, model.includes('claude') ? 'claude' : 'gemini');
    const traceId = randomHex(8);
    const createTime = new Date().toISOString();
    if (!stream) {
      return this.json(ctx, 200, antigravityEnvelope(geminiResponse(answer.parts, { model, usage: answer.usage, createTime }), traceId));
    }
    const envelopes = geminiStreamChunks(answer, { model, usageOn: 'every', createTime }).map((r) => antigravityEnvelope(r, traceId));
    if (ctx.call.query.alt !== 'sse') return this.json(ctx, 200, envelopes);
    return sendSse(ctx, envelopes, (item) => this.sseFrame(item), {});
  }
}

/**
 * Starts the fake on 127.0.0.1 (port 0 unless given).
 *
 * Default answers (nothing scripted) follow fake-google's conventions with `<email>` as the speaker:
 * `Hello from <email> (<model>): <last user text>`; "call <tool> {json}" → functionCall part(s)
 * (Gemini models: the first signed; Claude models: each with an `id`); a functionResponse →
 * `Tool said: <json>`; image models → caption + 1x1 PNG; includeThoughts → a leading thought part
 * (signed for Claude models). The envelope must name the account's project (else 403) and a model of
 * the catalogue (else 404); a model whose quota is at 0 with a future reset answers 429 QUOTA_EXHAUSTED.
 */
export async function startFakeAntigravity(opts: FakeAntigravityOptions = {}): Promise<FakeAntigravity> {
  const fake = new FakeAntigravityServer(opts);
  await fake.listen();
  return fake;
}

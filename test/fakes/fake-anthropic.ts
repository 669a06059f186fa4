/**
 * A fake Anthropic for tests: the Messages API and Claude Code's OAuth token endpoint, on one
 * node:http server on loopback (port 0 by default). Wire format per docs/upstreams.md §4:
 *
 * - `POST /v1/messages`, non-streaming (a `message`) and streaming (`event: <type>\ndata: <json>\n\n`
 *   with message_start, ping, content_block_start/delta/stop — text_delta, thinking_delta,
 *   signature_delta, input_json_delta — message_delta, message_stop; no `[DONE]`);
 * - `POST /v1/messages/count_tokens`, `GET /v1/models`, `GET /v1/models/{id}`;
 * - API keys in `x-api-key` (or `Authorization: Bearer <key>`, as @anthropic-ai/sdk 1.x sends them);
 *   OAuth access tokens in `Authorization: Bearer` and only with `anthropic-beta: oauth-2025-04-20`;
 *   `anthropic-version` required; errors `{type: "error", error: {type, message}, request_id}`;
 * - `POST /v1/oauth/token` (JSON or form): authorization_code with PKCE S256 (Claude Code's client id,
 *   redirect_uri and state checked) and refresh_token (rotating the refresh token).
 *
 * Point the gateway at it with `fake.url` as the Anthropic API base (messages) and as the OAuth token
 * base (`{url}/v1/oauth/token`). Every request is recorded with `credential` = the key's label or the
 * account's email.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  FakeCore,
  alnumId,
  bearerOf,
  findToolCalls,
  isRecord,
  pause,
  pkceChallenge,
  sendJson,
  sendSse,
  splitText,
  tokensFor,
  type RecordedCall,
  type RequestContext,
  type Step,
} from './fake-http.js';

export type { RecordedCall, Step } from './fake-http.js';

// ---------------------------------------------------------------------------------------------
// Public values and types
// ---------------------------------------------------------------------------------------------

/** Claude Code's public OAuth client id. */
export const CLAUDE_CODE_CLIENT_ID = '9d1c250a-e61b-44d9-88ed-5944d1962f5e';
/** The `anthropic-beta` value an OAuth bearer token needs on /v1/messages (and on refresh, per the SDK). */
export const OAUTH_BETA = 'oauth-2025-04-20';
/** Claude Code's paste-the-code redirect (older builds: console.anthropic.com; newer: platform.claude.com). */
export const CLAUDE_MANUAL_REDIRECT_URI = 'https://console.anthropic.com/oauth/code/callback';
export const CLAUDE_MANUAL_REDIRECT_URI_PLATFORM = 'https://platform.claude.com/oauth/code/callback';
export const CLAUDE_OAUTH_SCOPES = ['org:create_api_key', 'user:profile', 'user:inference'] as const;

export const DEFAULT_ANTHROPIC_MODELS = ['claude-opus-4-6', 'claude-sonnet-4-6', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'] as const;

export type AnthropicMethod = 'messages' | 'countTokens' | 'listModels' | 'getModel' | 'token';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id?: string;
}

export interface FakeAnthropicKeyOptions {
  label?: string;
  models?: string[];
}

export interface FakeAnthropicKey {
  readonly key: string;
  readonly label: string;
  readonly valid: boolean;
}

export interface FakeAnthropicAccountOptions {
  email: string;
  accessToken?: string;
  refreshToken?: string;
  /** Every refresh of this account fails with this status and `{ error, error_description }`. */
  refreshError?: { status: number; error: string; description?: string };
}

export interface FakeAnthropicAccount {
  readonly email: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  /** `account.uuid` in token answers. */
  readonly accountUuid: string;
  readonly organizationUuid: string;
}

export interface FakeAnthropicOptions {
  port?: number;
  models?: string[];
  /** OAuth client the token endpoint accepts; default Claude Code's. */
  clientId?: string;
  /** Lifetime of minted OAuth access tokens, default 28800 (8 h). */
  accessTokenTtlSeconds?: number;
  /** Whether a refresh returns a new refresh token and retires the old one (default true). */
  rotateRefreshTokens?: boolean;
}

export interface FakeAnthropic {
  url: string;
  calls: RecordedCall[];
  addKey(key: string, opts?: FakeAnthropicKeyOptions): FakeAnthropicKey;
  addAccount(o: FakeAnthropicAccountOptions): FakeAnthropicAccount;
  account(email: string): FakeAnthropicAccount | undefined;
  /** Appends steps for a key (raw key or label), an account email, or '*'. */
  script(credential: string, method: AnthropicMethod, steps: Step[]): void;
  callsTo(method: AnthropicMethod | string, credential?: string): RecordedCall[];
  /**
   * Registers a one-time authorization code for the account (created if unknown). The string a user
   * pastes from the callback page is `${code}#${state}`.
   */
  issueAuthCode(email: string, opts?: { redirectUri?: string; codeChallenge?: string; state?: string }): string;
  expireTokens(email: string): void;
  revokeRefreshToken(email: string): void;
  revokeKey(key: string): void;
  reset(): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Error builders
// ---------------------------------------------------------------------------------------------

function requestId(): string {
  return `req_011C${alnumId(20)}`;
}

export function anthropicError(type: string, message: string): AnthropicErrorBody {
  return { type: 'error', error: { type, message }, request_id: requestId() };
}

/** 429 rate_limit_error with `retry-after` and the documented `anthropic-ratelimit-requests-*` headers. */
export function rateLimit429(opts: { retryAfterSeconds?: number } = {}): Step {
  const seconds = opts.retryAfterSeconds ?? 30;
  const reset = new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    status: 429,
    headers: {
      'retry-after': String(seconds),
      'anthropic-ratelimit-requests-limit': '50',
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': reset,
    },
    body: anthropicError('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit (https://docs.claude.com/en/api/rate-limits); see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.'),
  };
}

/**
 * The subscription (OAuth) usage limit: 429 with `anthropic-ratelimit-unified-status: rejected`,
 * `anthropic-ratelimit-unified-reset` (Unix seconds), the 5h/7d window headers and `retry-after`.
 */
export function usageLimit429(resetAtUnixSeconds: number, opts: { window?: '5h' | '7d' } = {}): Step {
  const window = opts.window ?? '5h';
  const now = Math.floor(Date.now() / 1000);
  return {
    status: 429,
    headers: {
      'retry-after': String(Math.max(0, resetAtUnixSeconds - now)),
      'anthropic-ratelimit-unified-status': 'rejected',
      'anthropic-ratelimit-unified-reset': String(resetAtUnixSeconds),
      'anthropic-ratelimit-unified-representative-claim': window === '5h' ? 'five_hour' : 'seven_day',
      [`anthropic-ratelimit-unified-${window}-status`]: 'rejected',
      [`anthropic-ratelimit-unified-${window}-utilization`]: '1.0',
      [`anthropic-ratelimit-unified-${window}-reset`]: String(resetAtUnixSeconds),
    },
    body: anthropicError('rate_limit_error', "This request would exceed your account's rate limit. Please try again later."),
  };
}

/** 529 overloaded_error (temporary, not the credential's fault). */
export function overloaded529(): Step {
  return { status: 529, body: anthropicError('overloaded_error', 'Overloaded') };
}

/** An SSE `error` event (framed as `event: error`), as the API sends it mid-stream. */
export function streamErrorEvent(type = 'overloaded_error', message = 'Overloaded'): Record<string, unknown> {
  return { type: 'error', error: { type, message } };
}

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

interface Answer {
  content: ContentBlock[];
  stopReason: 'end_turn' | 'tool_use';
  inputTokens: number;
  outputTokens: number;
}

interface MessageParam {
  role: string;
  content: unknown;
}

function blocksOf(content: unknown): Array<Record<string, unknown>> {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? content.filter(isRecord) : [];
}

function textOfBlocks(content: unknown): string {
  return blocksOf(content)
    .map((b) => (b.type === 'text' && typeof b.text === 'string' ? b.text : ''))
    .filter((t) => t !== '')
    .join('\n');
}

function charsOf(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((s: number, v) => s + charsOf(v), 0);
  if (!isRecord(value)) return 0;
  if (typeof value.text === 'string') return value.text.length;
  if ('content' in value) return charsOf(value.content);
  return 0;
}

function signatureFor(who: string): string {
  return Buffer.from(`fake-claude-signature:${who}:${randomBytes(6).toString('hex')}`).toString('base64');
}

function defaultAnswer(who: string, body: Record<string, unknown>): Answer {
  const model = String(body.model);
  const messages = body.messages as MessageParam[];
  const last = messages.at(-1)!;
  const lastBlocks = last.role === 'user' ? blocksOf(last.content) : [];
  const toolResults = lastBlocks.filter((b) => b.type === 'tool_result');
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const lastText = [...blocksOf(lastUser?.content)].reverse().find((b) => b.type === 'text' && typeof b.text === 'string')?.text as string | undefined;

  const declared = new Set<string>();
  for (const tool of Array.isArray(body.tools) ? body.tools : []) if (isRecord(tool) && typeof tool.name === 'string') declared.add(tool.name);

  const content: ContentBlock[] = [];
  const thinking = isRecord(body.thinking) && (body.thinking.type === 'enabled' || body.thinking.type === 'adaptive');
  if (thinking) content.push({ type: 'thinking', thinking: 'Thinking about it', signature: signatureFor(who) });
  let stopReason: Answer['stopReason'] = 'end_turn';
  if (toolResults.length > 0) {
    content.push({
      type: 'text',
      text: toolResults.map((b) => `Tool said: ${typeof b.content === 'string' ? b.content : textOfBlocks(b.content)}`).join('\n'),
    });
  } else {
    const calls = findToolCalls(lastText ?? '', declared);
    if (calls.length > 0) {
      for (const { name, args } of calls) content.push({ type: 'tool_use', id: `toolu_01${alnumId(22)}`, name, input: args });
      stopReason = 'tool_use';
    } else {
      content.push({ type: 'text', text: `Hello from ${who} (${model}): ${lastText ?? ''}` });
    }
  }
  const inputTokens = tokensFor(charsOf(messages) + charsOf(body.system));
  const outputTokens = content.reduce(
    (sum, b) => sum + tokensFor(b.type === 'text' ? b.text.length : b.type === 'thinking' ? b.thinking.length : JSON.stringify(b.input).length + b.name.length),
    0,
  );
  return { content, stopReason, inputTokens, outputTokens };
}

function usageObject(input: number, output: number): Record<string, unknown> {
  return {
    input_tokens: input,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: output,
    service_tier: 'standard',
  };
}

function messageObject(id: string, model: string, content: ContentBlock[], stopReason: string | null, usage: Record<string, unknown>): Record<string, unknown> {
  return { id, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage };
}

/** The SSE events of an answer (message_start … message_stop), as objects with `type`. */
export function messageEvents(answer: { content: ContentBlock[]; stopReason: string; inputTokens: number; outputTokens: number }, opts: { model: string; id?: string }): Record<string, unknown>[] {
  const id = opts.id ?? `msg_01${alnumId(22)}`;
  const events: Record<string, unknown>[] = [
    { type: 'message_start', message: messageObject(id, opts.model, [], null, usageObject(answer.inputTokens, 1)) },
    { type: 'ping' },
  ];
  answer.content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const piece of splitText(block.text, 3)) events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
    } else if (block.type === 'thinking') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
      for (const piece of splitText(block.thinking, 2)) events.push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: piece } });
      events.push({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } });
    } else {
      events.push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      for (const piece of splitText(JSON.stringify(block.input), 2)) {
        events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } });
      }
    }
    events.push({ type: 'content_block_stop', index });
  });
  events.push({ type: 'message_delta', delta: { stop_reason: answer.stopReason, stop_sequence: null }, usage: { output_tokens: answer.outputTokens } });
  events.push({ type: 'message_stop' });
  return events;
}

/** The SSE events of a plain text answer (for scripts). */
export function textMessageEvents(text: string, opts: { model?: string } = {}): Record<string, unknown>[] {
  return messageEvents({ content: [{ type: 'text', text }], stopReason: 'end_turn', inputTokens: 8, outputTokens: tokensFor(text.length) }, { model: opts.model ?? 'claude-sonnet-4-6' });
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

interface KeyState {
  key: string;
  label: string;
  valid: boolean;
  models?: Set<string>;
  view: FakeAnthropicKey;
}

interface AccountState {
  email: string;
  accessToken: string;
  refreshToken: string;
  accountUuid: string;
  organizationUuid: string;
  refreshError?: FakeAnthropicAccountOptions['refreshError'];
  view: FakeAnthropicAccount;
}

class FakeAnthropicServer extends FakeCore implements FakeAnthropic {
  private readonly keys = new Map<string, KeyState>();
  private readonly labels = new Map<string, KeyState>();
  private readonly accounts = new Map<string, AccountState>();
  private readonly accessTokens = new Map<string, { email: string; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly authCodes = new Map<string, { email: string; redirectUri?: string; codeChallenge?: string; state?: string }>();
  private readonly models: string[];
  private readonly clientId: string;
  private readonly ttlSeconds: number;
  private readonly rotate: boolean;

  constructor(opts: FakeAnthropicOptions) {
    super({ port: opts.port, name: 'fake-anthropic' });
    this.models = [...(opts.models ?? DEFAULT_ANTHROPIC_MODELS)];
    this.clientId = opts.clientId ?? CLAUDE_CODE_CLIENT_ID;
    this.ttlSeconds = opts.accessTokenTtlSeconds ?? 28800;
    this.rotate = opts.rotateRefreshTokens ?? true;
  }

  // --- public API ----------------------------------------------------------------------------

  addKey(key: string, opts: FakeAnthropicKeyOptions = {}): FakeAnthropicKey {
    if (this.keys.has(key)) throw new Error('fake-anthropic: key already registered');
    const label = opts.label ?? `key-${this.keys.size + 1}`;
    if (this.labels.has(label) || this.accounts.has(label)) throw new Error(`fake-anthropic: label ${label} already in use`);
    const state: KeyState = { key, label, valid: true, models: opts.models ? new Set(opts.models) : undefined, view: undefined as unknown as FakeAnthropicKey };
    state.view = {
      key,
      label,
      get valid() {
        return state.valid;
      },
    };
    this.keys.set(key, state);
    this.labels.set(label, state);
    return state.view;
  }

  revokeKey(key: string): void {
    const state = this.keys.get(key) ?? this.labels.get(key);
    if (!state) throw new Error('fake-anthropic: unknown key');
    state.valid = false;
  }

  addAccount(o: FakeAnthropicAccountOptions): FakeAnthropicAccount {
    if (this.accounts.has(o.email)) throw new Error(`fake-anthropic: account ${o.email} already exists`);
    const state: AccountState = {
      email: o.email,
      accessToken: '',
      refreshToken: '',
      accountUuid: randomUUID(),
      organizationUuid: randomUUID(),
      refreshError: o.refreshError,
      view: undefined as unknown as FakeAnthropicAccount,
    };
    state.view = {
      get email() {
        return state.email;
      },
      get accessToken() {
        return state.accessToken;
      },
      get refreshToken() {
        return state.refreshToken;
      },
      get accountUuid() {
        return state.accountUuid;
      },
      get organizationUuid() {
        return state.organizationUuid;
      },
    };
    this.accounts.set(o.email, state);
    this.setRefreshToken(state, o.refreshToken ?? this.newRefreshToken());
    this.bindAccessToken(state, o.accessToken ?? this.newAccessToken());
    return state.view;
  }

  account(email: string): FakeAnthropicAccount | undefined {
    return this.accounts.get(email)?.view;
  }

  override script(credential: string, method: AnthropicMethod, steps: Step[]): void {
    super.script(credential, method, steps);
  }

  issueAuthCode(email: string, opts: { redirectUri?: string; codeChallenge?: string; state?: string } = {}): string {
    if (!this.accounts.has(email)) this.addAccount({ email });
    const code = alnumId(40);
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
    if (!state) throw new Error(`fake-anthropic: unknown account ${email}`);
    return state;
  }

  private newAccessToken(): string {
    return `sk-ant-oat01-fake-${randomBytes(48).toString('base64url')}`;
  }

  private newRefreshToken(): string {
    return `sk-ant-ort01-fake-${randomBytes(48).toString('base64url')}`;
  }

  private bindAccessToken(state: AccountState, token: string): void {
    this.accessTokens.set(token, { email: state.email, expiresAt: Date.now() + this.ttlSeconds * 1000 });
    state.accessToken = token;
  }

  private setRefreshToken(state: AccountState, token: string): void {
    if (state.refreshToken) this.refreshTokens.delete(state.refreshToken);
    this.refreshTokens.set(token, state.email);
    state.refreshToken = token;
  }

  // --- dispatch --------------------------------------------------------------------------------

  protected override scriptKey(credential: string): string {
    return this.keys.get(credential)?.label ?? credential;
  }

  protected route(method: string, pathname: string): string {
    if (method === 'POST' && pathname === '/v1/messages') return 'messages';
    if (method === 'POST' && pathname === '/v1/messages/count_tokens') return 'countTokens';
    if (method === 'GET' && pathname === '/v1/models') return 'listModels';
    if (method === 'GET' && /^\/v1\/models\/[^/]+$/.test(pathname)) return 'getModel';
    if (method === 'POST' && pathname === '/v1/oauth/token') return 'token';
    return 'unknown';
  }

  protected resolveCredential(call: RecordedCall): string | undefined {
    const apiKey = call.headers['x-api-key'];
    if (apiKey !== undefined) return this.keys.get(apiKey)?.label;
    const bearer = bearerOf(call.headers);
    if (bearer !== undefined) return this.keys.get(bearer)?.label ?? this.accessTokens.get(bearer)?.email;
    if (call.route === 'token' && isRecord(call.body)) {
      const { refresh_token: refreshToken, code } = call.body;
      if (typeof refreshToken === 'string') return this.refreshTokens.get(refreshToken);
      if (typeof code === 'string') return this.authCodes.get(code)?.email;
    }
    return undefined;
  }

  protected sseFrame(item: unknown): string {
    const type = isRecord(item) && typeof item.type === 'string' ? item.type : 'message';
    return `event: ${type}\ndata: ${JSON.stringify(item)}\n\n`;
  }

  protected internalErrorBody(message: string): unknown {
    return anthropicError('api_error', message);
  }

  private error(ctx: RequestContext, status: number, type: string, message: string, headers?: Record<string, string>): void {
    const body = anthropicError(type, message);
    sendJson(ctx, status, body, { 'request-id': body.request_id!, 'x-should-retry': String(status === 429 || status >= 500), ...headers });
  }

  protected override async runStep(ctx: RequestContext, step: Step): Promise<void> {
    if ('status' in step && !('sse' in step)) {
      await pause(ctx, step.delayMs);
      return sendJson(ctx, step.status, step.body, { 'request-id': requestId(), ...step.headers });
    }
    return super.runStep(ctx, step);
  }

  protected async dispatch(ctx: RequestContext): Promise<void> {
    const { call } = ctx;
    if (call.route === 'unknown') return this.error(ctx, 404, 'not_found_error', 'Not Found');
    if (call.route === 'token') {
      if (await this.runScripted(ctx)) return;
      return this.onToken(ctx);
    }

    // Authentication: API key (x-api-key or Bearer) or OAuth bearer with the oauth beta.
    const apiKey = call.headers['x-api-key'];
    const bearer = bearerOf(call.headers);
    let who: string;
    let oauth = false;
    let allowed: Set<string> | undefined;
    if (apiKey !== undefined || (bearer !== undefined && this.keys.has(bearer))) {
      const state = this.keys.get(apiKey ?? bearer!);
      if (!state || !state.valid) return this.error(ctx, 401, 'authentication_error', 'invalid x-api-key');
      who = state.label;
      allowed = state.models;
    } else if (bearer !== undefined) {
      const token = this.accessTokens.get(bearer);
      if (!token) return this.error(ctx, 401, 'authentication_error', 'Invalid bearer token');
      const betas = (call.headers['anthropic-beta'] ?? '').split(',').map((s) => s.trim());
      if (!betas.includes(OAUTH_BETA)) return this.error(ctx, 401, 'authentication_error', 'OAuth authentication is currently not supported.');
      if (token.expiresAt <= Date.now()) {
        return this.error(ctx, 401, 'authentication_error', 'OAuth token has expired. Please obtain a new token or refresh your existing token.');
      }
      who = token.email;
      oauth = true;
    } else {
      return this.error(ctx, 401, 'authentication_error', 'x-api-key header is required');
    }
    if (!call.headers['anthropic-version']) return this.error(ctx, 400, 'invalid_request_error', 'anthropic-version: header is required');

    if (call.route === 'listModels') {
      if (await this.runScripted(ctx)) return;
      const data = this.models.filter((m) => !allowed || allowed.has(m)).map((id) => this.modelEntry(id));
      return sendJson(ctx, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null }, { 'request-id': requestId() });
    }
    if (call.route === 'getModel') {
      const id = decodeURIComponent(call.path.slice('/v1/models/'.length));
      if (!this.models.includes(id) || (allowed && !allowed.has(id))) return this.error(ctx, 404, 'not_found_error', `model: ${id}`);
      if (await this.runScripted(ctx)) return;
      return sendJson(ctx, 200, this.modelEntry(id), { 'request-id': requestId() });
    }

    const body = isRecord(call.body) ? call.body : undefined;
    if (!body) return this.error(ctx, 400, 'invalid_request_error', 'Request body must be JSON.');
    if (typeof body.model !== 'string') return this.error(ctx, 400, 'invalid_request_error', 'model: Field required');
    if (call.route === 'messages' && typeof body.max_tokens !== 'number') return this.error(ctx, 400, 'invalid_request_error', 'max_tokens: Field required');
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return this.error(ctx, 400, 'invalid_request_error', 'messages: at least one message is required');
    }
    if (!this.models.includes(body.model) || (allowed && !allowed.has(body.model))) return this.error(ctx, 404, 'not_found_error', `model: ${body.model}`);
    if (await this.runScripted(ctx)) return;

    const answer = defaultAnswer(who, body);
    if (call.route === 'countTokens') return sendJson(ctx, 200, { input_tokens: answer.inputTokens }, { 'request-id': requestId() });
    const headers = { 'request-id': requestId(), 'anthropic-organization-id': randomUUID(), ...this.rateLimitHeaders(oauth) };
    if (body.stream !== true) {
      const message = messageObject(`msg_01${alnumId(22)}`, body.model, answer.content, answer.stopReason, usageObject(answer.inputTokens, answer.outputTokens));
      return sendJson(ctx, 200, message, headers);
    }
    return sendSse(ctx, messageEvents(answer, { model: body.model }), (item) => this.sseFrame(item), { headers });
  }

  private modelEntry(id: string): Record<string, unknown> {
    return { type: 'model', id, display_name: id.replace(/-\d{8}$/, '').split('-').map((w) => (/^\d/.test(w) ? w : w[0]!.toUpperCase() + w.slice(1))).join(' '), created_at: '2025-09-29T00:00:00Z' };
  }

  private rateLimitHeaders(oauth: boolean): Record<string, string> {
    const now = Math.floor(Date.now() / 1000);
    if (oauth) {
      return {
        'anthropic-ratelimit-unified-status': 'allowed',
        'anthropic-ratelimit-unified-reset': String(now + 5 * 3600),
        'anthropic-ratelimit-unified-representative-claim': 'five_hour',
        'anthropic-ratelimit-unified-5h-status': 'allowed',
        'anthropic-ratelimit-unified-5h-utilization': '0.1',
        'anthropic-ratelimit-unified-5h-reset': String(now + 5 * 3600),
        'anthropic-ratelimit-unified-7d-status': 'allowed',
        'anthropic-ratelimit-unified-7d-utilization': '0.05',
        'anthropic-ratelimit-unified-7d-reset': String(now + 7 * 86400),
      };
    }
    const reset = new Date((now + 60) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      'anthropic-ratelimit-requests-limit': '4000',
      'anthropic-ratelimit-requests-remaining': '3999',
      'anthropic-ratelimit-requests-reset': reset,
      'anthropic-ratelimit-input-tokens-limit': '2000000',
      'anthropic-ratelimit-input-tokens-remaining': '1999000',
      'anthropic-ratelimit-input-tokens-reset': reset,
      'anthropic-ratelimit-output-tokens-limit': '400000',
      'anthropic-ratelimit-output-tokens-remaining': '399000',
      'anthropic-ratelimit-output-tokens-reset': reset,
    };
  }

  private onToken(ctx: RequestContext): void {
    const form = isRecord(ctx.call.body) ? ctx.call.body : {};
    const field = (name: string): string | undefined => (typeof form[name] === 'string' ? form[name] : undefined);
    const oauthError = (status: number, error: string, description: string): void => sendJson(ctx, status, { error, error_description: description });
    const grantType = field('grant_type');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') return oauthError(400, 'unsupported_grant_type', 'Unsupported grant type');
    if (field('client_id') !== this.clientId) return oauthError(401, 'invalid_client', 'Invalid client_id');

    let state: AccountState;
    if (grantType === 'refresh_token') {
      const email = this.refreshTokens.get(field('refresh_token') ?? '');
      if (!email) return oauthError(400, 'invalid_grant', 'Refresh token not found or invalid');
      state = this.requireAccount(email);
      if (state.refreshError) {
        const { status, error, description } = state.refreshError;
        return oauthError(status, error, description ?? 'Refresh token not found or invalid');
      }
      if (this.rotate) this.setRefreshToken(state, this.newRefreshToken());
    } else {
      const code = field('code') ?? '';
      const grant = this.authCodes.get(code);
      // The pasted string is `code#state`: clients must split it and send code and state separately.
      if (!grant) return oauthError(400, 'invalid_grant', "Invalid 'code' in request.");
      if (grant.redirectUri !== undefined && field('redirect_uri') !== grant.redirectUri) return oauthError(400, 'invalid_grant', 'Invalid redirect_uri');
      if (grant.state !== undefined && field('state') !== grant.state) return oauthError(400, 'invalid_grant', 'Invalid state');
      if (grant.codeChallenge !== undefined) {
        const verifier = field('code_verifier');
        if (!verifier || pkceChallenge(verifier) !== grant.codeChallenge) return oauthError(400, 'invalid_grant', 'Invalid code_verifier');
      }
      this.authCodes.delete(code);
      state = this.requireAccount(grant.email);
    }
    this.bindAccessToken(state, this.newAccessToken());
    return sendJson(ctx, 200, {
      token_type: 'Bearer',
      access_token: state.accessToken,
      expires_in: this.ttlSeconds,
      refresh_token: state.refreshToken,
      scope: 'user:inference user:profile',
      organization: { uuid: state.organizationUuid, name: `${state.email}'s Organization` },
      account: { uuid: state.accountUuid, email_address: state.email },
    });
  }
}

/**
 * Starts the fake on 127.0.0.1 (port 0 unless given).
 *
 * Default answers (nothing scripted): a text block `Hello from <label|email> (<model>): <last user
 * text>`; declared tools and "call <tool> {json}" → tool_use block(s), stop_reason "tool_use";
 * tool_result blocks in the last user message → `Tool said: <content>`; `thinking: {type: "enabled"
 * | "adaptive"}` → a leading thinking block `Thinking about it` with a signature. Streams split text
 * into 3 text_deltas (thinking into 2 thinking_deltas plus a signature_delta, tool input into 2
 * input_json_deltas). OAuth answers carry `anthropic-ratelimit-unified-*` headers, API-key answers the
 * `anthropic-ratelimit-{requests,input-tokens,output-tokens}-*` ones.
 */
export async function startFakeAnthropic(opts: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const fake = new FakeAnthropicServer(opts);
  await fake.listen();
  return fake;
}

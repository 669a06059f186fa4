/**
 * A fake Codex upstream for tests: the OpenAI Responses API for API keys (`POST /v1/responses`,
 * `GET /v1/models`), the ChatGPT-account Codex backend (`POST /backend-api/codex/responses`) and the
 * auth.openai.com token endpoint (`POST /oauth/token`), on one node:http server on loopback (port 0 by
 * default). Wire format per docs/upstreams.md §5:
 *
 * - Responses streaming as `event: <type>\ndata: <json>\n\n` with `sequence_number`s: response.created,
 *   response.in_progress, response.output_item.added/done, response.content_part.added/done,
 *   response.output_text.delta/done, response.reasoning_summary_part.added/done,
 *   response.reasoning_summary_text.delta/done, response.function_call_arguments.delta/done,
 *   response.completed (with usage). No `[DONE]`.
 * - API keys: `Authorization: Bearer sk-…` on /v1/responses (stream or not).
 * - ChatGPT accounts: `Authorization: Bearer <JWT access token>` plus `chatgpt-account-id` on
 *   /backend-api/codex/responses; the backend wants `stream: true`, `store: false` and `instructions`
 *   (400 `{detail}` otherwise); answers carry `x-codex-primary-*` / `x-codex-secondary-*` headers.
 * - `POST /oauth/token` (form or JSON): authorization_code with PKCE S256 and redirect_uri, and
 *   refresh_token (rotating; reuse → 401 `refresh_token_reused`). The id_token carries
 *   `https://api.openai.com/auth.chatgpt_account_id`.
 *
 * Point the gateway at it with `fake.apiBaseUrl` (= url + '/v1', for API keys), `fake.chatgptBaseUrl`
 * (= url + '/backend-api/codex', for accounts) and `fake.url` as the auth issuer (`{url}/oauth/token`).
 * Every request is recorded with `credential` = the key's label or the account's email.
 */
import { randomUUID } from 'node:crypto';
import {
  FakeCore,
  alnumId,
  bearerOf,
  findToolCalls,
  isRecord,
  pause,
  pkceChallenge,
  randomHex,
  sendJson,
  sendSse,
  splitText,
  tokensFor,
  unsignedJwt,
  type RecordedCall,
  type RequestContext,
  type Step,
} from './fake-http.js';

export type { RecordedCall, Step } from './fake-http.js';

// ---------------------------------------------------------------------------------------------
// Public values and types
// ---------------------------------------------------------------------------------------------

/** The Codex CLI's public OAuth client id (codex-rs/login). */
export const CODEX_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';
/** The loopback redirect the client is registered for (fallback port 1457). */
export const CODEX_REDIRECT_URI = 'http://localhost:1455/auth/callback';
export const CODEX_SCOPES = 'openid profile email offline_access';
/** The id_token / access-token claim namespace holding chatgpt_account_id and chatgpt_plan_type. */
export const OPENAI_AUTH_CLAIM = 'https://api.openai.com/auth';

export const DEFAULT_CODEX_MODELS = ['gpt-5', 'gpt-5-codex', 'gpt-5.1-codex-max', 'gpt-5.2-codex', 'codex-mini-latest'] as const;

export type CodexMethod = 'responses' | 'codexResponses' | 'listModels' | 'token' | 'usage';

export interface FakeCodexKeyOptions {
  label?: string;
  models?: string[];
}

export interface FakeCodexKey {
  readonly key: string;
  readonly label: string;
  readonly valid: boolean;
}

export interface FakeCodexAccountOptions {
  email: string;
  /** chatgpt_account_id; default a fresh UUID. */
  accountId?: string;
  /** chatgpt_plan_type; default 'plus'. */
  planType?: string;
  refreshToken?: string;
}

export interface FakeCodexAccount {
  readonly email: string;
  readonly accountId: string;
  readonly planType: string;
  /** The most recently minted access token (a JWT). */
  readonly accessToken: string;
  readonly refreshToken: string;
  /** The most recently minted id_token (a JWT). */
  readonly idToken: string;
}

export interface FakeCodexOptions {
  port?: number;
  models?: string[];
  /** Lifetime of minted access tokens (JWT `exp`), default 10 days. */
  accessTokenTtlSeconds?: number;
  /** Enforce the ChatGPT backend's request rules (stream/store/instructions/max_output_tokens); default true. */
  strictBackend?: boolean;
}

export interface FakeCodex {
  url: string;
  /** url + '/v1': the Responses API base for API keys. */
  apiBaseUrl: string;
  /** url + '/backend-api/codex': the base for ChatGPT-account OAuth tokens. */
  chatgptBaseUrl: string;
  calls: RecordedCall[];
  addKey(key: string, opts?: FakeCodexKeyOptions): FakeCodexKey;
  addAccount(o: FakeCodexAccountOptions): FakeCodexAccount;
  account(email: string): FakeCodexAccount | undefined;
  /** Appends steps for a key (raw key or label), an account email, or '*'. */
  script(credential: string, method: CodexMethod, steps: Step[]): void;
  callsTo(method: CodexMethod | string, credential?: string): RecordedCall[];
  issueAuthCode(email: string, opts?: { redirectUri?: string; codeChallenge?: string }): string;
  expireTokens(email: string): void;
  /** The account's refresh token stops working: 401 with code refresh_token_invalidated (or _expired). */
  revokeRefreshToken(email: string, reason?: 'invalidated' | 'expired'): void;
  /** Usage the x-codex-* headers report for the account (percent used of the 5 h / weekly windows). */
  setUsage(email: string, usage: { primaryUsedPercent?: number; secondaryUsedPercent?: number }): void;
  revokeKey(key: string): void;
  reset(): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Error builders
// ---------------------------------------------------------------------------------------------

export function openAIError(message: string, type: string | null, code: string | null = null, param: string | null = null): { error: Record<string, unknown> } {
  return { error: { message, type, param, code } };
}

/**
 * The ChatGPT plan's usage limit: 429 `{error: {type: "usage_limit_reached", message, plan_type,
 * resets_at (Unix s), resets_in_seconds}}` with the window headers at 100 %.
 */
export function usageLimitReached429(opts: { resetsInSeconds?: number; planType?: string; window?: 'primary' | 'secondary' } = {}): Step {
  const seconds = opts.resetsInSeconds ?? 3600;
  const resetsAt = Math.floor(Date.now() / 1000) + seconds;
  const window = opts.window ?? 'primary';
  return {
    status: 429,
    headers: {
      [`x-codex-${window}-used-percent`]: '100',
      [`x-codex-${window}-window-minutes`]: window === 'primary' ? '300' : '10080',
      [`x-codex-${window}-reset-after-seconds`]: String(seconds),
      [`x-codex-${window}-reset-at`]: String(resetsAt),
    },
    body: {
      error: {
        type: 'usage_limit_reached',
        message: 'The usage limit has been reached',
        plan_type: opts.planType ?? 'plus',
        resets_at: resetsAt,
        resets_in_seconds: seconds,
      },
    },
  };
}

/** A per-minute rate limit (retryable): 429 rate_limit_exceeded with `retry-after`. */
export function rateLimited429(opts: { retryAfterSeconds?: number } = {}): Step {
  const seconds = opts.retryAfterSeconds ?? 12;
  return {
    status: 429,
    headers: { 'retry-after': String(seconds) },
    body: openAIError(`Rate limit reached for requests. Please try again in ${seconds}s.`, 'requests', 'rate_limit_exceeded'),
  };
}

/** 401 for an expired ChatGPT access token (what makes Codex refresh). */
export function tokenExpired401(): Record<string, unknown> {
  return { ...openAIError('Provided authentication token is expired. Please try signing in again.', 'invalid_request_error', 'token_expired'), status: 401 };
}

// ---------------------------------------------------------------------------------------------
// Answers and Responses bodies
// ---------------------------------------------------------------------------------------------

type OutputItem =
  | { id: string; type: 'message'; status: string; role: 'assistant'; content: Array<{ type: 'output_text'; text: string; annotations: unknown[]; logprobs: unknown[] }> }
  | { id: string; type: 'reasoning'; summary: Array<{ type: 'summary_text'; text: string }>; encrypted_content?: string }
  | { id: string; type: 'function_call'; status: string; call_id: string; name: string; arguments: string };

export interface ResponsesAnswer {
  output: OutputItem[];
  usage: Record<string, unknown>;
}

function textOfContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((c) => (isRecord(c) && typeof c.text === 'string' && (c.type === 'input_text' || c.type === 'output_text' || c.type === 'text') ? c.text : ''))
    .filter((t) => t !== '')
    .join('\n');
}

function defaultAnswer(who: string, body: Record<string, unknown>): ResponsesAnswer {
  const model = String(body.model);
  const items: Array<Record<string, unknown>> =
    typeof body.input === 'string' ? [{ type: 'message', role: 'user', content: body.input }] : Array.isArray(body.input) ? body.input.filter(isRecord) : [];
  const isMessage = (i: Record<string, unknown>): boolean => i.type === 'message' || (i.type === undefined && typeof i.role === 'string');
  let lastModelTurn = -1;
  items.forEach((item, index) => {
    if ((isMessage(item) && item.role === 'assistant') || item.type === 'function_call') lastModelTurn = index;
  });
  const trailing = items.slice(lastModelTurn + 1);
  const outputs = trailing.filter((i) => i.type === 'function_call_output');
  const lastUser = [...items].reverse().find((i) => isMessage(i) && i.role === 'user');
  const lastText = textOfContent(lastUser?.content);

  const declared = new Set<string>();
  for (const tool of Array.isArray(body.tools) ? body.tools : []) {
    if (!isRecord(tool)) continue;
    if (typeof tool.name === 'string') declared.add(tool.name);
    else if (isRecord(tool.function) && typeof tool.function.name === 'string') declared.add(tool.function.name);
  }

  const output: OutputItem[] = [];
  const reasoning = isRecord(body.reasoning) && body.reasoning.effort !== 'none' ? body.reasoning : undefined;
  let reasoningTokens = 0;
  if (reasoning) {
    const item: OutputItem = { id: `rs_${randomHex(24)}`, type: 'reasoning', summary: [] };
    if (typeof reasoning.summary === 'string' && reasoning.summary !== 'none') item.summary.push({ type: 'summary_text', text: 'Thinking about it' });
    const include = Array.isArray(body.include) ? body.include : [];
    if (include.includes('reasoning.encrypted_content')) item.encrypted_content = Buffer.from(`fake-encrypted-reasoning:${who}:${randomHex(8)}`).toString('base64');
    output.push(item);
    reasoningTokens = 16;
  }
  const calls = outputs.length === 0 ? findToolCalls(lastText, declared) : [];
  if (calls.length > 0) {
    for (const { name, args } of calls) {
      output.push({ id: `fc_${randomHex(24)}`, type: 'function_call', status: 'completed', call_id: `call_${alnumId(24)}`, name, arguments: JSON.stringify(args) });
    }
  } else {
    const text = outputs.length > 0 ? outputs.map((o) => `Tool said: ${typeof o.output === 'string' ? o.output : JSON.stringify(o.output)}`).join('\n') : `Hello from ${who} (${model}): ${lastText}`;
    output.push({ id: `msg_${randomHex(24)}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] });
  }
  const inputTokens = tokensFor(items.reduce((s, i) => s + textOfContent(i.content).length + (typeof i.output === 'string' ? i.output.length : 0), 0) + (typeof body.instructions === 'string' ? body.instructions.length : 0));
  const visible = output.reduce(
    (s, o) => s + (o.type === 'message' ? o.content[0]!.text.length : o.type === 'function_call' ? o.name.length + o.arguments.length : o.summary.reduce((n, p) => n + p.text.length, 0)),
    0,
  );
  const outputTokens = tokensFor(visible) + reasoningTokens;
  return {
    output,
    usage: {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: reasoningTokens },
      total_tokens: inputTokens + outputTokens,
    },
  };
}

/** A Response object (`object: "response"`) around output items. */
export function responseObject(
  body: Record<string, unknown>,
  o: { id: string; createdAt: number; status: 'in_progress' | 'completed' | 'failed' | 'incomplete'; output: unknown[]; usage: Record<string, unknown> | null; error?: unknown },
): Record<string, unknown> {
  return {
    id: o.id,
    object: 'response',
    created_at: o.createdAt,
    status: o.status,
    background: false,
    error: o.error ?? null,
    incomplete_details: null,
    instructions: typeof body.instructions === 'string' ? body.instructions : null,
    max_output_tokens: typeof body.max_output_tokens === 'number' ? body.max_output_tokens : null,
    model: String(body.model),
    output: o.output,
    parallel_tool_calls: body.parallel_tool_calls !== false,
    previous_response_id: null,
    reasoning: isRecord(body.reasoning) ? { effort: body.reasoning.effort ?? null, summary: body.reasoning.summary ?? null } : { effort: null, summary: null },
    service_tier: 'auto',
    store: body.store === true,
    temperature: 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools : [],
    top_p: 1,
    truncation: 'disabled',
    usage: o.usage,
    user: null,
    metadata: {},
  };
}

/** The streaming events of an answer, each with `type` and `sequence_number`. */
export function responseEvents(body: Record<string, unknown>, answer: ResponsesAnswer, opts: { id?: string; createdAt?: number } = {}): Record<string, unknown>[] {
  const id = opts.id ?? `resp_${randomHex(24)}`;
  const createdAt = opts.createdAt ?? Math.floor(Date.now() / 1000);
  const events: Record<string, unknown>[] = [];
  const emit = (type: string, fields: Record<string, unknown>): void => {
    events.push({ type, sequence_number: events.length, ...fields });
  };
  emit('response.created', { response: responseObject(body, { id, createdAt, status: 'in_progress', output: [], usage: null }) });
  emit('response.in_progress', { response: responseObject(body, { id, createdAt, status: 'in_progress', output: [], usage: null }) });
  answer.output.forEach((item, outputIndex) => {
    if (item.type === 'reasoning') {
      emit('response.output_item.added', { output_index: outputIndex, item: { ...item, summary: [] } });
      item.summary.forEach((part, summaryIndex) => {
        emit('response.reasoning_summary_part.added', { item_id: item.id, output_index: outputIndex, summary_index: summaryIndex, part: { type: 'summary_text', text: '' } });
        for (const delta of splitText(part.text, 2)) {
          emit('response.reasoning_summary_text.delta', { item_id: item.id, output_index: outputIndex, summary_index: summaryIndex, delta });
        }
        emit('response.reasoning_summary_text.done', { item_id: item.id, output_index: outputIndex, summary_index: summaryIndex, text: part.text });
        emit('response.reasoning_summary_part.done', { item_id: item.id, output_index: outputIndex, summary_index: summaryIndex, part });
      });
      emit('response.output_item.done', { output_index: outputIndex, item });
    } else if (item.type === 'message') {
      const part = item.content[0]!;
      emit('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } });
      emit('response.content_part.added', { item_id: item.id, output_index: outputIndex, content_index: 0, part: { ...part, text: '' } });
      for (const delta of splitText(part.text, 3)) {
        emit('response.output_text.delta', { item_id: item.id, output_index: outputIndex, content_index: 0, delta, logprobs: [] });
      }
      emit('response.output_text.done', { item_id: item.id, output_index: outputIndex, content_index: 0, text: part.text, logprobs: [] });
      emit('response.content_part.done', { item_id: item.id, output_index: outputIndex, content_index: 0, part });
      emit('response.output_item.done', { output_index: outputIndex, item });
    } else {
      emit('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', arguments: '' } });
      for (const delta of splitText(item.arguments, 2)) {
        emit('response.function_call_arguments.delta', { item_id: item.id, output_index: outputIndex, delta });
      }
      emit('response.function_call_arguments.done', { item_id: item.id, output_index: outputIndex, name: item.name, arguments: item.arguments });
      emit('response.output_item.done', { output_index: outputIndex, item });
    }
  });
  emit('response.completed', { response: responseObject(body, { id, createdAt, status: 'completed', output: answer.output, usage: answer.usage }) });
  return events;
}

/** The events of a plain text answer (for scripts). */
export function textResponseEvents(text: string, opts: { model?: string } = {}): Record<string, unknown>[] {
  const body = { model: opts.model ?? 'gpt-5-codex', instructions: 'x', store: false };
  const answer: ResponsesAnswer = {
    output: [{ id: `msg_${randomHex(24)}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] }],
    usage: { input_tokens: 8, input_tokens_details: { cached_tokens: 0 }, output_tokens: tokensFor(text.length), output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 8 + tokensFor(text.length) },
  };
  return responseEvents(body, answer);
}

/** A stream that fails after it started: response.created, then response.failed with an error (e.g. rate_limit_exceeded). */
export function failedResponseEvents(code: string, message: string, opts: { model?: string } = {}): Record<string, unknown>[] {
  const body = { model: opts.model ?? 'gpt-5-codex' };
  const id = `resp_${randomHex(24)}`;
  const createdAt = Math.floor(Date.now() / 1000);
  return [
    { type: 'response.created', sequence_number: 0, response: responseObject(body, { id, createdAt, status: 'in_progress', output: [], usage: null }) },
    { type: 'response.failed', sequence_number: 1, response: responseObject(body, { id, createdAt, status: 'failed', output: [], usage: null, error: { code, message } }) },
  ];
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

interface KeyState {
  key: string;
  label: string;
  valid: boolean;
  models?: Set<string>;
  view: FakeCodexKey;
}

interface AccountState {
  email: string;
  accountId: string;
  userId: string;
  planType: string;
  accessToken: string;
  refreshToken: string;
  idToken: string;
  usage: { primaryUsedPercent: number; secondaryUsedPercent: number };
  view: FakeCodexAccount;
}

class FakeCodexServer extends FakeCore implements FakeCodex {
  apiBaseUrl = '';
  chatgptBaseUrl = '';
  private readonly keys = new Map<string, KeyState>();
  private readonly labels = new Map<string, KeyState>();
  private readonly accounts = new Map<string, AccountState>();
  private readonly accessTokens = new Map<string, { email: string; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, string>();
  /** Refresh tokens that were rotated away (→ refresh_token_reused) or revoked. */
  private readonly retiredRefreshTokens = new Map<string, { email: string; code: string }>();
  private readonly authCodes = new Map<string, { email: string; redirectUri?: string; codeChallenge?: string }>();
  private readonly models: string[];
  private readonly ttlSeconds: number;
  private readonly strict: boolean;

  constructor(opts: FakeCodexOptions) {
    super({ port: opts.port, name: 'fake-codex' });
    this.models = [...(opts.models ?? DEFAULT_CODEX_MODELS)];
    this.ttlSeconds = opts.accessTokenTtlSeconds ?? 10 * 86400;
    this.strict = opts.strictBackend ?? true;
  }

  override async listen(): Promise<void> {
    await super.listen();
    this.apiBaseUrl = `${this.url}/v1`;
    this.chatgptBaseUrl = `${this.url}/backend-api/codex`;
  }

  // --- public API ----------------------------------------------------------------------------

  addKey(key: string, opts: FakeCodexKeyOptions = {}): FakeCodexKey {
    if (this.keys.has(key)) throw new Error('fake-codex: key already registered');
    const label = opts.label ?? `key-${this.keys.size + 1}`;
    if (this.labels.has(label) || this.accounts.has(label)) throw new Error(`fake-codex: label ${label} already in use`);
    const state: KeyState = { key, label, valid: true, models: opts.models ? new Set(opts.models) : undefined, view: undefined as unknown as FakeCodexKey };
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
    if (!state) throw new Error('fake-codex: unknown key');
    state.valid = false;
  }

  addAccount(o: FakeCodexAccountOptions): FakeCodexAccount {
    if (this.accounts.has(o.email)) throw new Error(`fake-codex: account ${o.email} already exists`);
    const state: AccountState = {
      email: o.email,
      accountId: o.accountId ?? randomUUID(),
      userId: `user-${alnumId(24)}`,
      planType: o.planType ?? 'plus',
      accessToken: '',
      refreshToken: '',
      idToken: '',
      usage: { primaryUsedPercent: 10, secondaryUsedPercent: 5 },
      view: undefined as unknown as FakeCodexAccount,
    };
    state.view = {
      get email() {
        return state.email;
      },
      get accountId() {
        return state.accountId;
      },
      get planType() {
        return state.planType;
      },
      get accessToken() {
        return state.accessToken;
      },
      get refreshToken() {
        return state.refreshToken;
      },
      get idToken() {
        return state.idToken;
      },
    };
    this.accounts.set(o.email, state);
    this.setRefreshToken(state, o.refreshToken ?? `rt_fake_${alnumId(40)}`);
    this.mintTokens(state);
    return state.view;
  }

  account(email: string): FakeCodexAccount | undefined {
    return this.accounts.get(email)?.view;
  }

  override script(credential: string, method: CodexMethod, steps: Step[]): void {
    super.script(credential, method, steps);
  }

  issueAuthCode(email: string, opts: { redirectUri?: string; codeChallenge?: string } = {}): string {
    if (!this.accounts.has(email)) this.addAccount({ email });
    const code = `ac_fake_${alnumId(40)}`;
    this.authCodes.set(code, { email, ...opts });
    return code;
  }

  expireTokens(email: string): void {
    const past = Date.now() - 1000;
    for (const token of this.accessTokens.values()) if (token.email === email) token.expiresAt = past;
  }

  revokeRefreshToken(email: string, reason: 'invalidated' | 'expired' = 'invalidated'): void {
    const state = this.requireAccount(email);
    this.refreshTokens.delete(state.refreshToken);
    this.retiredRefreshTokens.set(state.refreshToken, { email, code: `refresh_token_${reason}` });
  }

  setUsage(email: string, usage: { primaryUsedPercent?: number; secondaryUsedPercent?: number }): void {
    Object.assign(this.requireAccount(email).usage, usage);
  }

  // --- tokens ----------------------------------------------------------------------------------

  private requireAccount(email: string): AccountState {
    const state = this.accounts.get(email);
    if (!state) throw new Error(`fake-codex: unknown account ${email}`);
    return state;
  }

  private setRefreshToken(state: AccountState, token: string): void {
    if (state.refreshToken) {
      this.refreshTokens.delete(state.refreshToken);
      this.retiredRefreshTokens.set(state.refreshToken, { email: state.email, code: 'refresh_token_reused' });
    }
    this.refreshTokens.set(token, state.email);
    state.refreshToken = token;
  }

  private mintTokens(state: AccountState): void {
    const now = Math.floor(Date.now() / 1000);
    const auth = { chatgpt_account_id: state.accountId, chatgpt_plan_type: state.planType, chatgpt_user_id: state.userId, user_id: state.userId };
    state.idToken = unsignedJwt({
      iss: 'https://auth.openai.com',
      aud: [CODEX_CLIENT_ID],
      sub: `auth0|${state.userId}`,
      email: state.email,
      email_verified: true,
      iat: now,
      exp: now + 3600,
      auth_time: now,
      [OPENAI_AUTH_CLAIM]: { ...auth, organizations: [{ id: `org-${alnumId(24)}`, is_default: true, role: 'owner', title: 'Personal' }] },
    });
    state.accessToken = unsignedJwt({
      iss: 'https://auth.openai.com',
      aud: ['https://api.openai.com/v1'],
      client_id: CODEX_CLIENT_ID,
      sub: `auth0|${state.userId}`,
      iat: now,
      exp: now + this.ttlSeconds,
      jti: randomUUID(),
      scp: CODEX_SCOPES.split(' '),
      [OPENAI_AUTH_CLAIM]: auth,
      'https://api.openai.com/profile': { email: state.email, email_verified: true },
    });
    this.accessTokens.set(state.accessToken, { email: state.email, expiresAt: Date.now() + this.ttlSeconds * 1000 });
  }

  // --- dispatch --------------------------------------------------------------------------------

  protected override scriptKey(credential: string): string {
    return this.keys.get(credential)?.label ?? credential;
  }

  protected route(method: string, pathname: string): string {
    if (method === 'POST' && pathname === '/v1/responses') return 'responses';
    if (method === 'POST' && pathname === '/backend-api/codex/responses') return 'codexResponses';
    if (method === 'GET' && pathname === '/v1/models') return 'listModels';
    if (method === 'GET' && pathname === '/backend-api/wham/usage') return 'usage';
    if (method === 'POST' && pathname === '/oauth/token') return 'token';
    return 'unknown';
  }

  protected resolveCredential(call: RecordedCall): string | undefined {
    const bearer = bearerOf(call.headers);
    if (bearer !== undefined) return this.keys.get(bearer)?.label ?? this.accessTokens.get(bearer)?.email;
    if (call.route === 'token' && isRecord(call.body)) {
      const { refresh_token: refreshToken, code } = call.body;
      if (typeof refreshToken === 'string') return this.refreshTokens.get(refreshToken) ?? this.retiredRefreshTokens.get(refreshToken)?.email;
      if (typeof code === 'string') return this.authCodes.get(code)?.email;
    }
    return undefined;
  }

  protected sseFrame(item: unknown): string {
    const type = isRecord(item) && typeof item.type === 'string' ? item.type : 'message';
    return `event: ${type}\ndata: ${JSON.stringify(item)}\n\n`;
  }

  protected internalErrorBody(message: string): unknown {
    return openAIError(message, 'server_error');
  }

  private requestHeaders(): Record<string, string> {
    return { 'x-request-id': `req_${randomHex(16)}`, 'openai-processing-ms': '42' };
  }

  private usageHeaders(state: AccountState): Record<string, string> {
    const now = Math.floor(Date.now() / 1000);
    return {
      'x-codex-primary-used-percent': String(state.usage.primaryUsedPercent),
      'x-codex-primary-window-minutes': '300',
      'x-codex-primary-reset-after-seconds': '9000',
      'x-codex-primary-reset-at': String(now + 9000),
      'x-codex-secondary-used-percent': String(state.usage.secondaryUsedPercent),
      'x-codex-secondary-window-minutes': '10080',
      'x-codex-secondary-reset-after-seconds': '300000',
      'x-codex-secondary-reset-at': String(now + 300000),
    };
  }

  protected override async runStep(ctx: RequestContext, step: Step): Promise<void> {
    if ('status' in step && !('sse' in step)) {
      await pause(ctx, step.delayMs);
      return sendJson(ctx, step.status, step.body, { ...this.requestHeaders(), ...step.headers });
    }
    return super.runStep(ctx, step);
  }

  protected async dispatch(ctx: RequestContext): Promise<void> {
    switch (ctx.call.route) {
      case 'unknown':
        return sendJson(ctx, 404, { detail: 'Not Found' });
      case 'token':
        if (await this.runScripted(ctx)) return;
        return this.onToken(ctx);
      case 'responses':
      case 'listModels':
        return this.onApi(ctx);
      case 'codexResponses':
      case 'usage':
        return this.onBackend(ctx);
    }
  }

  private async onApi(ctx: RequestContext): Promise<void> {
    const bearer = bearerOf(ctx.call.headers);
    const state = bearer ? this.keys.get(bearer) : undefined;
    if (!state || !state.valid) {
      return sendJson(ctx, 401, openAIError(`Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key'));
    }
    if (ctx.call.route === 'listModels') {
      if (await this.runScripted(ctx)) return;
      const data = this.models.filter((m) => !state.models || state.models.has(m)).map((id) => ({ id, object: 'model', created: 1754000000, owned_by: 'openai' }));
      return sendJson(ctx, 200, { object: 'list', data }, this.requestHeaders());
    }
    const body = isRecord(ctx.call.body) ? ctx.call.body : undefined;
    if (!body || typeof body.model !== 'string') return sendJson(ctx, 400, openAIError("Missing required parameter: 'model'.", 'invalid_request_error', 'missing_required_parameter', 'model'));
    if (body.input === undefined) return sendJson(ctx, 400, openAIError("Missing required parameter: 'input'.", 'invalid_request_error', 'missing_required_parameter', 'input'));
    if (!this.models.includes(body.model) || (state.models && !state.models.has(body.model))) {
      return sendJson(ctx, 400, openAIError(`The requested model '${body.model}' does not exist.`, 'invalid_request_error', 'model_not_found', 'model'));
    }
    if (await this.runScripted(ctx)) return;
    return this.answer(ctx, state.label, body, body.stream === true, this.requestHeaders());
  }

  private async onBackend(ctx: RequestContext): Promise<void> {
    const bearer = bearerOf(ctx.call.headers);
    const token = bearer ? this.accessTokens.get(bearer) : undefined;
    if (!token) return sendJson(ctx, 401, { detail: 'Could not parse your authentication token. Please try signing in again.' });
    if (token.expiresAt <= Date.now()) return sendJson(ctx, 401, tokenExpired401());
    const state = this.requireAccount(token.email);
    // Fake behaviour (real wording unverified): the account header must name the token's workspace.
    if (ctx.call.headers['chatgpt-account-id'] !== state.accountId) {
      return sendJson(ctx, 403, { detail: 'Missing or mismatched chatgpt-account-id header.' });
    }
    if (ctx.call.route === 'usage') {
      if (await this.runScripted(ctx)) return;
      const now = Math.floor(Date.now() / 1000);
      return sendJson(ctx, 200, {
        plan_type: state.planType,
        rate_limit: {
          allowed: state.usage.primaryUsedPercent < 100 && state.usage.secondaryUsedPercent < 100,
          limit_reached: state.usage.primaryUsedPercent >= 100 || state.usage.secondaryUsedPercent >= 100,
          primary_window: { used_percent: state.usage.primaryUsedPercent, limit_window_seconds: 18000, reset_after_seconds: 9000, reset_at: now + 9000 },
          secondary_window: { used_percent: state.usage.secondaryUsedPercent, limit_window_seconds: 604800, reset_after_seconds: 300000, reset_at: now + 300000 },
        },
      });
    }
    const body = isRecord(ctx.call.body) ? ctx.call.body : undefined;
    if (!body || typeof body.model !== 'string') return sendJson(ctx, 400, { detail: "Missing required parameter: 'model'." });
    if (this.strict) {
      if (body.stream !== true) return sendJson(ctx, 400, { detail: 'Stream must be set to true' });
      if (body.store !== false) return sendJson(ctx, 400, { detail: 'Store must be set to false' });
      if (typeof body.instructions !== 'string' || body.instructions === '') return sendJson(ctx, 400, { detail: 'Instructions are required' });
      if ('max_output_tokens' in body) return sendJson(ctx, 400, { detail: 'Unsupported parameter: max_output_tokens' });
    }
    if (!this.models.includes(body.model)) {
      return sendJson(ctx, 400, { detail: `The '${body.model}' model is not supported when using Codex with a ChatGPT account.` });
    }
    if (await this.runScripted(ctx)) return;
    return this.answer(ctx, state.email, body, body.stream === true, { ...this.requestHeaders(), ...this.usageHeaders(state) });
  }

  private answer(ctx: RequestContext, who: string, body: Record<string, unknown>, stream: boolean, headers: Record<string, string>): Promise<void> | void {
    const answer = defaultAnswer(who, body);
    const id = `resp_${randomHex(24)}`;
    const createdAt = Math.floor(Date.now() / 1000);
    if (!stream) {
      const response = responseObject(body, { id, createdAt, status: 'completed', output: answer.output, usage: answer.usage });
      return sendJson(ctx, 200, response, headers);
    }
    return sendSse(ctx, responseEvents(body, answer, { id, createdAt }), (item) => this.sseFrame(item), { headers });
  }

  private onToken(ctx: RequestContext): void {
    const form = isRecord(ctx.call.body) ? ctx.call.body : {};
    const field = (name: string): string | undefined => (typeof form[name] === 'string' ? form[name] : undefined);
    const grantType = field('grant_type');
    if (field('client_id') !== CODEX_CLIENT_ID) return sendJson(ctx, 401, { error: 'invalid_client', error_description: 'Unknown client' });

    let state: AccountState;
    if (grantType === 'refresh_token') {
      const refreshToken = field('refresh_token') ?? '';
      const email = this.refreshTokens.get(refreshToken);
      if (!email) {
        const retired = this.retiredRefreshTokens.get(refreshToken);
        if (retired) {
          const messages: Record<string, string> = {
            refresh_token_reused: 'Your refresh token has already been used to generate a new access token. Please try signing in again.',
            refresh_token_invalidated: 'Your refresh token has been invalidated. Please try signing in again.',
            refresh_token_expired: 'Your refresh token has expired. Please try signing in again.',
          };
          return sendJson(ctx, 401, openAIError(messages[retired.code] ?? 'Invalid refresh token.', 'invalid_request_error', retired.code));
        }
        return sendJson(ctx, 400, { error: 'invalid_grant', error_description: 'Invalid refresh token' });
      }
      state = this.requireAccount(email);
      this.setRefreshToken(state, `rt_fake_${alnumId(40)}`);
    } else if (grantType === 'authorization_code') {
      const code = field('code') ?? '';
      const grant = this.authCodes.get(code);
      if (!grant) return sendJson(ctx, 400, { error: 'invalid_grant', error_description: 'Invalid authorization code' });
      if (grant.redirectUri !== undefined && field('redirect_uri') !== grant.redirectUri) {
        return sendJson(ctx, 400, { error: 'invalid_grant', error_description: 'redirect_uri mismatch' });
      }
      if (grant.codeChallenge !== undefined) {
        const verifier = field('code_verifier');
        if (!verifier || pkceChallenge(verifier) !== grant.codeChallenge) return sendJson(ctx, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
      }
      this.authCodes.delete(code);
      state = this.requireAccount(grant.email);
    } else {
      return sendJson(ctx, 400, { error: 'unsupported_grant_type', error_description: `Unsupported grant type: ${grantType ?? ''}` });
    }
    this.mintTokens(state);
    return sendJson(ctx, 200, {
      id_token: state.idToken,
      access_token: state.accessToken,
      refresh_token: state.refreshToken,
      expires_in: this.ttlSeconds,
      token_type: 'Bearer',
      scope: CODEX_SCOPES,
    });
  }
}

/**
 * Starts the fake on 127.0.0.1 (port 0 unless given).
 *
 * Default answers (nothing scripted): one message item `Hello from <label|email> (<model>): <last
 * user text>`; declared function tools and "call <tool> {json}" → function_call item(s); trailing
 * function_call_output items → `Tool said: <output>`; a `reasoning` object → a leading reasoning item
 * (summary `Thinking about it` when `reasoning.summary` is set; encrypted_content when `include` asks
 * for `reasoning.encrypted_content`) and reasoning_tokens. Streams split text into 3 deltas, arguments
 * and summaries into 2; response.completed carries the full output and usage.
 */
export async function startFakeCodex(opts: FakeCodexOptions = {}): Promise<FakeCodex> {
  const fake = new FakeCodexServer(opts);
  await fake.listen();
  return fake;
}

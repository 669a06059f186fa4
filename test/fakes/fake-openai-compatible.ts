/**
 * A fake OpenAI-compatible provider (OpenRouter, DashScope compatible mode, any `/v1/chat/completions`
 * server) for tests, on one node:http server on loopback (port 0 by default). Wire format per
 * docs/upstreams.md §3:
 *
 * - `POST {basePath}/chat/completions`, non-streaming (`chat.completion`) and streaming
 *   (`chat.completion.chunk` events as `data: <json>\n\n`, then `data: [DONE]`), usage on the
 *   response and, with `stream_options.include_usage`, in a final chunk with `choices: []`;
 * - `GET {basePath}/models` (`{object: "list", data: [...]}`) and `GET {basePath}/models/{id}`;
 * - `Authorization: Bearer <key>`; OpenAI-style error bodies `{error: {message, type, param, code}}`.
 *
 * `basePath` defaults to `/v1` (OpenRouter uses `/api/v1`, DashScope `/compatible-mode/v1`), so the
 * provider's base URL is `fake.baseUrl` (= url + basePath). Keys are registered with `addKey`;
 * every request is recorded with `credential` = the key's label, extra headers included
 * (HTTP-Referer, X-Title, …).
 */
import {
  FakeCore,
  alnumId,
  bearerOf,
  findToolCalls,
  isRecord,
  pause,
  sendJson,
  sendSse,
  splitText,
  tokensFor,
  TINY_PNG_BASE64,
  type RecordedCall,
  type RequestContext,
  type Step,
} from './fake-http.js';

export type { RecordedCall, Step } from './fake-http.js';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export type OpenAICompatibleMethod = 'chatCompletions' | 'listModels' | 'getModel';

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface FakeOpenAICompatibleKeyOptions {
  /** Name used in answers, `calls[].credential` and scripts. Default `key-<n>`. */
  label?: string;
  /** Models this key may use; others answer 404 model_not_found. Default: all. */
  models?: string[];
}

export interface FakeOpenAICompatibleKey {
  readonly key: string;
  readonly label: string;
  readonly valid: boolean;
}

export interface FakeOpenAICompatibleOptions {
  port?: number;
  /** Path prefix of the API (default '/v1'). */
  basePath?: string;
  /** Served model ids. Default DEFAULT_OPENAI_COMPATIBLE_MODELS. */
  models?: string[];
  /** `owned_by` in /models. Default 'fake-provider'. */
  ownedBy?: string;
  /** Where reasoning text goes: DeepSeek/DashScope `reasoning_content` (default) or OpenRouter `reasoning`. */
  reasoningField?: 'reasoning_content' | 'reasoning';
}

export interface FakeOpenAICompatible {
  /** Server origin, e.g. http://127.0.0.1:41234. */
  url: string;
  /** The provider base URL to configure: url + basePath (e.g. http://127.0.0.1:41234/v1). */
  baseUrl: string;
  calls: RecordedCall[];
  addKey(key: string, opts?: FakeOpenAICompatibleKeyOptions): FakeOpenAICompatibleKey;
  /** Appends steps for a key (raw key or label) or '*'; consumed in order, then defaults resume. */
  script(key: string, method: OpenAICompatibleMethod, steps: Step[]): void;
  callsTo(method: OpenAICompatibleMethod | string, key?: string): RecordedCall[];
  /** The key stops working: 401 invalid_api_key. */
  revokeKey(key: string): void;
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_OPENAI_COMPATIBLE_MODELS = [
  'gpt-4o-mini',
  'qwen-plus',
  'qwen3-max',
  'deepseek-reasoner',
  'google/gemini-2.5-flash-image',
] as const;

// ---------------------------------------------------------------------------------------------
// Error builders
// ---------------------------------------------------------------------------------------------

export function openAIError(message: string, type: string, code: string | null = null, param: string | null = null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

function maskKey(key: string): string {
  return key.length <= 8 ? '***' : `${key.slice(0, 3)}*********${key.slice(-4)}`;
}

export function invalidApiKey401(key: string): OpenAIErrorBody {
  return openAIError(
    `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    'invalid_api_key',
  );
}

export function modelNotFound404(model: string): OpenAIErrorBody {
  return openAIError(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found');
}

/**
 * A 429 rate-limit step with OpenAI's headers: `retry-after` (seconds), `retry-after-ms`,
 * `x-ratelimit-limit-requests`, `x-ratelimit-remaining-requests: 0`, `x-ratelimit-reset-requests`
 * (a Go-style duration such as "20s", "6m0s") and the token equivalents.
 */
export function rateLimited429(opts: { retryAfterSeconds?: number; resetRequests?: string; resetTokens?: string; model?: string } = {}): Step {
  const seconds = opts.retryAfterSeconds ?? 20;
  return {
    status: 429,
    headers: {
      'retry-after': String(seconds),
      'retry-after-ms': String(seconds * 1000),
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': opts.resetRequests ?? `${seconds}s`,
      'x-ratelimit-limit-tokens': '200000',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-tokens': opts.resetTokens ?? `${seconds}s`,
    },
    body: openAIError(
      `Rate limit reached for ${opts.model ?? 'gpt-4o-mini'} in organization org-fake on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in ${seconds}s.`,
      'requests',
      'rate_limit_exceeded',
    ),
  };
}

/** 429 insufficient_quota: the key's billing quota is gone (terminal, not a rate limit). */
export function insufficientQuota429(): OpenAIErrorBody {
  return openAIError(
    'You exceeded your current quota, please check your plan and billing details.',
    'insufficient_quota',
    'insufficient_quota',
  );
}

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

interface ChatMessage {
  role: string;
  content?: unknown;
  tool_calls?: unknown[];
  tool_call_id?: string;
  [key: string]: unknown;
}

interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

interface ChatAnswer {
  content: string | null;
  reasoning?: string;
  toolCalls: ToolCall[];
  images: Array<{ type: 'image_url'; image_url: { url: string }; index: number }>;
  finishReason: 'stop' | 'tool_calls';
  usage: Record<string, unknown>;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (isRecord(part) && part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
      .filter((t) => t !== '')
      .join('\n');
  }
  return '';
}

function wantsReasoning(body: Record<string, unknown>): boolean {
  const effort = body.reasoning_effort;
  if (typeof effort === 'string') return effort !== 'none' && effort !== 'minimal';
  if (isRecord(body.reasoning)) return body.reasoning.enabled !== false && body.reasoning.effort !== 'none';
  const model = typeof body.model === 'string' ? body.model : '';
  return /reasoner|thinking|-r1\b/.test(model);
}

function defaultAnswer(who: string, body: Record<string, unknown>): ChatAnswer {
  const model = String(body.model);
  const messages = body.messages as ChatMessage[];
  const lastAssistant = messages.map((m) => m.role).lastIndexOf('assistant');
  const trailing = messages.slice(lastAssistant + 1);
  const toolResults = trailing.filter((m) => m.role === 'tool');
  const lastUser = [...trailing].reverse().find((m) => m.role === 'user');
  const lastText = textOf(lastUser?.content);

  const declared = new Set<string>();
  for (const tool of Array.isArray(body.tools) ? body.tools : []) {
    if (isRecord(tool) && isRecord(tool.function) && typeof tool.function.name === 'string') declared.add(tool.function.name);
  }

  let content: string | null;
  let toolCalls: ToolCall[] = [];
  const images: ChatAnswer['images'] = [];
  if (toolResults.length > 0) {
    content = toolResults.map((m) => `Tool said: ${textOf(m.content)}`).join('\n');
  } else {
    toolCalls = findToolCalls(lastText, declared).map(({ name, args }) => ({
      id: `call_${alnumId(24)}`,
      type: 'function' as const,
      function: { name, arguments: JSON.stringify(args) },
    }));
    content = toolCalls.length > 0 ? null : `Hello from ${who} (${model}): ${lastText}`;
    const modalities = Array.isArray(body.modalities) ? body.modalities.map(String) : [];
    if (toolCalls.length === 0 && (model.includes('image') || modalities.includes('image'))) {
      images.push({ type: 'image_url', image_url: { url: `data:image/png;base64,${TINY_PNG_BASE64}` }, index: 0 });
    }
  }
  const reasoning = wantsReasoning(body) ? 'Thinking about it' : undefined;
  const promptTokens = tokensFor(messages.reduce((sum, m) => sum + textOf(m.content).length, 0));
  const reasoningTokens = reasoning ? tokensFor(reasoning.length) : 0;
  const completionTokens =
    tokensFor((content ?? '').length + toolCalls.reduce((s, c) => s + c.function.name.length + c.function.arguments.length, 0)) +
    reasoningTokens +
    images.length * 1290;
  return {
    content,
    reasoning,
    toolCalls,
    images,
    finishReason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: reasoningTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Body builders (also for scripts)
// ---------------------------------------------------------------------------------------------

export interface ChunkOptions {
  model?: string;
  id?: string;
  created?: number;
  /** Include a final `choices: []` chunk with this usage (and `usage: null` on the others). */
  usage?: Record<string, unknown>;
}

/** A streamed text answer as chat.completion.chunk objects (role chunk, `pieces` deltas, finish chunk), then '[DONE]'. */
export function chatTextChunks(text: string, opts: ChunkOptions & { pieces?: number } = {}): unknown[] {
  const base = { id: opts.id ?? `chatcmpl-${alnumId(29)}`, object: 'chat.completion.chunk', created: opts.created ?? Math.floor(Date.now() / 1000), model: opts.model ?? 'gpt-4o-mini' };
  const withUsage = (o: Record<string, unknown>): Record<string, unknown> => (opts.usage ? { ...o, usage: null } : o);
  const chunks: unknown[] = [withUsage({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }] })];
  for (const piece of splitText(text, opts.pieces ?? 3)) {
    chunks.push(withUsage({ ...base, choices: [{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }] }));
  }
  chunks.push(withUsage({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] }));
  if (opts.usage) chunks.push({ ...base, choices: [], usage: opts.usage });
  chunks.push('data: [DONE]\n\n');
  return chunks;
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

interface KeyState {
  key: string;
  label: string;
  valid: boolean;
  models?: Set<string>;
  view: FakeOpenAICompatibleKey;
}

class FakeOpenAICompatibleServer extends FakeCore implements FakeOpenAICompatible {
  baseUrl = '';
  private readonly keys = new Map<string, KeyState>();
  private readonly labels = new Map<string, KeyState>();
  private readonly basePath: string;
  private readonly models: string[];
  private readonly ownedBy: string;
  private readonly reasoningField: 'reasoning_content' | 'reasoning';
  private readonly created = Math.floor(Date.now() / 1000) - 86400;

  constructor(opts: FakeOpenAICompatibleOptions) {
    super({ port: opts.port, name: 'fake-openai-compatible' });
    this.basePath = (opts.basePath ?? '/v1').replace(/\/+$/, '');
    this.models = [...(opts.models ?? DEFAULT_OPENAI_COMPATIBLE_MODELS)];
    this.ownedBy = opts.ownedBy ?? 'fake-provider';
    this.reasoningField = opts.reasoningField ?? 'reasoning_content';
  }

  override async listen(): Promise<void> {
    await super.listen();
    this.baseUrl = `${this.url}${this.basePath}`;
  }

  addKey(key: string, opts: FakeOpenAICompatibleKeyOptions = {}): FakeOpenAICompatibleKey {
    if (this.keys.has(key)) throw new Error('fake-openai-compatible: key already registered');
    const label = opts.label ?? `key-${this.keys.size + 1}`;
    if (this.labels.has(label)) throw new Error(`fake-openai-compatible: label ${label} already in use`);
    const state: KeyState = { key, label, valid: true, models: opts.models ? new Set(opts.models) : undefined, view: undefined as unknown as FakeOpenAICompatibleKey };
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
    if (!state) throw new Error('fake-openai-compatible: unknown key');
    state.valid = false;
  }

  override script(key: string, method: OpenAICompatibleMethod, steps: Step[]): void {
    super.script(key, method, steps);
  }

  protected override scriptKey(credential: string): string {
    return this.keys.get(credential)?.label ?? credential;
  }

  protected route(method: string, pathname: string): string {
    if (!pathname.startsWith(`${this.basePath}/`)) return 'unknown';
    const rest = pathname.slice(this.basePath.length);
    if (method === 'POST' && rest === '/chat/completions') return 'chatCompletions';
    if (method === 'GET' && rest === '/models') return 'listModels';
    if (method === 'GET' && /^\/models\/.+$/.test(rest)) return 'getModel';
    return 'unknown';
  }

  protected resolveCredential(call: RecordedCall): string | undefined {
    const bearer = bearerOf(call.headers);
    return bearer === undefined ? undefined : this.keys.get(bearer)?.label;
  }

  protected sseFrame(item: unknown): string {
    return `data: ${JSON.stringify(item)}\n\n`;
  }

  protected internalErrorBody(message: string): unknown {
    return openAIError(message, 'server_error');
  }

  private headers(): Record<string, string> {
    return {
      'x-request-id': `req_${alnumId(32)}`,
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-remaining-requests': '499',
      'x-ratelimit-reset-requests': '120ms',
      'x-ratelimit-limit-tokens': '200000',
      'x-ratelimit-remaining-tokens': '199000',
      'x-ratelimit-reset-tokens': '300ms',
    };
  }

  protected async dispatch(ctx: RequestContext): Promise<void> {
    const { call } = ctx;
    if (call.route === 'unknown') {
      return sendJson(ctx, 404, openAIError(`Invalid URL (${call.method} ${call.path})`, 'invalid_request_error'));
    }
    const bearer = bearerOf(call.headers);
    if (!bearer) {
      return sendJson(
        ctx,
        401,
        openAIError(
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          'invalid_request_error',
        ),
      );
    }
    const state = this.keys.get(bearer);
    if (!state || !state.valid) return sendJson(ctx, 401, invalidApiKey401(bearer));

    if (call.route === 'listModels') {
      if (await this.runScripted(ctx)) return;
      const data = this.models.filter((m) => !state.models || state.models.has(m)).map((id) => this.modelEntry(id));
      return sendJson(ctx, 200, { object: 'list', data }, this.headers());
    }
    if (call.route === 'getModel') {
      const id = decodeURIComponent(call.path.slice(`${this.basePath}/models/`.length));
      if (!this.models.includes(id) || (state.models && !state.models.has(id))) return sendJson(ctx, 404, modelNotFound404(id));
      if (await this.runScripted(ctx)) return;
      return sendJson(ctx, 200, this.modelEntry(id), this.headers());
    }

    const body = isRecord(call.body) ? call.body : undefined;
    if (!body) return sendJson(ctx, 400, openAIError('We could not parse the JSON body of your request.', 'invalid_request_error'));
    if (typeof body.model !== 'string' || body.model === '') {
      return sendJson(ctx, 400, openAIError('you must provide a model parameter', 'invalid_request_error'));
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return sendJson(ctx, 400, openAIError("[] is too short - 'messages'", 'invalid_request_error', 'empty_array', 'messages'));
    }
    if (!this.models.includes(body.model) || (state.models && !state.models.has(body.model))) {
      return sendJson(ctx, 404, modelNotFound404(body.model));
    }
    if (await this.runScripted(ctx)) return;

    const answer = defaultAnswer(state.label, body);
    const id = `chatcmpl-${alnumId(29)}`;
    const created = Math.floor(Date.now() / 1000);
    if (body.stream !== true) {
      const message: Record<string, unknown> = { role: 'assistant', content: answer.content, refusal: null, annotations: [] };
      if (answer.reasoning) message[this.reasoningField] = answer.reasoning;
      if (answer.toolCalls.length > 0) message.tool_calls = answer.toolCalls;
      if (answer.images.length > 0) message.images = answer.images;
      return sendJson(
        ctx,
        200,
        {
          id,
          object: 'chat.completion',
          created,
          model: body.model,
          choices: [{ index: 0, message, logprobs: null, finish_reason: answer.finishReason }],
          usage: answer.usage,
          service_tier: 'default',
          system_fingerprint: 'fp_fake',
        },
        this.headers(),
      );
    }
    const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
    return sendSse(ctx, this.chunksFor(answer, { id, created, model: body.model, includeUsage }), (item) => this.sseFrame(item), { headers: this.headers() });
  }

  private modelEntry(id: string): Record<string, unknown> {
    return { id, object: 'model', created: this.created, owned_by: this.ownedBy };
  }

  private chunksFor(answer: ChatAnswer, o: { id: string; created: number; model: string; includeUsage: boolean }): unknown[] {
    const base = { id: o.id, object: 'chat.completion.chunk', created: o.created, model: o.model, service_tier: 'default', system_fingerprint: 'fp_fake' };
    const chunk = (delta: Record<string, unknown>, finish: string | null = null): Record<string, unknown> => {
      const c: Record<string, unknown> = { ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
      if (o.includeUsage) c.usage = null;
      return c;
    };
    const out: unknown[] = [chunk({ role: 'assistant', content: answer.content === null ? null : '', refusal: null })];
    if (answer.reasoning) for (const piece of splitText(answer.reasoning, 2)) out.push(chunk({ [this.reasoningField]: piece }));
    if (answer.content) for (const piece of splitText(answer.content, 3)) out.push(chunk({ content: piece }));
    answer.toolCalls.forEach((call, index) => {
      out.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
      for (const piece of splitText(call.function.arguments, 2)) out.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    });
    if (answer.images.length > 0) out.push(chunk({ images: answer.images }));
    out.push(chunk({}, answer.finishReason));
    if (o.includeUsage) out.push({ ...base, choices: [], usage: answer.usage });
    out.push('data: [DONE]\n\n');
    return out;
  }

  protected override async runStep(ctx: RequestContext, step: Step): Promise<void> {
    if ('status' in step && !('sse' in step)) {
      await pause(ctx, step.delayMs);
      return sendJson(ctx, step.status, step.body, { 'x-request-id': `req_${alnumId(32)}`, ...step.headers });
    }
    return super.runStep(ctx, step);
  }
}

/**
 * Starts the fake on 127.0.0.1 (port 0 unless given).
 *
 * Default answers (nothing scripted): `Hello from <label> (<model>): <last user text>`; declared
 * tools and "call <tool> {json}" → `tool_calls` (finish_reason "tool_calls", arguments streamed in
 * pieces); trailing `role: "tool"` messages → `Tool said: <content>`; `reasoning_effort` / `reasoning`
 * (or a model id with "reasoner"/"thinking"/"-r1") → reasoning text `Thinking about it` in
 * `reasoning_content` (or `reasoning`); a model id containing "image" or `modalities: ["image"]` →
 * `images: [{type: "image_url", image_url: {url: "data:image/png;base64,…"}}]` (OpenRouter style).
 */
export async function startFakeOpenAICompatible(opts: FakeOpenAICompatibleOptions = {}): Promise<FakeOpenAICompatible> {
  const fake = new FakeOpenAICompatibleServer(opts);
  await fake.listen();
  return fake;
}

/**
 * A fake Google AI Studio (the Gemini API, `generativelanguage.googleapis.com`) for tests, served by
 * one node:http server on loopback (port 0 by default). Wire format per docs/upstreams.md §1:
 *
 * - `POST /v1beta/models/{model}:generateContent` (also under /v1 and /v1alpha: @google/genai 3.x
 *   defaults to /v1, gemini-cli and CLIProxyAPI use /v1beta), `:streamGenerateContent` (`?alt=sse` → SSE
 *   `data: <json>\r\n\r\n`, no `[DONE]`; without alt → one JSON array), `:countTokens`;
 * - `GET /v1beta/models` (pageSize/pageToken) and `GET /v1beta/models/{model}`;
 * - the API key in `x-goog-api-key` (or `?key=`); Google RPC error bodies.
 *
 * Point the gateway at it with `fake.url` as the Gemini API base URL (the SDK's `httpOptions.baseUrl`
 * takes the same value). Keys are registered with `addKey`; every request is recorded in
 * `fake.calls` with `credential` = the key's label. Responses can be scripted per key and method;
 * when a script runs out the default, deterministic behaviour resumes (see startFakeAiStudio).
 */
import { googleError, type GoogleErrorBody } from './fake-google.js';
import {
  FakeCore,
  isRecord,
  pause,
  sendJson,
  sendSse,
  tokensFor,
  type RecordedCall,
  type RequestContext,
  type Step,
} from './fake-http.js';
import {
  findUnsignedFunctionCall,
  geminiDefaultAnswer,
  geminiResponse,
  geminiStreamChunks,
  textCharsOf,
  type GeminiContent,
} from './gemini-answer.js';

export type { RecordedCall, Step } from './fake-http.js';
export { geminiResponse, geminiStreamChunks, geminiTextChunks, type GeminiResponse } from './gemini-answer.js';
export { googleError } from './fake-google.js';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export type AiStudioMethod = 'generateContent' | 'streamGenerateContent' | 'countTokens' | 'listModels' | 'getModel';

/** One entry of `GET /v1beta/models` (the fields the Gemini API returns). */
export interface AiStudioModel {
  name: string;
  version: string;
  displayName: string;
  description?: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  supportedGenerationMethods: string[];
  temperature?: number;
  topP?: number;
  topK?: number;
  maxTemperature?: number;
  thinking?: boolean;
}

export interface FakeAiStudioKeyOptions {
  /** Name used in answers, `calls[].credential` and scripts. Default `key-<n>` (1-based registration order). */
  label?: string;
  /** Models this key may use (ids without `models/`); others answer 404 like an unknown model. Default: all. */
  models?: string[];
}

export interface FakeAiStudioKey {
  readonly key: string;
  readonly label: string;
  /** False once revokeKey() was called. */
  readonly valid: boolean;
}

export interface FakeAiStudioOptions {
  port?: number;
  /** The model catalogue (ids without `models/`). Default: DEFAULT_AI_STUDIO_MODELS. */
  models?: string[];
  /** Reject gemini-3* requests that replay an unsigned functionCall in the active loop (default true). */
  validateThoughtSignatures?: boolean;
}

export interface FakeAiStudio {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash, no /v1beta). */
  url: string;
  /** Every request, in arrival order. `credential` is the key's label. */
  calls: RecordedCall[];
  addKey(key: string, opts?: FakeAiStudioKeyOptions): FakeAiStudioKey;
  /** Appends steps for a key (raw key or label) or '*'; consumed in order, then defaults resume. */
  script(key: string, method: AiStudioMethod, steps: Step[]): void;
  callsTo(method: AiStudioMethod | string, key?: string): RecordedCall[];
  /** The key stops working: 400 API_KEY_INVALID. */
  revokeKey(key: string): void;
  reset(): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Catalogue and error bodies
// ---------------------------------------------------------------------------------------------

/** Model ids the fake lists and serves by default (AI Studio names; image models included). */
export const DEFAULT_AI_STUDIO_MODELS = [
  'gemini-2.5-pro',
  'gemini-2.5-flash',
  'gemini-2.5-flash-lite',
  'gemini-3-pro-preview',
  'gemini-3-flash-preview',
  'gemini-2.5-flash-image',
  'gemini-3-pro-image-preview',
  'gemini-3.1-flash-image-preview',
] as const;

function displayNameOf(id: string): string {
  return id
    .split('-')
    .map((w) => (w === 'gemini' ? 'Gemini' : w === 'preview' ? 'Preview' : /^\d/.test(w) ? w : w[0]!.toUpperCase() + w.slice(1)))
    .join(' ');
}

export function aiStudioModelEntry(id: string): AiStudioModel {
  const image = id.includes('image');
  const entry: AiStudioModel = {
    name: `models/${id}`,
    version: id.includes('preview') ? `${id}-fake` : '001',
    displayName: displayNameOf(id),
    description: `Fake ${displayNameOf(id)}`,
    inputTokenLimit: image ? 32768 : 1048576,
    outputTokenLimit: image ? 32768 : 65536,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
  };
  if (!image) entry.thinking = true;
  return entry;
}

/** 400 for an unknown or revoked key (wording and ErrorInfo as the Gemini API sends them). */
export function apiKeyInvalid400(): GoogleErrorBody {
  const message = 'API key not valid. Please pass a valid API key.';
  return googleError(400, 'INVALID_ARGUMENT', message, [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'API_KEY_INVALID',
      domain: 'googleapis.com',
      metadata: { service: 'generativelanguage.googleapis.com' },
    },
    { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
  ]);
}

/** 403 when no key is sent at all. Message text unverified. */
export function unregisteredCaller403(): GoogleErrorBody {
  return googleError(
    403,
    'PERMISSION_DENIED',
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  );
}

/** 404 for a model the API (or this key) does not serve. */
export function modelNotFound404(model: string, method = 'generateContent', apiVersion = 'v1beta'): GoogleErrorBody {
  return googleError(
    404,
    'NOT_FOUND',
    `models/${model} is not found for API version ${apiVersion}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
  );
}

/**
 * 429 RESOURCE_EXHAUSTED as AI Studio sends it: Help link, QuotaFailure (metric, quotaId, model) and a
 * RetryInfo whose delay also appears in the message ("Please retry in 58.2s.").
 */
export function quotaExceeded429(opts: { model: string; retryDelaySeconds?: number; perDay?: boolean; freeTier?: boolean } = { model: 'gemini-2.5-flash' }): GoogleErrorBody {
  const freeTier = opts.freeTier ?? true;
  const metric = `generativelanguage.googleapis.com/${freeTier ? 'generate_content_free_tier_requests' : 'generate_requests_per_model_per_day'}`;
  const quotaId = `GenerateRequestsPer${opts.perDay ? 'Day' : 'Minute'}PerProjectPerModel${freeTier ? '-FreeTier' : ''}`;
  const limit = opts.perDay ? '250' : '10';
  const seconds = opts.retryDelaySeconds ?? 30;
  const details: unknown[] = [
    {
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }],
    },
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [{ quotaMetric: metric, quotaId, quotaDimensions: { location: 'global', model: opts.model }, quotaValue: limit }],
    },
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${Math.floor(seconds)}s` },
  ];
  return googleError(
    429,
    'RESOURCE_EXHAUSTED',
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: ' +
      'https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. \n' +
      `* Quota exceeded for metric: ${metric}, limit: ${limit}, model: ${opts.model}\nPlease retry in ${seconds}s.`,
    details,
  );
}

/** 503 UNAVAILABLE "The model is overloaded." (retry elsewhere). */
export function overloaded503(): GoogleErrorBody {
  return googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
}

function invalidArgument400(message: string): GoogleErrorBody {
  return googleError(400, 'INVALID_ARGUMENT', message);
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

interface KeyState {
  key: string;
  label: string;
  valid: boolean;
  models?: Set<string>;
  view: FakeAiStudioKey;
}

const GENERATE_PATH = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):([A-Za-z]+)$/;
const MODEL_PATH = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+)$/;

class FakeAiStudioServer extends FakeCore implements FakeAiStudio {
  private readonly keys = new Map<string, KeyState>();
  private readonly labels = new Map<string, KeyState>();
  private readonly catalogue: string[];
  private readonly validateSignatures: boolean;

  constructor(opts: FakeAiStudioOptions) {
    super({ port: opts.port, name: 'fake-ai-studio' });
    this.catalogue = [...(opts.models ?? DEFAULT_AI_STUDIO_MODELS)];
    this.validateSignatures = opts.validateThoughtSignatures ?? true;
  }

  addKey(key: string, opts: FakeAiStudioKeyOptions = {}): FakeAiStudioKey {
    if (this.keys.has(key)) throw new Error('fake-ai-studio: key already registered');
    const label = opts.label ?? `key-${this.keys.size + 1}`;
    if (this.labels.has(label)) throw new Error(`fake-ai-studio: label ${label} already in use`);
    const state: KeyState = {
      key,
      label,
      valid: true,
      models: opts.models ? new Set(opts.models) : undefined,
      view: undefined as unknown as FakeAiStudioKey,
    };
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
    if (!state) throw new Error('fake-ai-studio: unknown key');
    state.valid = false;
  }

  override script(key: string, method: AiStudioMethod, steps: Step[]): void {
    super.script(key, method, steps);
  }

  protected override scriptKey(credential: string): string {
    return this.keys.get(credential)?.label ?? credential;
  }

  protected route(method: string, pathname: string): string {
    const gen = GENERATE_PATH.exec(pathname);
    if (gen && method === 'POST') {
      const verb = gen[3]!;
      if (verb === 'generateContent' || verb === 'streamGenerateContent' || verb === 'countTokens') return verb;
      return 'unknown';
    }
    if (method === 'GET' && /^\/(v1beta|v1|v1alpha)\/models$/.test(pathname)) return 'listModels';
    if (method === 'GET' && MODEL_PATH.test(pathname)) return 'getModel';
    return 'unknown';
  }

  protected resolveCredential(call: RecordedCall): string | undefined {
    const key = call.headers['x-goog-api-key'] ?? call.query.key;
    return key === undefined ? undefined : this.keys.get(key)?.label;
  }

  protected sseFrame(item: unknown): string {
    // The Gemini API frames each chunk as `data: <json>` followed by a blank line; CRLF line ends
    // (docs/upstreams.md §1.3, unverified: every SSE parser must accept both).
    return `data: ${JSON.stringify(item)}\r\n\r\n`;
  }

  protected internalErrorBody(message: string): unknown {
    return googleError(500, 'INTERNAL', message);
  }

  protected async dispatch(ctx: RequestContext): Promise<void> {
    const { call } = ctx;
    if (call.route === 'unknown') {
      return sendJson(ctx, 404, googleError(404, 'NOT_FOUND', `Method not found: ${call.method} ${call.path}`), undefined, { pretty: true });
    }
    const key = call.headers['x-goog-api-key'] ?? call.query.key;
    if (key === undefined || key === '') return this.json(ctx, 403, unregisteredCaller403());
    const state = this.keys.get(key);
    if (!state || !state.valid) return this.json(ctx, 400, apiKeyInvalid400());

    if (call.route === 'listModels') {
      if (await this.runScripted(ctx)) return;
      return this.onListModels(ctx, state);
    }
    const match = GENERATE_PATH.exec(call.path) ?? MODEL_PATH.exec(call.path)!;
    const [, apiVersion, model] = match as unknown as [string, string, string];
    if (!this.catalogue.includes(model) || (state.models && !state.models.has(model))) {
      return this.json(ctx, 404, modelNotFound404(model, call.route === 'getModel' ? 'get' : call.route, apiVersion));
    }
    if (call.route === 'getModel') {
      if (await this.runScripted(ctx)) return;
      return this.json(ctx, 200, aiStudioModelEntry(model));
    }

    // Malformed requests are refused before any script: Google would never run them.
    const body = isRecord(call.body) ? call.body : undefined;
    if (!body) return this.json(ctx, 400, invalidArgument400('Invalid JSON payload received. Expected an object.'));
    if (call.route === 'countTokens') {
      const contents = Array.isArray(body.contents)
        ? body.contents
        : isRecord(body.generateContentRequest) && Array.isArray(body.generateContentRequest.contents)
          ? body.generateContentRequest.contents
          : undefined;
      if (!contents) return this.json(ctx, 400, invalidArgument400('* CountTokensRequest.contents: contents is not specified\n'));
      if (await this.runScripted(ctx)) return;
      const total = tokensFor(textCharsOf(contents));
      return this.json(ctx, 200, { totalTokens: total, promptTokensDetails: [{ modality: 'TEXT', tokenCount: total }] });
    }
    if (!Array.isArray(body.contents) || body.contents.length === 0) {
      return this.json(ctx, 400, invalidArgument400('* GenerateContentRequest.contents: contents is not specified\n'));
    }
    if (this.validateSignatures && model.startsWith('gemini-3')) {
      const missing = findUnsignedFunctionCall(body.contents as GeminiContent[]);
      if (missing) return this.json(ctx, 400, invalidArgument400(missing));
    }
    if (await this.runScripted(ctx)) return;

    const answer = geminiDefaultAnswer(state.label, model, body);
    if (call.route === 'generateContent') {
      return this.json(ctx, 200, geminiResponse(answer.parts, { model, usage: answer.usage }));
    }
    const chunks = geminiStreamChunks(answer, { model, usageOn: 'every' });
    if (call.query.alt !== 'sse') return this.json(ctx, 200, chunks);
    return sendSse(ctx, chunks, (item) => this.sseFrame(item), {});
  }

  private onListModels(ctx: RequestContext, state: KeyState): void {
    const visible = this.catalogue.filter((m) => !state.models || state.models.has(m));
    const pageSize = Math.min(1000, Math.max(1, Number.parseInt(ctx.call.query.pageSize ?? '50', 10) || 50));
    const offset = ctx.call.query.pageToken ? Number.parseInt(Buffer.from(ctx.call.query.pageToken, 'base64url').toString(), 10) || 0 : 0;
    const page = visible.slice(offset, offset + pageSize).map(aiStudioModelEntry);
    const body: Record<string, unknown> = { models: page };
    if (offset + pageSize < visible.length) body.nextPageToken = Buffer.from(String(offset + pageSize)).toString('base64url');
    return this.json(ctx, 200, body);
  }

  /** Google pretty-prints non-streaming JSON. */
  private json(ctx: RequestContext, status: number, body: unknown): void {
    sendJson(ctx, status, body, { vary: 'Origin, X-Origin, Referer' }, { pretty: true, contentType: 'application/json; charset=UTF-8' });
  }

  protected override async runStep(ctx: RequestContext, step: Step): Promise<void> {
    if ('status' in step && !('sse' in step)) {
      // Same pretty JSON and content type as the default answers.
      await pause(ctx, step.delayMs);
      return sendJson(ctx, step.status, step.body, { vary: 'Origin, X-Origin, Referer', ...step.headers }, {
        pretty: true,
        contentType: 'application/json; charset=UTF-8',
      });
    }
    return super.runStep(ctx, step);
  }
}

/**
 * Starts the fake on 127.0.0.1 (port 0 unless given).
 *
 * Default answers (nothing scripted): generateContent → `Hello from <label> (<model>): <last user
 * text>`; declared tools and "call <tool> {json}" → functionCall part(s) (the first signed);
 * a functionResponse in the last user turn → `Tool said: <json>`; a model id containing "image" →
 * caption (naming imageConfig.aspectRatio/imageSize when sent; omitted for responseModalities
 * ["IMAGE"]) plus a 1x1 PNG inlineData; includeThoughts → a leading thought part, a thoughtSignature
 * and thoughtsTokenCount. Streams split text into 3 chunks with a running usageMetadata on every
 * chunk and finishReason STOP on the last. countTokens counts ceil(chars/4).
 */
export async function startFakeAiStudio(opts: FakeAiStudioOptions = {}): Promise<FakeAiStudio> {
  const fake = new FakeAiStudioServer(opts);
  await fake.listen();
  return fake;
}

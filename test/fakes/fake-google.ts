/**
 * A fake Google for tests: Code Assist (`cloudcode-pa`), the OAuth token endpoint, tokeninfo and
 * userinfo, served by one node:http server on loopback (port 0 by default).
 *
 * It speaks the wire format described in /work/shared/docs/upstream-google.md and seen in
 * /work/shared/fixtures/gemini-cli-requests.json: `POST /v1internal:<method>` (colon),
 * `GET /v1internal/operations/<id>` (slash), `streamGenerateContent?alt=sse` as `data: <json>\n\n`
 * events with no `[DONE]`, Google RPC error bodies, form-encoded `/token`.
 *
 * Point the gateway at it with `fake.env` (CODE_ASSIST_ENDPOINT, OAUTH_PROXY_URL,
 * GOOGLEAPIS_PROXY_URL all equal `fake.url`). Every request is recorded in `fake.calls`.
 * Responses can be scripted per account and method; when a script runs out the default,
 * deterministic behaviour resumes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------
// Public values and wire types
// ---------------------------------------------------------------------------------------------

/** gemini-cli's public installed-app OAuth client (upstream-google.md §8). */
export const GEMINI_CLI_CLIENT_ID = '681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com';
export const GEMINI_CLI_CLIENT_SECRET = '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';
export const GEMINI_CLI_SCOPES = [
  'https://www.googleapis.com/auth/cloud-platform',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/userinfo.profile',
] as const;
/** Accepted by Google in place of a real thoughtSignature (upstream-google.md §5). */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';
/** A real 1x1 RGBA PNG. */
export const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
/** Directory that `{ fixture: 'name' }` steps read from. */
export const GOOGLE_FIXTURES_DIR = fileURLToPath(new URL('../fixtures/google/', import.meta.url));

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  functionCall?: { name: string; args: Record<string, unknown>; id?: string };
  functionResponse?: { name: string; response: unknown; id?: string };
  inlineData?: { mimeType: string; data: string };
  [key: string]: unknown;
}
export interface GeminiContent {
  role?: string;
  parts?: GeminiPart[];
}
export interface UsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount?: number;
  cachedContentTokenCount?: number;
  trafficType?: string;
  [key: string]: unknown;
}
export interface CodeAssistEnvelope {
  response: {
    candidates: Array<{ content: { role: 'model'; parts: GeminiPart[] }; finishReason?: string; index?: number }>;
    usageMetadata?: UsageMetadata;
    modelVersion: string;
    createTime: string;
    responseId: string;
  };
  traceId: string;
}
export interface GoogleErrorBody {
  error: { code: number; message: string; status: string; details?: unknown[]; errors?: unknown[] };
}

// ---------------------------------------------------------------------------------------------
// Public API types
// ---------------------------------------------------------------------------------------------

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON; form fields for form-encoded bodies (/token); the raw text if unparsable; null when empty. */
  body: unknown;
  /** Email resolved from the bearer token (even an expired one), the refresh token or the auth code. */
  account?: string;
  at: number;
  /** Which Google method this was: 'generateContent', 'token', 'operation', ... or 'unknown'. */
  rpc: FakeGoogleRpc;
  /** HTTP status the fake answered with; undefined while pending or for a hang. */
  status?: number;
}

export type Step =
  /** Plain answer. A string body is sent verbatim; anything else as JSON. */
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  /**
   * SSE answer (200, text/event-stream). Each object item becomes one event `data: <json>\n\n`;
   * a string item is written verbatim (for malformed or hand-framed events).
   * cutAfter: destroy the socket after N events. hangAfter: stop after N events, keep the socket open.
   */
  | {
      sse: unknown[];
      delayMs?: number;
      chunkDelayMs?: number;
      cutAfter?: number;
      hangAfter?: number;
      headers?: Record<string, string>;
    }
  /**
   * A file under test/fixtures/google/ (or an absolute path). `.sse` is sent as raw bytes with
   * text/event-stream; `.json` as JSON whose status is `status`, else the body's `error.code`, else 200.
   */
  | { fixture: string; status?: number; delayMs?: number }
  /** Never answer (the socket stays open until the client gives up or the fake closes). */
  | { hang: true };

export type ScriptableMethod =
  | 'generateContent'
  | 'streamGenerateContent'
  | 'countTokens'
  | 'token'
  | 'loadCodeAssist'
  | 'onboardUser'
  | 'userinfo'
  | 'operation'
  | 'retrieveUserQuota'
  | 'listExperiments'
  | 'tokeninfo';

export type FakeGoogleRpc = ScriptableMethod | 'fetchAdminControls' | 'recordCodeAssistMetrics' | 'unknown';

export type OnboardTier = 'free-tier' | 'standard-tier' | 'legacy-tier';

export interface FakeAccountOptions {
  email: string;
  /** Default: a fresh `1//fake-refresh-…` token. */
  refreshToken?: string;
  /** A valid access token to start with. Default: a freshly minted one. */
  accessToken?: string;
  /**
   * undefined → `proj-<email slug>` (already onboarded); null → not onboarded: loadCodeAssist has no
   * currentTier and the gateway must go through onboardUser + operation polling.
   */
  project?: string | null;
  /** currentTier id once onboarded. Default 'free-tier'. Ids other than free/standard/legacy are reported as paidTier. */
  tier?: string;
  /** The default allowed tier offered when project is null. Default 'free-tier'. */
  onboardTier?: OnboardTier;
  /** loadCodeAssist reports this in ineligibleTiers; onboardUser and generate answer 403. */
  ineligible?: { reasonCode: string; reasonMessage: string; validationUrl?: string };
  /** Every refresh of this account fails with `{ error, error_description }`, e.g. { status: 400, error: 'invalid_grant' }. */
  refreshError?: { status: number; error: string; description?: string };
}

/** A live view of an account: fields follow refreshes, rotations and onboarding. */
export interface FakeAccount {
  readonly email: string;
  /** The current refresh token. */
  readonly refreshToken: string;
  /** The most recently minted access token. */
  readonly accessToken: string;
  /** The current project (null until onboarding finished). */
  readonly project: string | null;
  readonly tier: string | null;
  /** Stable numeric Google account id (userinfo `id`, id_token `sub`). */
  readonly id: string;
}

export interface FakeGoogleOptions {
  port?: number;
  /** The operation GET that first answers done:true (1 = the first poll). 0 = onboardUser is done at once. */
  operationPollsBeforeDone?: number;
  /** Lifetime of minted access tokens, default 3599. */
  accessTokenTtlSeconds?: number;
  /** OAuth client the token endpoint accepts; default gemini-cli's. */
  clientId?: string;
  clientSecret?: string;
  /** Reject gemini-3* requests that replay an unsigned functionCall in the active loop (default true). */
  validateThoughtSignatures?: boolean;
}

export interface FakeGoogle {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** The three base-URL variables the gateway reads, all pointing at this fake. */
  env: { CODE_ASSIST_ENDPOINT: string; OAUTH_PROXY_URL: string; GOOGLEAPIS_PROXY_URL: string };
  /** Every request, in arrival order (the same array instance for the fake's lifetime). */
  calls: RecordedCall[];
  addAccount(o: FakeAccountOptions): FakeAccount;
  account(email: string): FakeAccount | undefined;
  /** Appends steps; consumed in order (account-specific steps first, then '*'); then defaults resume. */
  script(email: string | '*', method: ScriptableMethod, steps: Step[]): void;
  callsTo(method: string, email?: string): RecordedCall[];
  /** Registers a one-time authorization code for the account (created with defaults if unknown). */
  issueAuthCode(email: string, opts?: { redirectUri?: string; codeChallenge?: string }): string;
  /** Every access token minted so far for the account becomes expired (401 on use). */
  expireTokens(email: string): void;
  /** The account's refresh token stops working (400 invalid_grant "Token has been expired or revoked."). */
  revokeRefreshToken(email: string): void;
  /** Clears calls and scripts; accounts, tokens and operations stay. */
  reset(): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Body builders
// ---------------------------------------------------------------------------------------------

export interface EnvelopeOptions {
  model?: string;
  /** Prepends a thought part `{ text, thought: true }`. */
  thoughts?: string;
  /** Put on the first non-thought part. */
  thoughtSignature?: string;
  /** Merged over computed counts. */
  usage?: UsageMetadata;
  /** null = no finishReason (a mid-stream event). Default 'STOP'. */
  finishReason?: string | null;
  responseId?: string;
  traceId?: string;
  createTime?: string;
}

const DEFAULT_MODEL = 'gemini-2.5-pro';

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function randomId(): string {
  return randomBytes(12).toString('base64url');
}

function tokensFor(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

/** One Code Assist envelope holding `parts`. */
export function buildEnvelope(parts: GeminiPart[], opts: EnvelopeOptions = {}): CodeAssistEnvelope {
  const finishReason = opts.finishReason === undefined ? 'STOP' : opts.finishReason;
  const candidate: CodeAssistEnvelope['response']['candidates'][number] = { content: { role: 'model', parts } };
  if (finishReason !== null) candidate.finishReason = finishReason;
  const response: CodeAssistEnvelope['response'] = {
    candidates: [candidate],
    modelVersion: opts.model ?? DEFAULT_MODEL,
    createTime: opts.createTime ?? new Date().toISOString(),
    responseId: opts.responseId ?? randomId(),
  };
  if (opts.usage) {
    // Key order as Google sends it: candidates, usageMetadata, modelVersion, createTime, responseId.
    return {
      response: {
        candidates: response.candidates,
        usageMetadata: opts.usage,
        modelVersion: response.modelVersion,
        createTime: response.createTime,
        responseId: response.responseId,
      },
      traceId: opts.traceId ?? randomHex(8),
    };
  }
  return { response, traceId: opts.traceId ?? randomHex(8) };
}

function computeUsage(
  parts: GeminiPart[],
  promptTokens: number,
  override: UsageMetadata | undefined,
): UsageMetadata {
  let candidateChars = 0;
  let thoughtChars = 0;
  let extra = 0;
  for (const part of parts) {
    if (typeof part.text === 'string') {
      if (part.thought) thoughtChars += part.text.length;
      else candidateChars += part.text.length;
    }
    if (part.functionCall) candidateChars += JSON.stringify(part.functionCall).length;
    if (part.inlineData) extra += 258; // Gemini bills an image as 258 tokens
  }
  const candidatesTokenCount = tokensFor(candidateChars) + extra;
  const usage: UsageMetadata = { promptTokenCount: promptTokens, candidatesTokenCount };
  if (thoughtChars > 0) usage.thoughtsTokenCount = tokensFor(thoughtChars);
  const merged: UsageMetadata = { ...usage, ...override };
  if (override?.totalTokenCount === undefined) {
    merged.totalTokenCount =
      (merged.promptTokenCount ?? 0) + (merged.candidatesTokenCount ?? 0) + (merged.thoughtsTokenCount ?? 0);
  }
  return merged;
}

function withThoughts(parts: GeminiPart[], opts: { thoughts?: string; thoughtSignature?: string }): GeminiPart[] {
  const out = parts.map((p) => ({ ...p }));
  if (opts.thoughtSignature && out[0]) out[0] = { ...out[0], thoughtSignature: opts.thoughtSignature };
  if (opts.thoughts !== undefined) out.unshift({ text: opts.thoughts, thought: true });
  return out;
}

/** A complete non-streaming text answer. */
export function textEnvelope(text: string, opts: EnvelopeOptions = {}): CodeAssistEnvelope {
  const parts = withThoughts([{ text }], opts);
  return buildEnvelope(parts, { ...opts, usage: computeUsage(parts, opts.usage?.promptTokenCount ?? 8, opts.usage) });
}

/**
 * A text answer as streaming events: an optional thought event, then `chunks` text deltas (default 3);
 * finishReason STOP and usageMetadata on the last event. Shared responseId/traceId/createTime.
 */
export function sseTextEvents(
  text: string,
  opts: { chunks?: number; model?: string; thoughts?: string; thoughtSignature?: string; usage?: UsageMetadata } = {},
): CodeAssistEnvelope[] {
  const shared = { model: opts.model, responseId: randomId(), traceId: randomHex(8), createTime: new Date().toISOString() };
  const all = withThoughts([{ text }], opts);
  const usage = computeUsage(all, opts.usage?.promptTokenCount ?? 8, opts.usage);
  const events: GeminiPart[][] = [];
  if (opts.thoughts !== undefined) events.push([{ text: opts.thoughts, thought: true }]);
  splitText(text, opts.chunks ?? 3).forEach((piece, i) => {
    const part: GeminiPart = { text: piece };
    if (i === 0 && opts.thoughtSignature) part.thoughtSignature = opts.thoughtSignature;
    events.push([part]);
  });
  return events.map((parts, i) =>
    i === events.length - 1
      ? buildEnvelope(parts, { ...shared, usage })
      : buildEnvelope(parts, { ...shared, finishReason: null }),
  );
}

/** A model turn holding one functionCall part (signed when thoughtSignature is given). */
export function functionCallEnvelope(
  name: string,
  args: Record<string, unknown>,
  opts: { thoughtSignature?: string; id?: string; model?: string; usage?: UsageMetadata } = {},
): CodeAssistEnvelope {
  const functionCall: GeminiPart['functionCall'] = { name, args };
  if (opts.id) functionCall.id = opts.id;
  const part: GeminiPart = { functionCall };
  if (opts.thoughtSignature) part.thoughtSignature = opts.thoughtSignature;
  return buildEnvelope([part], {
    model: opts.model,
    usage: computeUsage([part], opts.usage?.promptTokenCount ?? 8, opts.usage),
  });
}

/** A model turn holding an inlineData image (and an optional caption text part first). */
export function imageEnvelope(
  mimeType: string,
  base64: string,
  opts: { text?: string; model?: string; usage?: UsageMetadata } = {},
): CodeAssistEnvelope {
  const parts: GeminiPart[] = [];
  if (opts.text !== undefined) parts.push({ text: opts.text });
  parts.push({ inlineData: { mimeType, data: base64 } });
  return buildEnvelope(parts, {
    model: opts.model ?? 'gemini-2.5-flash-image',
    usage: computeUsage(parts, opts.usage?.promptTokenCount ?? 8, opts.usage),
  });
}

/** A token endpoint answer. In a scripted `token` step its tokens get bound to the account (see script()). */
export function tokenResponse(
  opts: { accessToken?: string; refreshToken?: string; expiresIn?: number; scope?: string; idToken?: string } = {},
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    access_token: opts.accessToken ?? `ya29.fake.scripted.${randomHex(8)}`,
    expires_in: opts.expiresIn ?? 3599,
    scope: opts.scope ?? GEMINI_CLI_SCOPES.join(' '),
    token_type: 'Bearer',
  };
  if (opts.refreshToken !== undefined) body.refresh_token = opts.refreshToken;
  if (opts.idToken !== undefined) body.id_token = opts.idToken;
  return body;
}

const TYPE = 'type.googleapis.com/google.rpc.';

/** A Google RPC error body `{ error: { code, message, status, details? } }`. */
export function googleError(code: number, status: string, message: string, details?: unknown[]): GoogleErrorBody {
  const error: GoogleErrorBody['error'] = { code, message, status };
  if (details !== undefined) error.details = details;
  return { error };
}

/** Go's time.Duration.String() for a millisecond count (e.g. 13h19m1.2s, 500ms). */
export function goDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${trimNumber(ms)}ms`;
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds - hours * 3600) / 60);
  const seconds = totalSeconds - hours * 3600 - minutes * 60;
  let out = '';
  if (hours > 0) out += `${hours}h`;
  if (hours > 0 || minutes > 0) out += `${minutes}m`;
  return `${out}${trimNumber(seconds)}s`;
}

function trimNumber(n: number): string {
  return String(Number(n.toFixed(3)));
}

/** A protobuf Duration in JSON form ("47941.200s", "0.539s", "60s"). */
function protoDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  return Number.isInteger(s) ? `${s}s` : `${s.toFixed(3)}s`;
}

/**
 * 429 QUOTA_EXHAUSTED (terminal for this credential+model until resetIso): ErrorInfo with
 * quotaResetDelay/quotaResetTimeStamp and a RetryInfo; QuotaFailure (a PerDay quotaId) on request.
 */
export function quotaExhausted429(
  resetIso: string,
  model: string,
  opts: { now?: number; quotaFailure?: boolean } = {},
): GoogleErrorBody {
  const resetMs = Date.parse(resetIso);
  if (Number.isNaN(resetMs)) throw new Error(`quotaExhausted429: bad resetIso ${resetIso}`);
  const delayMs = Math.max(0, resetMs - (opts.now ?? Date.now()));
  const details: unknown[] = [
    {
      '@type': `${TYPE}ErrorInfo`,
      reason: 'QUOTA_EXHAUSTED',
      domain: 'cloudcode-pa.googleapis.com',
      metadata: {
        uiMessage: 'true',
        model,
        quotaResetDelay: goDuration(delayMs),
        quotaResetTimeStamp: new Date(resetMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
    },
    { '@type': `${TYPE}RetryInfo`, retryDelay: protoDuration(delayMs) },
  ];
  if (opts.quotaFailure) {
    details.push({
      '@type': `${TYPE}QuotaFailure`,
      violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel', quotaDimensions: { model } }],
    });
  }
  return googleError(
    429,
    'RESOURCE_EXHAUSTED',
    `You have exhausted your capacity on this model. Your quota will reset after ${goDuration(Math.round(delayMs / 1000) * 1000)}.`,
    details,
  );
}

/** 429 RATE_LIMIT_EXCEEDED with a RetryInfo (retryable after retryDelay when ≤ 300 s). Message text unverified. */
export function rateLimit429(retryDelay = '0.5s', model?: string): GoogleErrorBody {
  const seconds = Number.parseFloat(retryDelay);
  const metadata: Record<string, string> = { quotaResetDelay: goDuration(Number.isFinite(seconds) ? seconds * 1000 : 0) };
  if (model) metadata.model = model;
  return googleError(
    429,
    'RESOURCE_EXHAUSTED',
    `You have exhausted your capacity on this model. Your quota will reset after ${metadata.quotaResetDelay}.`,
    [
      { '@type': `${TYPE}ErrorInfo`, reason: 'RATE_LIMIT_EXCEEDED', domain: 'cloudcode-pa.googleapis.com', metadata },
      { '@type': `${TYPE}RetryInfo`, retryDelay },
    ],
  );
}

/** 429 with no details at all (retryable by gemini-cli's rules; gcli2api V3 bans for 4 h on it). */
export function bare429(): GoogleErrorBody {
  return googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).');
}

/** 429 with a QuotaFailure violation, e.g. '…PerMinute…' (retry after 60 s) or '…PerDay…' (terminal). */
export function quotaFailure429(quotaId: string, opts: { retryDelay?: string; model?: string } = {}): GoogleErrorBody {
  const violation: Record<string, unknown> = { quotaId };
  if (opts.model) violation.quotaDimensions = { model: opts.model, location: 'global' };
  const details: unknown[] = [{ '@type': `${TYPE}QuotaFailure`, violations: [violation] }];
  if (opts.retryDelay) details.push({ '@type': `${TYPE}RetryInfo`, retryDelay: opts.retryDelay });
  return googleError(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan and billing details.', details);
}

/** 429 MODEL_CAPACITY_EXHAUSTED, shaped like a captured gemini-3-flash-preview answer (legacy `errors` array included). */
export function capacityExhausted429(model: string): GoogleErrorBody {
  const message = `No capacity available for model ${model} on the server`;
  const body = googleError(429, 'RESOURCE_EXHAUSTED', message, [
    { '@type': `${TYPE}ErrorInfo`, reason: 'MODEL_CAPACITY_EXHAUSTED', domain: 'cloudcode-pa.googleapis.com', metadata: { model } },
  ]);
  body.error.errors = [{ message, domain: 'global', reason: 'rateLimitExceeded' }];
  return body;
}

/** 429 INSUFFICIENT_G1_CREDITS_BALANCE (terminal; gcli2api #416). Message text unverified. */
export function creditsExhausted429(): GoogleErrorBody {
  return googleError(429, 'RESOURCE_EXHAUSTED', 'Insufficient Google One AI credits balance.', [
    {
      '@type': `${TYPE}ErrorInfo`,
      reason: 'INSUFFICIENT_G1_CREDITS_BALANCE',
      domain: 'cloudcode-pa.googleapis.com',
      metadata: { error_number: '2008' },
    },
  ]);
}

export type Forbidden403Variant = 'validation' | 'license' | 'tos' | 'ineligible' | 'vpc-sc';

/** The 403 PERMISSION_DENIED variants of upstream-google.md §7.4. */
export function forbidden403(
  variant: Forbidden403Variant,
  opts: { validationUrl?: string; message?: string } = {},
): GoogleErrorBody {
  switch (variant) {
    case 'validation': {
      const url = opts.validationUrl ?? 'https://accounts.google.com/signin/continue?sarp=1&scc=1&plt=fake';
      return googleError(403, 'PERMISSION_DENIED', opts.message ?? 'Verify your account to continue.', [
        {
          '@type': `${TYPE}ErrorInfo`,
          reason: 'VALIDATION_REQUIRED',
          domain: 'cloudcode-pa.googleapis.com',
          metadata: { validation_url: url },
        },
        { '@type': `${TYPE}Help`, links: [{ description: 'Verify your account', url }] },
      ]);
    }
    case 'license':
      return googleError(
        403,
        'PERMISSION_DENIED',
        opts.message ??
          'You do not have a valid license for Gemini Code Assist. Please contact your administrator to request a license. (#3501)',
        [
          {
            '@type': `${TYPE}ErrorInfo`,
            reason: 'SUBSCRIPTION_REQUIRED',
            domain: 'cloudaicompanion.googleapis.com',
            metadata: { error_number: '1001' },
          },
        ],
      );
    case 'tos':
      return googleError(
        403,
        'PERMISSION_DENIED',
        opts.message ??
          'This service has been disabled in this account for violation of Terms of Service. Please submit an appeal to continue using this product.',
      );
    case 'ineligible':
      return googleError(
        403,
        'PERMISSION_DENIED',
        opts.message ??
          'Your account is not eligible for Gemini Code Assist for individuals because it is not currently available in your location.',
      );
    case 'vpc-sc':
      return googleError(403, 'PERMISSION_DENIED', opts.message ?? "Request is prohibited by organization's policy.", [
        { '@type': `${TYPE}ErrorInfo`, reason: 'SECURITY_POLICY_VIOLATED', domain: 'googleapis.com', metadata: {} },
      ]);
  }
}

/** 403 for a project the credential cannot use (wrong or missing envelope `project`). */
export function projectPermissionDenied403(project: string): GoogleErrorBody {
  return googleError(
    403,
    'PERMISSION_DENIED',
    `Permission 'cloudaicompanion.companions.generateChat' denied on resource '//cloudaicompanion.googleapis.com/projects/${project}/locations/global' (or it may not exist).`,
    [
      {
        '@type': `${TYPE}ErrorInfo`,
        reason: 'IAM_PERMISSION_DENIED',
        domain: 'cloudaicompanion.googleapis.com',
        metadata: { permission: 'cloudaicompanion.companions.generateChat', resource: `projects/${project}/locations/global` },
      },
    ],
  );
}

const AUTH_HELP = 'See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/** 401 UNAUTHENTICATED (exact Code Assist wording unverified; these are Google's usual texts). */
export function unauthenticated401(kind: 'missing' | 'invalid' | 'expired'): GoogleErrorBody {
  const message =
    kind === 'missing'
      ? `Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. ${AUTH_HELP}`
      : `Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. ${AUTH_HELP}`;
  const reason = kind === 'missing' ? 'CREDENTIALS_MISSING' : kind === 'expired' ? 'ACCESS_TOKEN_EXPIRED' : 'ACCESS_TOKEN_TYPE_UNSUPPORTED';
  return googleError(401, 'UNAUTHENTICATED', message, [
    { '@type': `${TYPE}ErrorInfo`, reason, domain: 'googleapis.com', metadata: { service: 'cloudcode-pa.googleapis.com' } },
  ]);
}

function invalidArgument400(message: string, field?: string): GoogleErrorBody {
  const details = field
    ? [{ '@type': `${TYPE}BadRequest`, fieldViolations: [{ field, description: message }] }]
    : undefined;
  return googleError(400, 'INVALID_ARGUMENT', field ? 'Request contains an invalid argument.' : message, details);
}

// ---------------------------------------------------------------------------------------------
// Internal state
// ---------------------------------------------------------------------------------------------

interface AccountState {
  email: string;
  id: string;
  refreshToken: string;
  accessToken: string;
  project: string | null;
  tier: string | null;
  onboardTier: OnboardTier;
  ineligible?: FakeAccountOptions['ineligible'];
  refreshError?: FakeAccountOptions['refreshError'];
  view: FakeAccount;
}

interface AccessTokenState {
  email: string;
  expiresAt: number;
}

interface AuthCodeState {
  email: string;
  redirectUri?: string;
  codeChallenge?: string;
}

interface OperationState {
  id: string;
  name: string;
  email: string;
  tierId: string;
  project: string;
  polls: number;
  done: boolean;
}

interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  call: RecordedCall;
  gone: boolean;
}

const TIER_INFO: Record<string, { name: string; description: string; userDefinedCloudaicompanionProject: boolean }> = {
  'free-tier': {
    name: 'Gemini Code Assist for individuals',
    description: 'Gemini Code Assist for individuals, at no cost',
    userDefinedCloudaicompanionProject: false,
  },
  'standard-tier': {
    name: 'Gemini Code Assist',
    description: 'Unlimited coding assistant with the most powerful Gemini models',
    userDefinedCloudaicompanionProject: true,
  },
  'legacy-tier': {
    name: 'Gemini Code Assist for individuals (legacy)',
    description: 'Gemini Code Assist for individuals, legacy project-based setup',
    userDefinedCloudaicompanionProject: true,
  },
};

function tierObject(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const info = TIER_INFO[id] ?? { name: id, description: id, userDefinedCloudaicompanionProject: true };
  return { id, name: info.name, description: info.description, userDefinedCloudaicompanionProject: info.userDefinedCloudaicompanionProject, ...extra };
}

function slugOf(email: string): string {
  return email.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function numericIdOf(email: string): string {
  const digest = createHash('sha256').update(email.toLowerCase()).digest();
  return `1${(digest.readBigUInt64BE(0) % 10n ** 20n).toString().padStart(20, '0')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits text into at most n non-empty pieces on code point boundaries. */
function splitText(text: string, n: number): string[] {
  const chars = Array.from(text);
  const count = Math.max(1, Math.min(n, chars.length));
  if (chars.length === 0) return [''];
  const size = Math.ceil(chars.length / count);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

function textCharsOf(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + textCharsOf(v), 0);
  if (!isRecord(value)) return 0;
  if (Array.isArray(value.parts)) return textCharsOf(value.parts);
  return typeof value.text === 'string' ? value.text.length : 0;
}

/** Scans `{...}` starting at text[start] (string-aware). Returns the JSON text or undefined. */
function balancedJsonAt(text: string, start: number): string | undefined {
  if (text[start] !== '{') return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return undefined;
}

function routeOf(method: string, pathname: string): FakeGoogleRpc {
  if (pathname === '/token' && method === 'POST') return 'token';
  if (pathname === '/tokeninfo' && (method === 'POST' || method === 'GET')) return 'tokeninfo';
  if (pathname === '/oauth2/v2/userinfo' && method === 'GET') return 'userinfo';
  if (method === 'GET' && /^\/v1internal\/operations\/[^/]+$/.test(pathname)) return 'operation';
  const m = /^\/v1internal:([A-Za-z]+)$/.exec(pathname);
  if (m && method === 'POST') {
    switch (m[1]) {
      case 'generateContent':
      case 'streamGenerateContent':
      case 'countTokens':
      case 'loadCodeAssist':
      case 'onboardUser':
      case 'retrieveUserQuota':
      case 'listExperiments':
      case 'fetchAdminControls':
      case 'recordCodeAssistMetrics':
        return m[1];
    }
  }
  return 'unknown';
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return null;
  const text = raw.toString('utf8');
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function bearerOf(headers: Record<string, string>): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return m?.[1];
}

function pause(ctx: RequestContext, ms: number | undefined): Promise<void> {
  if (!ms || ms <= 0 || ctx.gone) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      ctx.res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    ctx.res.once('close', done);
  });
}

function writeChunk(ctx: RequestContext, chunk: string): Promise<boolean> {
  if (ctx.gone) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = (): void => resolve(false);
    ctx.res.once('close', onClose);
    ctx.res.write(chunk, (err) => {
      ctx.res.off('close', onClose);
      resolve(!err);
    });
  });
}

function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

function traceHeader(body: unknown): Record<string, string> {
  return isRecord(body) && typeof body.traceId === 'string' ? { 'x-cloudaicompanion-trace-id': body.traceId } : {};
}

function sendJson(ctx: RequestContext, status: number, body: unknown, headers?: Record<string, string>): void {
  if (ctx.gone || ctx.res.headersSent) return;
  // Google pretty-prints non-streaming JSON.
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  ctx.call.status = status;
  ctx.res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    vary: 'Origin, X-Origin, Referer',
    ...traceHeader(body),
    ...lowerKeys(headers),
    'content-length': String(Buffer.byteLength(text)),
  });
  ctx.res.end(text);
}

/** An SSE event for one item: objects as `data: <compact json>\n\n`, strings verbatim. */
function sseFrame(item: unknown): string {
  return typeof item === 'string' ? item : `data: ${JSON.stringify(item)}\n\n`;
}

async function sendSse(
  ctx: RequestContext,
  items: unknown[],
  opts: { chunkDelayMs?: number; cutAfter?: number; hangAfter?: number; headers?: Record<string, string> },
): Promise<void> {
  if (ctx.gone || ctx.res.headersSent) return;
  ctx.call.status = 200;
  ctx.res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    vary: 'Origin, X-Origin, Referer',
    ...traceHeader(items.find(isRecord)),
    ...lowerKeys(opts.headers),
  });
  ctx.res.flushHeaders();
  if (opts.cutAfter === 0) {
    // Let the headers reach the socket before destroying it, so the client sees a 200 then a cut.
    await new Promise<void>((resolve) => (ctx.res.socket ? ctx.res.socket.write('', () => resolve()) : resolve()));
  }
  for (let sent = 0; ; sent++) {
    if (opts.cutAfter !== undefined && sent >= opts.cutAfter) {
      ctx.res.destroy();
      return;
    }
    if (opts.hangAfter !== undefined && sent >= opts.hangAfter) return;
    if (sent >= items.length) break;
    if (sent > 0) await pause(ctx, opts.chunkDelayMs);
    if (!(await writeChunk(ctx, sseFrame(items[sent])))) return;
  }
  ctx.res.end();
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

class FakeGoogleServer implements FakeGoogle {
  url = '';
  env = { CODE_ASSIST_ENDPOINT: '', OAUTH_PROXY_URL: '', GOOGLEAPIS_PROXY_URL: '' };
  readonly calls: RecordedCall[] = [];

  private readonly accounts = new Map<string, AccountState>();
  private readonly accessTokens = new Map<string, AccessTokenState>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly authCodes = new Map<string, AuthCodeState>();
  private readonly operations = new Map<string, OperationState>();
  private readonly scripts = new Map<string, Step[]>();
  private tokenCounter = 0;
  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json; charset=UTF-8' });
        res.end(JSON.stringify(googleError(500, 'INTERNAL', `fake-google: ${String(err)}`), null, 2));
      } else {
        res.destroy();
      }
    });
  });

  private readonly pollsBeforeDone: number;
  private readonly ttlSeconds: number;
  private readonly clientId: string;
  private readonly clientSecret: string;
  private readonly validateSignatures: boolean;

  constructor(private readonly opts: FakeGoogleOptions) {
    this.pollsBeforeDone = Math.max(0, opts.operationPollsBeforeDone ?? 1);
    this.ttlSeconds = opts.accessTokenTtlSeconds ?? 3599;
    this.clientId = opts.clientId ?? GEMINI_CLI_CLIENT_ID;
    this.clientSecret = opts.clientSecret ?? GEMINI_CLI_CLIENT_SECRET;
    this.validateSignatures = opts.validateThoughtSignatures ?? true;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.env = { CODE_ASSIST_ENDPOINT: this.url, OAUTH_PROXY_URL: this.url, GOOGLEAPIS_PROXY_URL: this.url };
  }

  // --- public API ------------------------------------------------------------------------------

  addAccount(o: FakeAccountOptions): FakeAccount {
    if (this.accounts.has(o.email)) throw new Error(`fake-google: account ${o.email} already exists`);
    const refreshToken = o.refreshToken ?? `1//fake-refresh-${randomHex(12)}`;
    if (this.refreshTokens.has(refreshToken)) throw new Error(`fake-google: refresh token already in use`);
    const project = o.project === undefined ? `proj-${slugOf(o.email)}` : o.project;
    const state: AccountState = {
      email: o.email,
      id: numericIdOf(o.email),
      refreshToken,
      accessToken: '',
      project,
      tier: project === null ? null : (o.tier ?? 'free-tier'),
      onboardTier: o.onboardTier ?? 'free-tier',
      ineligible: o.ineligible,
      refreshError: o.refreshError,
      view: undefined as unknown as FakeAccount,
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

  account(email: string): FakeAccount | undefined {
    return this.accounts.get(email)?.view;
  }

  script(email: string, method: ScriptableMethod, steps: Step[]): void {
    const key = `${email}\u0000${method}`;
    const queue = this.scripts.get(key) ?? [];
    queue.push(...steps);
    this.scripts.set(key, queue);
  }

  callsTo(method: string, email?: string): RecordedCall[] {
    return this.calls.filter(
      (c) => (c.rpc === method || c.path === method) && (email === undefined || c.account === email),
    );
  }

  issueAuthCode(email: string, opts: { redirectUri?: string; codeChallenge?: string } = {}): string {
    if (!this.accounts.has(email)) this.addAccount({ email });
    const code = `4/0Afake${randomBytes(24).toString('base64url')}`;
    this.authCodes.set(code, { email, redirectUri: opts.redirectUri, codeChallenge: opts.codeChallenge });
    return code;
  }

  expireTokens(email: string): void {
    const past = Date.now() - 1000;
    for (const token of this.accessTokens.values()) if (token.email === email) token.expiresAt = past;
  }

  revokeRefreshToken(email: string): void {
    const state = this.requireAccount(email);
    this.refreshTokens.delete(state.refreshToken);
  }

  reset(): void {
    this.calls.length = 0;
    this.scripts.clear();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- tokens ----------------------------------------------------------------------------------

  private requireAccount(email: string): AccountState {
    const state = this.accounts.get(email);
    if (!state) throw new Error(`fake-google: unknown account ${email}`);
    return state;
  }

  private mintAccessToken(state: AccountState): string {
    this.tokenCounter += 1;
    const token = `ya29.fake.${this.tokenCounter}.${randomBytes(12).toString('base64url')}`;
    this.bindAccessToken(state, token, this.ttlSeconds);
    return token;
  }

  private bindAccessToken(state: AccountState, token: string, ttlSeconds: number): void {
    this.accessTokens.set(token, { email: state.email, expiresAt: Date.now() + ttlSeconds * 1000 });
    state.accessToken = token;
  }

  private rotateRefreshToken(state: AccountState, token: string): void {
    if (token === state.refreshToken) return;
    this.refreshTokens.delete(state.refreshToken);
    this.refreshTokens.set(token, state.email);
    state.refreshToken = token;
  }

  // --- dispatch --------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake-google.invalid');
    const headers = flattenHeaders(req);
    const method = req.method ?? 'GET';
    const rpc = routeOf(method, url.pathname);
    const call: RecordedCall = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: parseBody(raw, headers['content-type']),
      at: Date.now(),
      rpc,
    };
    const account = this.resolveAccount(call);
    if (account) call.account = account;
    this.calls.push(call);

    const ctx: RequestContext = { req, res, call, gone: false };
    res.once('close', () => {
      ctx.gone = true;
    });

    switch (rpc) {
      case 'token':
        return this.onToken(ctx);
      case 'tokeninfo':
        return this.onTokenInfo(ctx);
      case 'unknown':
        return sendJson(ctx, 404, googleError(404, 'NOT_FOUND', `Method not found: ${method} ${url.pathname}`));
      default:
        return this.onAuthenticated(ctx, rpc);
    }
  }

  private resolveAccount(call: RecordedCall): string | undefined {
    const bearer = bearerOf(call.headers);
    if (bearer) return this.accessTokens.get(bearer)?.email;
    if (call.rpc === 'token' && isRecord(call.body)) {
      const { refresh_token: refreshToken, code } = call.body;
      if (typeof refreshToken === 'string') return this.refreshTokens.get(refreshToken);
      if (typeof code === 'string') return this.authCodes.get(code)?.email;
    }
    if (call.rpc === 'tokeninfo') {
      const token = call.query.access_token ?? (isRecord(call.body) ? call.body.access_token : undefined);
      if (typeof token === 'string') return this.accessTokens.get(token)?.email;
    }
    return undefined;
  }

  private takeStep(email: string | undefined, method: ScriptableMethod): Step | undefined {
    for (const key of [email, '*']) {
      if (key === undefined) continue;
      const queue = this.scripts.get(`${key}\u0000${method}`);
      if (queue && queue.length > 0) return queue.shift();
    }
    return undefined;
  }

  private async runStep(ctx: RequestContext, step: Step): Promise<void> {
    if ('hang' in step) return;
    if ('sse' in step) {
      await pause(ctx, step.delayMs);
      return sendSse(ctx, step.sse, step);
    }
    if ('fixture' in step) {
      const path = isAbsolute(step.fixture) ? step.fixture : join(GOOGLE_FIXTURES_DIR, step.fixture);
      const text = await readFile(path, 'utf8');
      await pause(ctx, step.delayMs);
      if (path.endsWith('.sse')) {
        const traceId = /"traceId":"([^"]*)"/.exec(text)?.[1];
        return sendSse(ctx, [text], { headers: traceId ? { 'x-cloudaicompanion-trace-id': traceId } : {} });
      }
      const parsed = JSON.parse(text) as unknown;
      const errorCode = isRecord(parsed) && isRecord(parsed.error) ? parsed.error.code : undefined;
      const status = step.status ?? (typeof errorCode === 'number' ? errorCode : 200);
      return sendJson(ctx, status, text);
    }
    await pause(ctx, step.delayMs);
    if (ctx.call.rpc === 'token' && step.status === 200) this.bindScriptedTokens(ctx.call.account, step.body);
    return sendJson(ctx, step.status, step.body, step.headers);
  }

  /** A scripted 200 token answer makes its tokens real: the access token works, a new refresh token replaces the old one. */
  private bindScriptedTokens(email: string | undefined, body: unknown): void {
    const state = email ? this.accounts.get(email) : undefined;
    if (!state || !isRecord(body)) return;
    if (typeof body.access_token === 'string') {
      const ttl = typeof body.expires_in === 'number' ? body.expires_in : this.ttlSeconds;
      this.bindAccessToken(state, body.access_token, ttl);
    }
    if (typeof body.refresh_token === 'string') this.rotateRefreshToken(state, body.refresh_token);
  }

  // --- OAuth -----------------------------------------------------------------------------------

  private async onToken(ctx: RequestContext): Promise<void> {
    const step = this.takeStep(ctx.call.account, 'token');
    if (step) return this.runStep(ctx, step);

    const form = isRecord(ctx.call.body) ? ctx.call.body : {};
    const field = (name: string): string | undefined => (typeof form[name] === 'string' ? form[name] : undefined);
    const oauthError = (status: number, error: string, description: string): void =>
      sendJson(ctx, status, { error, error_description: description });

    const grantType = field('grant_type');
    if (grantType !== 'refresh_token' && grantType !== 'authorization_code') {
      return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
    }
    if (field('client_id') !== this.clientId) return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
    if (field('client_secret') !== this.clientSecret) return oauthError(401, 'invalid_client', 'Unauthorized');

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
      return sendJson(ctx, 200, {
        access_token: this.mintAccessToken(state),
        expires_in: this.ttlSeconds,
        scope: GEMINI_CLI_SCOPES.join(' '),
        token_type: 'Bearer',
      });
    }

    const code = field('code');
    if (!code) return oauthError(400, 'invalid_request', 'Missing required parameter: code');
    const grant = this.authCodes.get(code);
    if (!grant) return oauthError(400, 'invalid_grant', 'Bad Request');
    if (grant.redirectUri !== undefined && field('redirect_uri') !== grant.redirectUri) {
      return oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
    }
    if (grant.codeChallenge !== undefined) {
      const verifier = field('code_verifier');
      if (!verifier) return oauthError(400, 'invalid_grant', 'Missing code verifier.');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (challenge !== grant.codeChallenge) return oauthError(400, 'invalid_grant', 'Invalid code verifier.');
    }
    this.authCodes.delete(code); // single use
    const state = this.requireAccount(grant.email);
    return sendJson(ctx, 200, {
      access_token: this.mintAccessToken(state),
      expires_in: this.ttlSeconds,
      refresh_token: state.refreshToken,
      scope: GEMINI_CLI_SCOPES.join(' '),
      token_type: 'Bearer',
      id_token: this.idTokenFor(state),
    });
  }

  /** An unsigned JWT-shaped placeholder (header.payload.signature), enough for code that decodes claims. */
  private idTokenFor(state: AccountState): string {
    const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    return [
      enc({ alg: 'RS256', kid: 'fake', typ: 'JWT' }),
      enc({
        iss: 'https://accounts.google.com',
        azp: this.clientId,
        aud: this.clientId,
        sub: state.id,
        email: state.email,
        email_verified: true,
        iat: now,
        exp: now + this.ttlSeconds,
      }),
      'fake-signature',
    ].join('.');
  }

  private onTokenInfo(ctx: RequestContext): Promise<void> | void {
    const step = this.takeStep(ctx.call.account, 'tokeninfo');
    if (step) return this.runStep(ctx, step);
    const body = isRecord(ctx.call.body) ? ctx.call.body : {};
    const raw = bearerOf(ctx.call.headers) ?? ctx.call.query.access_token ?? body.access_token;
    const token = typeof raw === 'string' ? this.accessTokens.get(raw) : undefined;
    if (!token || token.expiresAt <= Date.now()) {
      return sendJson(ctx, 400, { error: 'invalid_token', error_description: 'Invalid Value' });
    }
    const state = this.requireAccount(token.email);
    return sendJson(ctx, 200, {
      azp: this.clientId,
      aud: this.clientId,
      sub: state.id,
      scope: GEMINI_CLI_SCOPES.join(' '),
      exp: String(Math.floor(token.expiresAt / 1000)),
      expires_in: String(Math.max(0, Math.floor((token.expiresAt - Date.now()) / 1000))),
      email: state.email,
      email_verified: 'true',
      access_type: 'offline',
    });
  }

  // --- bearer-authenticated routes ---------------------------------------------------------------

  private async onAuthenticated(ctx: RequestContext, rpc: Exclude<FakeGoogleRpc, 'token' | 'tokeninfo' | 'unknown'>): Promise<void> {
    const bearer = bearerOf(ctx.call.headers);
    const token = bearer ? this.accessTokens.get(bearer) : undefined;
    if (!token || token.expiresAt <= Date.now()) {
      const kind = !bearer ? 'missing' : token ? 'expired' : 'invalid';
      const headers: Record<string, string> = bearer
        ? { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' }
        : { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' };
      return sendJson(ctx, 401, unauthenticated401(kind), headers);
    }
    const state = this.requireAccount(token.email);

    // Malformed envelopes are refused before any script: Google would never run them.
    if (rpc === 'generateContent' || rpc === 'streamGenerateContent' || rpc === 'countTokens') {
      const invalid = this.validateGenerate(ctx.call.body, rpc);
      if (invalid) return sendJson(ctx, 400, invalid);
    }

    if (rpc !== 'fetchAdminControls' && rpc !== 'recordCodeAssistMetrics') {
      const step = this.takeStep(state.email, rpc);
      if (step) return this.runStep(ctx, step);
    }

    switch (rpc) {
      case 'userinfo':
        return sendJson(ctx, 200, {
          id: state.id,
          email: state.email,
          verified_email: true,
          picture: 'https://lh3.googleusercontent.com/a/default-user=s96-c',
        });
      case 'loadCodeAssist':
        return sendJson(ctx, 200, this.loadCodeAssistBody(state));
      case 'onboardUser':
        return this.onOnboardUser(ctx, state);
      case 'operation':
        return this.onOperation(ctx, state);
      case 'retrieveUserQuota':
        return sendJson(ctx, 200, this.quotaBody());
      case 'listExperiments':
        return sendJson(ctx, 200, { experimentIds: [], flags: [] });
      case 'fetchAdminControls':
      case 'recordCodeAssistMetrics':
        return sendJson(ctx, 200, {});
      case 'countTokens': {
        const request = (ctx.call.body as { request: { contents: unknown[] } }).request;
        return sendJson(ctx, 200, { totalTokens: tokensFor(textCharsOf(request.contents)) });
      }
      case 'generateContent':
      case 'streamGenerateContent':
        return this.onGenerate(ctx, state, rpc === 'streamGenerateContent');
    }
  }

  private validateGenerate(body: unknown, rpc: 'generateContent' | 'streamGenerateContent' | 'countTokens'): GoogleErrorBody | undefined {
    if (!isRecord(body)) return invalidArgument400('Invalid JSON payload received. Expected an object.');
    const request = body.request;
    const model = rpc === 'countTokens' ? (isRecord(request) ? request.model : undefined) : body.model;
    if (typeof model !== 'string' || model.length === 0) {
      return invalidArgument400('model is required', rpc === 'countTokens' ? 'request.model' : 'model');
    }
    if (!isRecord(request)) return invalidArgument400('request is required', 'request');
    if (!Array.isArray(request.contents) || request.contents.length === 0) {
      return invalidArgument400('contents is not specified', 'request.contents');
    }
    return undefined;
  }

  private loadCodeAssistBody(state: AccountState): Record<string, unknown> {
    if (state.ineligible) {
      const { reasonCode, reasonMessage, validationUrl } = state.ineligible;
      const ineligible: Record<string, unknown> = {
        reasonCode,
        reasonMessage,
        tierId: 'free-tier',
        tierName: TIER_INFO['free-tier']!.name,
      };
      if (validationUrl) {
        ineligible.validationUrl = validationUrl;
        ineligible.validationUrlLinkText = 'Verify your account';
      }
      return {
        allowedTiers: [tierObject('standard-tier', { isDefault: true })],
        ineligibleTiers: [ineligible],
      };
    }
    if (state.project === null || state.tier === null) {
      const offered: OnboardTier[] = [state.onboardTier, ...(['free-tier', 'standard-tier'] as const).filter((t) => t !== state.onboardTier)];
      return { allowedTiers: offered.map((id) => tierObject(id, { isDefault: id === state.onboardTier })) };
    }
    const core = state.tier in TIER_INFO;
    const body: Record<string, unknown> = {
      currentTier: tierObject(core ? state.tier : 'standard-tier'),
      allowedTiers: [tierObject('free-tier', { isDefault: true }), tierObject('standard-tier')],
      cloudaicompanionProject: state.project,
      gcpManaged: false,
    };
    if (!core) body.paidTier = { id: state.tier, name: state.tier, availableCredits: [] };
    return body;
  }

  private onOnboardUser(ctx: RequestContext, state: AccountState): void {
    if (state.ineligible) {
      const variant = state.ineligible.reasonCode === 'VALIDATION_REQUIRED' ? 'validation' : 'ineligible';
      return sendJson(ctx, 403, forbidden403(variant, { validationUrl: state.ineligible.validationUrl, message: state.ineligible.reasonMessage }));
    }
    const body = isRecord(ctx.call.body) ? ctx.call.body : {};
    const tierId = typeof body.tierId === 'string' ? body.tierId : undefined;
    const requested = typeof body.cloudaicompanionProject === 'string' ? body.cloudaicompanionProject : undefined;
    if (!tierId) return sendJson(ctx, 400, invalidArgument400('tierId is required', 'tierId'));
    if (tierId === 'free-tier' && requested) {
      // upstream-google.md §10.1: for free-tier the project must be omitted.
      return sendJson(ctx, 400, googleError(400, 'FAILED_PRECONDITION', 'Precondition check failed.'));
    }
    if (tierId !== 'free-tier' && !requested && state.project === null) {
      return sendJson(ctx, 400, googleError(400, 'FAILED_PRECONDITION', 'Precondition check failed.'));
    }
    const id = `onboard-${slugOf(state.email)}-${randomHex(4)}`;
    const op: OperationState = {
      id,
      name: `operations/${id}`,
      email: state.email,
      tierId,
      project: state.project ?? requested ?? `managed-${slugOf(state.email)}`,
      polls: 0,
      done: false,
    };
    this.operations.set(id, op);
    if (this.pollsBeforeDone === 0) return sendJson(ctx, 200, this.finishOperation(op, state));
    return sendJson(ctx, 200, { name: op.name, done: false });
  }

  private onOperation(ctx: RequestContext, state: AccountState): void {
    const id = ctx.call.path.slice('/v1internal/operations/'.length);
    const op = this.operations.get(id);
    if (!op || op.email !== state.email) {
      return sendJson(ctx, 404, googleError(404, 'NOT_FOUND', 'Requested entity was not found.'));
    }
    op.polls += 1;
    if (op.done || op.polls >= this.pollsBeforeDone) return sendJson(ctx, 200, this.finishOperation(op, state));
    return sendJson(ctx, 200, { name: op.name, done: false });
  }

  private finishOperation(op: OperationState, state: AccountState): Record<string, unknown> {
    op.done = true;
    state.project = op.project;
    state.tier = op.tierId;
    return {
      name: op.name,
      done: true,
      response: {
        '@type': 'type.googleapis.com/google.internal.cloud.code.v1internal.OnboardUserResponse',
        cloudaicompanionProject: { id: op.project, name: op.project },
      },
    };
  }

  private quotaBody(): Record<string, unknown> {
    const resetTime = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    return {
      buckets: ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite'].map((modelId) => ({
        remainingFraction: 1,
        resetTime,
        tokenType: 'REQUESTS',
        modelId,
      })),
    };
  }

  // --- generation --------------------------------------------------------------------------------

  private async onGenerate(ctx: RequestContext, state: AccountState, stream: boolean): Promise<void> {
    const body = ctx.call.body as { model: string; project?: unknown; request: Record<string, unknown> };
    if (state.ineligible) {
      const variant = state.ineligible.reasonCode === 'VALIDATION_REQUIRED' ? 'validation' : 'ineligible';
      return sendJson(ctx, 403, forbidden403(variant, { validationUrl: state.ineligible.validationUrl }));
    }
    if (state.project === null || body.project !== state.project) {
      return sendJson(ctx, 403, projectPermissionDenied403(typeof body.project === 'string' ? body.project : ''));
    }
    const contents = body.request.contents as GeminiContent[];
    if (this.validateSignatures && body.model.startsWith('gemini-3')) {
      const missing = findUnsignedFunctionCall(contents);
      if (missing) return sendJson(ctx, 400, invalidArgument400(missing));
    }

    const answer = defaultAnswer(state.email, body.model, body.request);
    const shared = { model: body.model, responseId: randomId(), traceId: randomHex(8), createTime: new Date().toISOString() };
    if (!stream) return sendJson(ctx, 200, buildEnvelope(answer.parts, { ...shared, usage: answer.usage }));

    // Stream: thoughts and non-text parts are one event each; text parts are split into 3 deltas.
    const events: GeminiPart[][] = [];
    for (const part of answer.parts) {
      if (typeof part.text === 'string' && !part.thought && part.text.length > 0) {
        splitText(part.text, 3).forEach((piece, i) => {
          const delta: GeminiPart = { text: piece };
          if (i === 0 && part.thoughtSignature) delta.thoughtSignature = part.thoughtSignature;
          events.push([delta]);
        });
      } else {
        events.push([part]);
      }
    }
    const envelopes = events.map((parts, i) =>
      i === events.length - 1
        ? buildEnvelope(parts, { ...shared, usage: answer.usage })
        : buildEnvelope(parts, { ...shared, finishReason: null }),
    );
    if (ctx.call.query.alt !== 'sse') {
      // Without alt=sse Google streams one JSON array of envelopes.
      return sendJson(ctx, 200, `[${envelopes.map((e) => JSON.stringify(e, null, 2)).join(',\n')}]`, traceHeader(envelopes[0]));
    }
    return sendSse(ctx, envelopes, {});
  }
}

/** gemini-cli's "active loop": turns after the last user turn that holds text. Returns an error message or undefined. */
function findUnsignedFunctionCall(contents: GeminiContent[]): string | undefined {
  let start = 0;
  contents.forEach((c, i) => {
    if (c.role !== 'model' && (c.parts ?? []).some((p) => typeof p.text === 'string')) start = i + 1;
  });
  for (let i = start; i < contents.length; i++) {
    const turn = contents[i]!;
    if (turn.role !== 'model') continue;
    const first = (turn.parts ?? []).find((p) => p.functionCall);
    if (first && !first.thoughtSignature) {
      return (
        'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, ' +
        'and missing thought_signature may lead to degraded model performance. Additional data, function call ' +
        `\`default_api:${first.functionCall!.name}\` , position ${i + 1}. ` +
        'Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.'
      );
    }
  }
  return undefined;
}

function signatureFor(email: string, what: string): string {
  return Buffer.from(`fake-thought-signature:${email}:${what}`).toString('base64');
}

/** The deterministic default answer (see the module comment of startFakeGoogle). */
function defaultAnswer(
  email: string,
  model: string,
  request: Record<string, unknown>,
): { parts: GeminiPart[]; usage: UsageMetadata } {
  const contents = request.contents as GeminiContent[];
  const lastUser = [...contents].reverse().find((c) => c.role !== 'model');
  const lastParts = lastUser?.parts ?? [];
  const lastText = [...lastParts].reverse().find((p) => typeof p.text === 'string' && !p.thought)?.text ?? '';
  const thinking = isRecord(request.generationConfig) && isRecord(request.generationConfig.thinkingConfig)
    ? request.generationConfig.thinkingConfig.includeThoughts === true
    : false;
  const declared = new Set<string>();
  if (Array.isArray(request.tools)) {
    for (const tool of request.tools) {
      if (!isRecord(tool) || !Array.isArray(tool.functionDeclarations)) continue;
      for (const decl of tool.functionDeclarations) if (isRecord(decl) && typeof decl.name === 'string') declared.add(decl.name);
    }
  }

  let parts: GeminiPart[];
  const responses = lastParts.filter((p) => p.functionResponse);
  const calls: GeminiPart[] = [];
  if (responses.length === 0 && declared.size > 0) {
    for (const m of lastText.matchAll(/\bcall\s+([A-Za-z_][\w.:-]*)/gi)) {
      const name = m[1]!;
      if (!declared.has(name)) continue;
      let args: Record<string, unknown> = {};
      const rest = lastText.slice(m.index + m[0].length);
      const json = balancedJsonAt(rest, rest.length - rest.trimStart().length);
      if (json) {
        try {
          const parsed = JSON.parse(json) as unknown;
          if (isRecord(parsed)) args = parsed;
        } catch {
          // not JSON: call with {}
        }
      }
      calls.push({ functionCall: { name, args } });
    }
  }
  if (responses.length > 0) {
    parts = [{ text: responses.map((p) => `Tool said: ${JSON.stringify(p.functionResponse!.response)}`).join('\n') }];
  } else if (calls.length > 0) {
    // Gemini signs the first functionCall of a model turn.
    calls[0]!.thoughtSignature = signatureFor(email, calls[0]!.functionCall!.name);
    parts = calls;
  } else if (model.includes('image')) {
    parts = [{ text: `Hello from ${email} (${model}): ${lastText}` }, { inlineData: { mimeType: 'image/png', data: TINY_PNG_BASE64 } }];
  } else {
    parts = [{ text: `Hello from ${email} (${model}): ${lastText}` }];
  }
  if (thinking) {
    if (!parts[0]!.thoughtSignature) parts[0] = { ...parts[0]!, thoughtSignature: signatureFor(email, 'text') };
    parts.unshift({ text: 'Thinking about it', thought: true });
  }
  const promptTokens = tokensFor(textCharsOf(contents) + textCharsOf(request.systemInstruction));
  return { parts, usage: computeUsage(parts, promptTokens, undefined) };
}

/**
 * Starts the fake on 127.0.0.1 (port 0 unless given).
 *
 * Default generate answer (nothing scripted): text `Hello from <email> (<model>): <last user text>`;
 * with declared tools and "call <tool> [json-args]" in the last user text: functionCall part(s), the
 * first one signed; with a functionResponse in the last user turn: `Tool said: <json>`; a model name
 * containing "image": the text plus a 1x1 PNG inlineData part; includeThoughts: a leading thought part
 * `Thinking about it`, a thoughtSignature on the first answer part and thoughtsTokenCount. Streams
 * split text into 3 deltas, finishReason and usage on the last event.
 */
export async function startFakeGoogle(opts: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const fake = new FakeGoogleServer(opts);
  await fake.listen();
  return fake;
}

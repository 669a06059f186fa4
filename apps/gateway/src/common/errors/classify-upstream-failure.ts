/**
 * One exhaustive classification of a failed Code Assist call (upstream-google.md §7, following
 * gemini-cli's googleQuotaErrors.ts). The relay acts on the class; nothing else inspects Google
 * error bodies.
 */
export type UpstreamFailure =
  /** 429 and friends: this credential is out for this model until `until`; try another */
  | { kind: 'throttled'; until: number; terminal: boolean; reason: string; message: string }
  /** 401: the access token was refused; refresh and retry once */
  | { kind: 'unauthenticated'; message: string }
  /** 403 variants: an account-level problem; no retry heals it */
  | { kind: 'credential_invalid'; reason: string; message: string }
  /** 404: this account/project cannot use this model (preview models) */
  | { kind: 'model_unavailable'; message: string }
  /** 5xx, 499, network: transient; try another credential */
  | { kind: 'unavailable'; message: string }
  /** 4xx about the request itself: return to the client, do not rotate */
  | { kind: 'rejected'; status: number; message: string };

/** fallback ban for a 429 that says nothing about when it ends */
export const DEFAULT_THROTTLE_MS = 60_000;
/** window for a credential that answered 403 / 404 for a model, when it is not disabled */
export const CREDENTIAL_PROBLEM_BAN_MS = 10 * 60_000;
const SHORT_RETRY_LIMIT_MS = 300_000;

interface GoogleErrorDetail {
  '@type'?: string;
  reason?: string;
  domain?: string;
  metadata?: Record<string, string>;
  retryDelay?: string;
  violations?: Array<{ quotaId?: string }>;
}

interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; details?: GoogleErrorDetail[] };
}

/** Parses "0.539s", "13h19m1.2s", "500ms", "60s" into milliseconds. */
export function parseDuration(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s)/g;
  let total = 0;
  let matched = false;
  for (const m of text.matchAll(re)) {
    matched = true;
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3_600_000 : m[2] === 'm' ? n * 60_000 : m[2] === 's' ? n * 1000 : n;
  }
  return matched ? Math.round(total) : undefined;
}

function endsWith(type: string | undefined, suffix: string): boolean {
  return typeof type === 'string' && type.endsWith(suffix);
}

export function upstreamErrorMessage(body: unknown, status: number): string {
  const message = (body as GoogleErrorBody | undefined)?.error?.message;
  return typeof message === 'string' && message.trim() !== '' ? message : `upstream answered HTTP ${status}`;
}

export function classifyUpstreamFailure(status: number, body: unknown, now: number = Date.now()): UpstreamFailure {
  const error = (body as GoogleErrorBody | undefined)?.error;
  const message = upstreamErrorMessage(body, status);
  const details = Array.isArray(error?.details) ? error.details : [];
  const errorInfo = details.find((d) => endsWith(d['@type'], 'google.rpc.ErrorInfo'));
  const retryInfo = details.find((d) => endsWith(d['@type'], 'google.rpc.RetryInfo'));
  const quotaFailure = details.find((d) => endsWith(d['@type'], 'google.rpc.QuotaFailure'));
  const reason = errorInfo?.reason ?? '';

  if (status === 429) {
    return classifyThrottle(reason, errorInfo, retryInfo, quotaFailure, message, now);
  }
  if (status === 401) return { kind: 'unauthenticated', message };
  if (status === 403) {
    const r =
      reason ||
      (/terms of service/i.test(message)
        ? 'TOS_VIOLATION'
        : /not eligible/i.test(message)
          ? 'NOT_ELIGIBLE'
          : /license/i.test(message)
            ? 'SUBSCRIPTION_REQUIRED'
            : error?.status ?? 'PERMISSION_DENIED');
    return { kind: 'credential_invalid', reason: r, message };
  }
  if (status === 404) return { kind: 'model_unavailable', message };
  if (status === 499 || status >= 500) return { kind: 'unavailable', message };
  return { kind: 'rejected', status, message };
}

function classifyThrottle(
  reason: string,
  errorInfo: GoogleErrorDetail | undefined,
  retryInfo: GoogleErrorDetail | undefined,
  quotaFailure: GoogleErrorDetail | undefined,
  message: string,
  now: number,
): UpstreamFailure {
  const resetStamp = errorInfo?.metadata?.quotaResetTimeStamp;
  const resetAt = resetStamp ? Date.parse(resetStamp) : NaN;
  const retryDelay = parseDuration(retryInfo?.retryDelay);
  const resetDelay = parseDuration(errorInfo?.metadata?.quotaResetDelay);
  const quotaIds = (quotaFailure?.violations ?? []).map((v) => v.quotaId ?? '');

  let until: number;
  if (!Number.isNaN(resetAt) && resetAt > now) until = resetAt;
  else if (retryDelay !== undefined) until = now + retryDelay;
  else if (resetDelay !== undefined) until = now + resetDelay;
  else if (quotaIds.some((q) => q.includes('PerMinute'))) until = now + 60_000;
  else until = now + DEFAULT_THROTTLE_MS;

  const delay = until - now;
  const terminal =
    reason === 'QUOTA_EXHAUSTED' ||
    reason === 'INSUFFICIENT_G1_CREDITS_BALANCE' ||
    reason.startsWith('MODEL_CAPACITY_EXHAUSTED') ||
    reason === 'MODEL_CAPACITY_EXCEEDED' ||
    quotaIds.some((q) => q.includes('PerDay') || q.includes('Daily')) ||
    /limit: 0\b/.test(message) ||
    (reason === 'RATE_LIMIT_EXCEEDED' && (retryDelay === undefined || delay > SHORT_RETRY_LIMIT_MS));

  return { kind: 'throttled', until, terminal, reason: reason || 'RESOURCE_EXHAUSTED', message };
}

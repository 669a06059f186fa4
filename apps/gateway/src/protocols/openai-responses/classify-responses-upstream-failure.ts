/**
 * Failed calls to a Responses upstream → the relay's UpstreamFailure classes. The platform API
 * answers like Chat Completions (classifyOpenAiUpstreamFailure); the ChatGPT Codex backend adds
 * its plan limits:
 *
 * - HTTP 429 `{"error": {"type": "usage_limit_reached", "resets_at": <epoch s>,
 *   "resets_in_seconds": <s>, …}}` → throttled until then (the 5-hour / weekly plan windows, so
 *   terminal); without those fields, the `x-codex-{primary,secondary}-reset-after-seconds` of the
 *   exhausted window (`…-used-percent` ≥ 100), else the Chat Completions rules;
 * - `usage_not_included` (the plan has no Codex access) → credential_invalid;
 * - a 400 saying the model is not supported with this account → model_unavailable (another
 *   credential or provider may serve it).
 */
import type { UpstreamFailure } from '../../common/errors/classify-upstream-failure.js';
import { throttleFailure } from '../http/throttle-failure.js';
import { readHeader, type UpstreamHeaders } from '../http/upstream-headers.js';
import { readNumber, readString } from '../json/safe-parse-json.js';
import {
  classifyOpenAiUpstreamFailure,
  openAiUpstreamErrorMessage,
  readOpenAiErrorObject,
  readThrottleUntil,
} from '../openai-chat/classify-openai-upstream-failure.js';

const CODEX_WINDOWS = ['primary', 'secondary'] as const;

export function classifyResponsesUpstreamFailure(
  status: number,
  body: unknown,
  headers?: UpstreamHeaders,
  now: number = Date.now(),
): UpstreamFailure {
  const error = readOpenAiErrorObject(body);
  const type = readString(error?.['type']) ?? readString(error?.['code']) ?? '';
  const message = openAiUpstreamErrorMessage(body, status);

  if (type === 'usage_limit_reached') {
    const resetsAt = readNumber(error?.['resets_at']);
    const resetsIn = readNumber(error?.['resets_in_seconds']);
    let until: number | undefined;
    if (resetsAt !== undefined && resetsAt * 1000 > now) until = resetsAt * 1000;
    else if (resetsIn !== undefined && resetsIn > 0) until = now + resetsIn * 1000;
    else until = readCodexWindowReset(headers, now) ?? readThrottleUntil(headers, now);
    return throttleFailure(until, now, 'USAGE_LIMIT_REACHED', message);
  }
  if (type === 'usage_not_included') return { kind: 'credential_invalid', reason: 'USAGE_NOT_INCLUDED', message };
  if (status === 400 && message.includes('model is not supported')) return { kind: 'model_unavailable', message };
  if (status === 429) {
    const window = readCodexWindowReset(headers, now);
    if (window !== undefined && readHeader(headers, 'retry-after') === undefined) {
      return throttleFailure(window, now, (type || 'rate_limited').toUpperCase(), message);
    }
  }
  return classifyOpenAiUpstreamFailure(status, body, headers, now);
}

/** The latest reset of a Codex plan window that is used up (`x-codex-<window>-used-percent` ≥ 100). */
function readCodexWindowReset(headers: UpstreamHeaders, now: number): number | undefined {
  let until: number | undefined;
  for (const window of CODEX_WINDOWS) {
    const used = Number(readHeader(headers, `x-codex-${window}-used-percent`));
    const after = Number(readHeader(headers, `x-codex-${window}-reset-after-seconds`));
    if (!(used >= 100) || !(after > 0)) continue;
    const at = now + after * 1000;
    if (until === undefined || at > until) until = at;
  }
  return until;
}

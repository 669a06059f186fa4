/**
 * The Code Assist envelope around Gemini GenerateContent (upstream-google.md §3–4): requests go out
 * as `{model, project, user_prompt_id?, request}`, responses and SSE events come back as
 * `{response, traceId, …credits}`. Clients never see the envelope.
 */
import { GatewayError } from '../../common/errors/gateway-error.js';
import type { JsonObject } from '../ir/provider-metadata.js';
import type { StreamStage } from '../ir/stream-stage.js';
import { asRecord, readNumber, safeParseJson } from '../json/safe-parse-json.js';
import type { SseEvent } from '../sse/parse-sse-stream.js';
import type { GeminiContent, GeminiGenerateContentRequest } from '../gemini/gemini-wire.js';

export interface CodeAssistRequestEnvelope<R = GeminiGenerateContentRequest | JsonObject> {
  /** bare upstream model id */
  model: string;
  /** the credential's Code Assist project; omitted when unknown */
  project?: string;
  user_prompt_id?: string;
  request: R;
}

export interface WrapCodeAssistRequestInput<R> {
  model: string;
  project: string | null | undefined;
  request: R;
  userPromptId?: string;
  /** sent as `request.session_id`, as gemini-cli does */
  sessionId?: string;
}

export function wrapCodeAssistRequest<R extends object>(input: WrapCodeAssistRequestInput<R>): CodeAssistRequestEnvelope<R> {
  // Key order as gemini-cli sends it: model, project, user_prompt_id, request.
  const envelope = { model: input.model } as CodeAssistRequestEnvelope<R>;
  if (input.project !== null && input.project !== undefined) envelope.project = input.project;
  if (input.userPromptId !== undefined) envelope.user_prompt_id = input.userPromptId;
  envelope.request = input.sessionId === undefined ? input.request : { ...input.request, session_id: input.sessionId };
  return envelope;
}

/** The GenerateContentResponse inside a Code Assist envelope; a missing `response` is an upstream fault. */
export function unwrapCodeAssistResponse(envelope: unknown): unknown {
  const record = asRecord(envelope);
  const response = record?.['response'];
  if (response === undefined || response === null) {
    throw new GatewayError('upstream_unavailable', 'Code Assist answered without a response object');
  }
  return response;
}

/**
 * SSE events of `:streamGenerateContent?alt=sse` → unwrapped GenerateContentResponse objects.
 * Malformed JSON and events without `response` are skipped (gemini-cli does the same); an event
 * holding a Google `error` object is passed on as is, so the Gemini decoder turns it into an IR
 * error. A stream whose final event was lost still ends in an error: the decoder requires a
 * finishReason.
 */
export function createCodeAssistEventUnwrapper(): StreamStage<SseEvent, unknown> {
  return {
    transform(event, emit) {
      const parsed = safeParseJson(event.data);
      if (!parsed.ok) return;
      const record = asRecord(parsed.value);
      if (record === undefined) return;
      const response = record['response'];
      if (response !== undefined && response !== null) emit(response);
      else if (asRecord(record['error']) !== undefined) emit(record);
    },
    flush() {},
  };
}

export interface CodeAssistCountTokensBody {
  request: { model: string; contents: GeminiContent[] | unknown[] };
}

/** `POST v1internal:countTokens` body (gemini-cli form). */
export function countTokensBody(model: string, contents: GeminiContent[] | unknown[]): CodeAssistCountTokensBody {
  return { request: { model: model.startsWith('models/') ? model : `models/${model}`, contents } };
}

/** `{totalTokens: N}` → N; an answer without it is an upstream fault. */
export function readCodeAssistCountTokensResponse(body: unknown): number {
  const total = readNumber(asRecord(body)?.['totalTokens']);
  if (total === undefined) throw new GatewayError('upstream_unavailable', 'Code Assist countTokens answered without totalTokens');
  return total;
}

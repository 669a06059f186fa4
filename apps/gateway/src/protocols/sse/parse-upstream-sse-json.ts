/**
 * SSE events of a JSON-over-SSE upstream (OpenAI Chat, Anthropic Messages, OpenAI Responses,
 * Gemini with `alt=sse`) → their parsed `data` payloads, the input of every upstream stream decoder.
 * The `[DONE]` sentinel and empty data are dropped (each decoder knows completion from its own
 * terminal event); data that is not JSON becomes MALFORMED_UPSTREAM_EVENT, which the non-Gemini
 * decoders turn into an IR error part instead of silently losing a fragment.
 */
import type { StreamStage } from '../ir/stream-stage.js';
import { safeParseJson } from '../json/safe-parse-json.js';
import type { SseEvent } from './parse-sse-stream.js';

/** Stands for an event whose data did not parse; compared by identity. */
export const MALFORMED_UPSTREAM_EVENT: Readonly<{ malformedUpstreamEvent: true }> = Object.freeze({ malformedUpstreamEvent: true });

/** One event's payload: the parsed JSON, undefined for `[DONE]` / empty data, or MALFORMED_UPSTREAM_EVENT. */
export function parseUpstreamSseData(event: SseEvent): unknown {
  const data = event.data;
  if (data.length === 0 || data === '[DONE]') return undefined;
  const parsed = safeParseJson(data);
  return parsed.ok ? parsed.value : MALFORMED_UPSTREAM_EVENT;
}

export function createUpstreamSseJsonStage(): StreamStage<SseEvent, unknown> {
  return {
    transform(event, emit) {
      const payload = parseUpstreamSseData(event);
      if (payload !== undefined) emit(payload);
    },
    flush() {},
  };
}

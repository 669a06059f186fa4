import { unwrapCodeAssistResponse } from '../../protocols/code-assist/code-assist-envelope.js';
import { createGeminiUpstreamStreamDecoder } from '../../protocols/gemini/gemini-upstream-stream-decoder.js';
import type { ChatStreamPart } from '../../protocols/ir/chat-stream-part.js';
import { createSseParser, type SseEvent } from '../../protocols/sse/parse-sse-stream.js';
import { jsonOrUndefined } from '../http/read-body.js';
import type { DecodeOptions, UpstreamPipeline } from '../provider.js';

/** Gemini API SSE (no envelope): `data: <GenerateContentResponse>` events → IR parts. */
export function geminiSsePipeline(intake: (part: ChatStreamPart) => void, options: DecodeOptions): UpstreamPipeline {
  return geminiResponsePipeline(intake, options, (response) => response);
}

/**
 * Code Assist SSE (Gemini CLI and Antigravity accounts): `data: {"response": <GenerateContentResponse>}`
 * events → IR parts. An event that is a bare Google error (no envelope) still goes to the decoder.
 */
export function codeAssistSsePipeline(intake: (part: ChatStreamPart) => void, options: DecodeOptions): UpstreamPipeline {
  return geminiResponsePipeline(intake, options, (envelope) => {
    try {
      return unwrapCodeAssistResponse(envelope);
    } catch {
      return envelope;
    }
  });
}

/** A whole Gemini API answer → IR parts. */
export function decodeGeminiBody(text: string, options: DecodeOptions): ChatStreamPart[] {
  return decodeGeminiResponse(text, options, (body) => body);
}

/** A whole (non-streamed) Code Assist envelope → IR parts. */
export function decodeCodeAssistBody(text: string, options: DecodeOptions): ChatStreamPart[] {
  return decodeGeminiResponse(text, options, unwrapCodeAssistResponse);
}

/** SSE events → their JSON (malformed events skipped) → `response` takes the GenerateContentResponse out → IR parts. */
function geminiResponsePipeline(intake: (part: ChatStreamPart) => void, options: DecodeOptions, response: (json: unknown) => unknown): UpstreamPipeline {
  const decoder = createGeminiUpstreamStreamDecoder(options);
  const parser = createSseParser();
  const onEvent = (event: SseEvent) => {
    const json = jsonOrUndefined(event.data);
    if (json !== undefined) decoder.transform(response(json), intake);
  };
  return {
    feed: (text) => parser.transform(text, onEvent),
    flush() {
      parser.flush(onEvent);
      decoder.flush(intake);
    },
  };
}

function decodeGeminiResponse(text: string, options: DecodeOptions, response: (json: unknown) => unknown): ChatStreamPart[] {
  const body = jsonOrUndefined(text);
  if (body === undefined) return [{ type: 'error', error: { code: 'upstream_unavailable', status: 502, message: 'upstream sent a malformed answer' } }];
  const parts: ChatStreamPart[] = [];
  const decoder = createGeminiUpstreamStreamDecoder(options);
  decoder.transform(response(body), (p) => parts.push(p));
  decoder.flush((p) => parts.push(p));
  return parts;
}

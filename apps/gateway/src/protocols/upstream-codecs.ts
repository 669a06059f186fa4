/**
 * Upstream wire id → the four pure functions the relay needs to talk to a provider in that wire
 * format (the upstream-direction counterpart of protocol-registry.ts). Providers pick a wire:
 * Code Assist, Antigravity and AI Studio speak `gemini`; OpenAI-compatible providers
 * `openai-chat`; Claude API keys and Claude Code accounts `anthropic-messages`; Codex accounts and
 * OpenAI API keys `openai-responses`.
 *
 * The relay's pipeline per call:
 *   encodeRequest(ir, options)            → JSON body (+ warnings to log)
 *   bytes → TextDecoder → createSseParser → createUpstreamSseJsonStage (or a transport's own
 *   envelope unwrapper, e.g. Code Assist) → createStreamDecoder(options) → IR parts
 *   decodeResponse(body, defaults)        → IR ChatResponse for a non-streamed answer
 *   classifyFailure(status, body, headers) → what a non-200 means for the credential
 *
 * Transport concerns (URLs, auth headers, envelopes, base URLs) stay with the provider code.
 * Note: `openai-responses` with the default `codex` target always asks for a stream (the Codex
 * backend only streams), so a non-streamed client request is answered by folding the stream
 * (accumulateStreamParts); the body's `stream` field says which.
 */
import type { UpstreamFailure } from '../common/errors/classify-upstream-failure.js';
import { classifyUpstreamFailure } from '../common/errors/classify-upstream-failure.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { classifyAnthropicUpstreamFailure } from './anthropic-messages/classify-anthropic-upstream-failure.js';
import { decodeAnthropicMessagesUpstreamResponse } from './anthropic-messages/decode-anthropic-messages-upstream-response.js';
import type { AnthropicMessagesUpstreamRequest } from './anthropic-messages/anthropic-messages-upstream-wire.js';
import { createAnthropicMessagesUpstreamStreamDecoder } from './anthropic-messages/anthropic-messages-upstream-stream-decoder.js';
import {
  encodeAnthropicMessagesUpstreamRequest,
  type EncodeAnthropicMessagesUpstreamOptions,
} from './anthropic-messages/encode-anthropic-messages-upstream-request.js';
import { decodeGeminiUpstreamResponse } from './gemini/decode-gemini-upstream-response.js';
import { encodeGeminiUpstreamRequest, type EncodeGeminiUpstreamOptions } from './gemini/encode-gemini-upstream-request.js';
import { createGeminiUpstreamStreamDecoder } from './gemini/gemini-upstream-stream-decoder.js';
import type { GeminiGenerateContentRequest } from './gemini/gemini-wire.js';
import type { UpstreamHeaders } from './http/upstream-headers.js';
import type { ChatRequest } from './ir/chat-request.js';
import type { ChatResponse } from './ir/chat-response.js';
import type { ChatStreamPart } from './ir/chat-stream-part.js';
import type { StreamStage } from './ir/stream-stage.js';
import { classifyOpenAiUpstreamFailure } from './openai-chat/classify-openai-upstream-failure.js';
import { decodeOpenAiChatUpstreamResponse } from './openai-chat/decode-openai-chat-upstream-response.js';
import {
  encodeOpenAiChatUpstreamRequest,
  type EncodeOpenAiChatUpstreamOptions,
} from './openai-chat/encode-openai-chat-upstream-request.js';
import { createOpenAiChatUpstreamStreamDecoder } from './openai-chat/openai-chat-upstream-stream-decoder.js';
import type { OpenAiChatUpstreamRequest } from './openai-chat/openai-chat-upstream-wire.js';
import { classifyResponsesUpstreamFailure } from './openai-responses/classify-responses-upstream-failure.js';
import { decodeOpenAiResponsesUpstreamResponse } from './openai-responses/decode-openai-responses-upstream-response.js';
import {
  encodeOpenAiResponsesUpstreamRequest,
  type EncodeOpenAiResponsesUpstreamOptions,
} from './openai-responses/encode-openai-responses-upstream-request.js';
import { createOpenAiResponsesUpstreamStreamDecoder } from './openai-responses/openai-responses-upstream-stream-decoder.js';
import type { ResponsesUpstreamRequest } from './openai-responses/openai-responses-upstream-wire.js';
import type { Converted } from './protocol-codec.js';

export type UpstreamWireId = 'gemini' | 'openai-chat' | 'anthropic-messages' | 'openai-responses';

/** Per-wire request options, namespaced so one provider config can carry its own. */
export interface UpstreamEncodeOptions {
  gemini?: EncodeGeminiUpstreamOptions;
  openaiChat?: EncodeOpenAiChatUpstreamOptions;
  anthropicMessages?: EncodeAnthropicMessagesUpstreamOptions;
  openaiResponses?: EncodeOpenAiResponsesUpstreamOptions;
}

export interface UpstreamDecoderOptions {
  /** false hides thought text from the client (default true); see each decoder for what survives */
  includeThoughts?: boolean;
  /** mints ids for tool calls sent without one (Gemini, some OpenAI-compatible servers) */
  generateToolCallId?: () => string;
  /**
   * The request's tool names (`request.tools.map((t) => t.name)`): names the encoder had to alias
   * (over 64 characters, or characters OpenAI / Anthropic refuse) are mapped back on tool calls.
   * Gemini ignores it.
   */
  toolNames?: readonly string[];
}

/** The client-facing id / model / created used when the upstream answer does not say. */
export interface UpstreamResponseDefaults {
  id: string;
  model: string;
  created: number;
}

export type UpstreamRequestBody =
  | GeminiGenerateContentRequest
  | OpenAiChatUpstreamRequest
  | AnthropicMessagesUpstreamRequest
  | ResponsesUpstreamRequest;

export interface UpstreamWireCodec {
  readonly id: UpstreamWireId;
  /** IR → the upstream's request body; throws GatewayError('invalid_request') for content it cannot carry */
  encodeRequest(request: ChatRequest, options?: UpstreamEncodeOptions): Converted<UpstreamRequestBody>;
  /** parsed stream events (SSE data JSON; Gemini: unwrapped GenerateContentResponse chunks) → IR parts */
  createStreamDecoder(options?: UpstreamDecoderOptions): StreamStage<unknown, ChatStreamPart>;
  /** a non-streamed answer body → IR; throws GatewayError for error bodies and incomplete answers */
  decodeResponse(body: unknown, defaults: UpstreamResponseDefaults, options?: UpstreamDecoderOptions): ChatResponse;
  /** a non-200 answer → what it means for the credential (ban window, refresh, pass through, …) */
  classifyFailure(status: number, body: unknown, headers?: UpstreamHeaders, now?: number): UpstreamFailure;
}

const geminiWire: UpstreamWireCodec = Object.freeze({
  id: 'gemini',
  encodeRequest: (request, options) => encodeGeminiUpstreamRequest(request, options?.gemini),
  createStreamDecoder: (options) =>
    createGeminiUpstreamStreamDecoder(
      options?.generateToolCallId === undefined
        ? { includeThoughts: options?.includeThoughts !== false }
        : { includeThoughts: options.includeThoughts !== false, generateToolCallId: options.generateToolCallId },
    ),
  decodeResponse: (body, defaults, options) =>
    decodeGeminiUpstreamResponse(
      body,
      options?.generateToolCallId === undefined
        ? { includeThoughts: options?.includeThoughts !== false }
        : { includeThoughts: options.includeThoughts !== false, generateToolCallId: options.generateToolCallId },
      defaults,
    ),
  // Google's answers carry their windows in the body; headers add nothing
  classifyFailure: (status, body, _headers, now) => classifyUpstreamFailure(status, body, now),
} satisfies UpstreamWireCodec);

const openAiChatWire: UpstreamWireCodec = Object.freeze({
  id: 'openai-chat',
  encodeRequest: (request, options) => encodeOpenAiChatUpstreamRequest(request, options?.openaiChat),
  createStreamDecoder: (options) => createOpenAiChatUpstreamStreamDecoder(options),
  decodeResponse: (body, defaults, options) => decodeOpenAiChatUpstreamResponse(body, defaults, options),
  classifyFailure: classifyOpenAiUpstreamFailure,
} satisfies UpstreamWireCodec);

const anthropicMessagesWire: UpstreamWireCodec = Object.freeze({
  id: 'anthropic-messages',
  encodeRequest: (request, options) => encodeAnthropicMessagesUpstreamRequest(request, options?.anthropicMessages),
  createStreamDecoder: (options) => createAnthropicMessagesUpstreamStreamDecoder(options),
  decodeResponse: (body, defaults, options) => decodeAnthropicMessagesUpstreamResponse(body, defaults, options),
  classifyFailure: classifyAnthropicUpstreamFailure,
} satisfies UpstreamWireCodec);

const openAiResponsesWire: UpstreamWireCodec = Object.freeze({
  id: 'openai-responses',
  encodeRequest: (request, options) => encodeOpenAiResponsesUpstreamRequest(request, options?.openaiResponses),
  createStreamDecoder: (options) => createOpenAiResponsesUpstreamStreamDecoder(options),
  decodeResponse: (body, defaults, options) => decodeOpenAiResponsesUpstreamResponse(body, defaults, options),
  classifyFailure: classifyResponsesUpstreamFailure,
} satisfies UpstreamWireCodec);

const UPSTREAM_CODECS: Readonly<Record<UpstreamWireId, UpstreamWireCodec>> = Object.freeze({
  gemini: geminiWire,
  'openai-chat': openAiChatWire,
  'anthropic-messages': anthropicMessagesWire,
  'openai-responses': openAiResponsesWire,
});

export const UPSTREAM_WIRE_IDS: readonly UpstreamWireId[] = Object.freeze(Object.keys(UPSTREAM_CODECS) as UpstreamWireId[]);

export function getUpstreamCodec(id: UpstreamWireId): UpstreamWireCodec {
  const codec = UPSTREAM_CODECS[id];
  if (codec === undefined) throw new GatewayError('internal', `no upstream codec registered for wire ${String(id)}`);
  return codec;
}

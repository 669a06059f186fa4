import type { GatewayErrorShape } from '../common/errors/gateway-error.js';
import type { ChatRequest } from './ir/chat-request.js';
import type { ChatResponse } from './ir/chat-response.js';
import type { ChatStreamPart } from './ir/chat-stream-part.js';
import type { StreamStage } from './ir/stream-stage.js';

export type ClientProtocolId = 'openai-chat' | 'gemini' | 'anthropic-messages' | 'openai-responses' | 'openai-images';

/** A converter's result: the value plus non-fatal notes (logged, never thrown). */
export interface Converted<T> {
  value: T;
  warnings: string[];
}

export interface DecodeContext {
  /** model named in the URL (Gemini routes); wins over any model in the body */
  pathModel?: string;
  /** stream flag implied by the route (Gemini :streamGenerateContent) */
  pathStream?: boolean;
}

export interface EncodeContext {
  /** the response id shown to the client (derived from the gateway request id) */
  responseId: string;
  /** the model name exactly as the client asked for it */
  model: string;
  /** unix seconds */
  created: number;
  /** OpenAI `stream_options.include_usage` and equivalents */
  includeUsage: boolean;
  /**
   * The client's request body as received. Protocols whose answers echo request fields (OpenAI
   * Responses: instructions, tools, tool_choice, temperature, …) read it leniently; absent → defaults.
   */
  clientRequest?: unknown;
}

/**
 * One client-facing wire protocol. The relay only knows this interface: it decodes the client's body
 * into the IR, and renders IR answers, streams and errors back in the client's own shape.
 */
export interface ClientProtocolCodec {
  readonly id: ClientProtocolId;
  /** throws GatewayError('invalid_request') with a message naming the bad field */
  decodeClientRequest(body: unknown, context: DecodeContext): Converted<ChatRequest>;
  encodeClientResponse(response: ChatResponse, context: EncodeContext): unknown;
  /** IR parts in, SSE frames (text) out; flush() ends the stream the protocol's way (e.g. [DONE]) */
  createClientStreamEncoder(context: EncodeContext): StreamStage<ChatStreamPart, string>;
  /** JSON body of an error response in this protocol's shape */
  encodeClientError(error: GatewayErrorShape): unknown;
  /** an error inside an already-started stream, as SSE frames in this protocol's shape */
  encodeClientStreamError(error: GatewayErrorShape): string;
}

import type { ChatRequest } from '../ir/chat-request.js';
import type { ClientProtocolCodec, Converted, DecodeContext } from '../protocol-codec.js';
import { createAnthropicMessagesClientStreamEncoder } from './anthropic-messages-client-stream-encoder.js';
import { encodeAnthropicMessagesClientError, encodeAnthropicMessagesClientStreamError } from './anthropic-messages-errors.js';
import {
  decodeAnthropicCountTokensRequest,
  decodeAnthropicMessagesClientRequest,
} from './decode-anthropic-messages-client-request.js';
import {
  encodeAnthropicCountTokensResponse,
  encodeAnthropicMessagesClientResponse,
} from './encode-anthropic-messages-client-response.js';

/** The Messages codec plus the `/v1/messages/count_tokens` pair. */
export interface AnthropicMessagesCodec extends ClientProtocolCodec {
  decodeCountTokensRequest(body: unknown, context: DecodeContext): Converted<ChatRequest>;
  encodeCountTokensResponse(inputTokens: number): { input_tokens: number };
}

/** `POST /v1/messages` (and `/v1/messages/count_tokens`). */
export const anthropicMessagesCodec: AnthropicMessagesCodec = Object.freeze({
  id: 'anthropic-messages',
  decodeClientRequest: decodeAnthropicMessagesClientRequest,
  encodeClientResponse: encodeAnthropicMessagesClientResponse,
  createClientStreamEncoder: createAnthropicMessagesClientStreamEncoder,
  encodeClientError: encodeAnthropicMessagesClientError,
  encodeClientStreamError: encodeAnthropicMessagesClientStreamError,
  decodeCountTokensRequest: decodeAnthropicCountTokensRequest,
  encodeCountTokensResponse: encodeAnthropicCountTokensResponse,
});

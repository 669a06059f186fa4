import type { ClientProtocolCodec } from '../protocol-codec.js';
import { decodeOpenAiChatClientRequest } from './decode-openai-chat-client-request.js';
import { encodeOpenAiChatClientResponse } from './encode-openai-chat-client-response.js';
import { createOpenAiChatClientStreamEncoder } from './openai-chat-client-stream-encoder.js';
import { encodeOpenAiChatClientError, encodeOpenAiChatClientStreamError } from './openai-chat-errors.js';

/** `POST /v1/chat/completions`. */
export const openAiChatCodec: ClientProtocolCodec = Object.freeze({
  id: 'openai-chat',
  decodeClientRequest: decodeOpenAiChatClientRequest,
  encodeClientResponse: encodeOpenAiChatClientResponse,
  createClientStreamEncoder: createOpenAiChatClientStreamEncoder,
  encodeClientError: encodeOpenAiChatClientError,
  encodeClientStreamError: encodeOpenAiChatClientStreamError,
});

import type { ClientProtocolCodec } from '../protocol-codec.js';
import { decodeGeminiClientRequest } from './decode-gemini-client-request.js';
import { encodeGeminiClientResponse } from './encode-gemini-client-response.js';
import { createGeminiClientStreamEncoder } from './gemini-client-stream-encoder.js';
import { encodeGeminiClientError, encodeGeminiClientStreamError } from './gemini-errors.js';

/** Gemini-native routes (`/v1beta/models/{model}:generateContent`, `:streamGenerateContent`). */
export const geminiCodec: ClientProtocolCodec = Object.freeze({
  id: 'gemini',
  decodeClientRequest: decodeGeminiClientRequest,
  encodeClientResponse: encodeGeminiClientResponse,
  createClientStreamEncoder: createGeminiClientStreamEncoder,
  encodeClientError: encodeGeminiClientError,
  encodeClientStreamError: encodeGeminiClientStreamError,
});

import type { ClientProtocolCodec } from '../protocol-codec.js';
import { decodeOpenAiResponsesClientRequest } from './decode-openai-responses-client-request.js';
import { encodeOpenAiResponsesClientResponse } from './encode-openai-responses-client-response.js';
import { createOpenAiResponsesClientStreamEncoder } from './openai-responses-client-stream-encoder.js';
import { encodeOpenAiResponsesClientError, encodeOpenAiResponsesClientStreamError } from './openai-responses-errors.js';

/** `POST /v1/responses`. Pass the raw body as EncodeContext.clientRequest so responses echo it. */
export const openAiResponsesCodec: ClientProtocolCodec = Object.freeze({
  id: 'openai-responses',
  decodeClientRequest: decodeOpenAiResponsesClientRequest,
  encodeClientResponse: encodeOpenAiResponsesClientResponse,
  createClientStreamEncoder: createOpenAiResponsesClientStreamEncoder,
  encodeClientError: encodeOpenAiResponsesClientError,
  encodeClientStreamError: encodeOpenAiResponsesClientStreamError,
});

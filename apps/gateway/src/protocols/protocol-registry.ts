/**
 * Protocol id → client codec. The relay knows only this function and the ClientProtocolCodec
 * interface. Adding a protocol is one line in CLIENT_CODECS (plus the id in ClientProtocolId).
 */
import { GatewayError } from '../common/errors/gateway-error.js';
import { anthropicMessagesCodec } from './anthropic-messages/anthropic-messages-codec.js';
import { geminiCodec } from './gemini/gemini-codec.js';
import { openAiChatCodec } from './openai-chat/openai-chat-codec.js';
import { openAiResponsesCodec } from './openai-responses/openai-responses-codec.js';
import { openAiImagesCodec } from './openai-images/openai-images-codec.js';
import type { ClientProtocolCodec, ClientProtocolId } from './protocol-codec.js';

const CLIENT_CODECS: Readonly<Partial<Record<ClientProtocolId, ClientProtocolCodec>>> = Object.freeze({
  'openai-chat': openAiChatCodec,
  'openai-images': openAiImagesCodec,
  gemini: geminiCodec,
  'anthropic-messages': anthropicMessagesCodec,
  'openai-responses': openAiResponsesCodec,
});

export function getClientCodec(id: ClientProtocolId): ClientProtocolCodec {
  const codec = CLIENT_CODECS[id];
  if (codec === undefined) throw new GatewayError('internal', `no client codec registered for protocol ${id}`);
  return codec;
}

export function hasClientCodec(id: ClientProtocolId): boolean {
  return CLIENT_CODECS[id] !== undefined;
}

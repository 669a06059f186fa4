import type { ProviderMetadata } from './provider-metadata.js';
import type { Source } from './chat-response.js';
import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';
import type { GatewayErrorShape } from '../../common/errors/gateway-error.js';

/**
 * One event of a streamed answer in IR form. Upstream decoders emit these; client encoders render
 * them. Block lifecycle (Anthropic content blocks, Responses output items) is derived by the encoder
 * from transitions between part types, so decoders stay simple.
 */
export type ChatStreamPart =
  | { type: 'response-metadata'; id?: string; model?: string; created?: number }
  | { type: 'text-delta'; delta: string; providerMetadata?: ProviderMetadata }
  | { type: 'reasoning-delta'; delta: string; signature?: string }
  | { type: 'tool-call'; toolCallId: string; toolName: string; input: unknown; providerMetadata?: ProviderMetadata }
  | { type: 'file'; mediaType: string; data: string }
  | { type: 'source'; source: Source }
  | { type: 'usage'; usage: Usage }
  | { type: 'finish'; finishReason: FinishReason }
  | { type: 'error'; error: GatewayErrorShape };

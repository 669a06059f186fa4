/**
 * Anthropic Messages API shapes in the upstream direction: the request cligate sends to
 * `POST /v1/messages` (exact, built by a pure function). Field lists follow the
 * `@anthropic-ai/sdk` MessageCreateParams; answers are read leniently by the decoder.
 */
import type { JsonObject } from '../ir/provider-metadata.js';

export type AnthropicEffort = 'low' | 'medium' | 'high' | 'xhigh' | 'max';

export type AnthropicUpstreamImageSource =
  | { type: 'base64'; media_type: string; data: string }
  | { type: 'url'; url: string };

export type AnthropicUpstreamDocumentSource =
  | { type: 'base64'; media_type: 'application/pdf'; data: string }
  | { type: 'text'; media_type: 'text/plain'; data: string }
  | { type: 'url'; url: string };

export interface AnthropicUpstreamTextBlock {
  type: 'text';
  text: string;
}

export type AnthropicUpstreamContentBlock =
  | AnthropicUpstreamTextBlock
  | { type: 'image'; source: AnthropicUpstreamImageSource }
  | { type: 'document'; source: AnthropicUpstreamDocumentSource }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input: JsonObject }
  | { type: 'tool_result'; tool_use_id: string; content?: string; is_error?: true };

export interface AnthropicUpstreamMessage {
  role: 'user' | 'assistant';
  content: AnthropicUpstreamContentBlock[];
}

export type AnthropicUpstreamTool =
  | { name: string; description?: string; input_schema: JsonObject }
  | { type: 'web_search_20250305'; name: 'web_search' };

export type AnthropicUpstreamToolChoice = { type: 'auto' | 'any' | 'none' } | { type: 'tool'; name: string };

export type AnthropicUpstreamThinking =
  | { type: 'enabled'; budget_tokens: number; display?: 'omitted' }
  | { type: 'adaptive'; display?: 'omitted' }
  | { type: 'disabled' };

export interface AnthropicUpstreamOutputConfig {
  effort?: AnthropicEffort;
  format?: { type: 'json_schema'; schema: JsonObject };
}

export interface AnthropicMessagesUpstreamRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicUpstreamMessage[];
  system?: AnthropicUpstreamTextBlock[];
  tools?: AnthropicUpstreamTool[];
  tool_choice?: AnthropicUpstreamToolChoice;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  thinking?: AnthropicUpstreamThinking;
  output_config?: AnthropicUpstreamOutputConfig;
  stream?: true;
}

/**
 * A `redacted_thinking` block has no IR part of its own. It travels as a reasoning part with empty
 * text whose signature is this prefix + the block's `data` (base64, so never containing `:`), which
 * every client protocol carries and replays like any thinking signature; the Anthropic upstream
 * encoder turns it back into the block the API requires to see again.
 */
export const REDACTED_THINKING_SIGNATURE_PREFIX = 'cligate:redacted-thinking:';

export function redactedThinkingSignature(data: string): string {
  return REDACTED_THINKING_SIGNATURE_PREFIX + data;
}

/** The redacted block's data when `signature` carries one, else undefined. */
export function readRedactedThinkingSignature(signature: string): string | undefined {
  return signature.startsWith(REDACTED_THINKING_SIGNATURE_PREFIX)
    ? signature.slice(REDACTED_THINKING_SIGNATURE_PREFIX.length)
    : undefined;
}

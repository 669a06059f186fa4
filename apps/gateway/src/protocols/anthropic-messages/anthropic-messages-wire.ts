/**
 * Anthropic Messages wire shapes (client-protocols.md §4). Outbound shapes are exact; the request
 * shape documents what the decoder reads (it is validated field by field, never trusted).
 */

// ---------------------------------------------------------------------------------------------
// Request (inbound; documentary)
// ---------------------------------------------------------------------------------------------

export type AnthropicImageSource =
  | { type: 'base64'; media_type: string; data: string }
  | { type: 'url'; url: string }
  | { type: 'file'; file_id: string };

export type AnthropicDocumentSource =
  | { type: 'base64'; media_type: string; data: string }
  | { type: 'text'; media_type?: string; data: string }
  | { type: 'url'; url: string }
  | { type: 'content'; content: string | AnthropicRequestBlock[] };

export type AnthropicRequestBlock =
  | { type: 'text'; text: string; cache_control?: unknown; citations?: unknown }
  | { type: 'image'; source: AnthropicImageSource }
  | { type: 'document'; source: AnthropicDocumentSource; title?: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input: object }
  | {
      type: 'tool_result';
      tool_use_id: string;
      content?: string | AnthropicRequestBlock[];
      is_error?: boolean;
    };

export interface AnthropicRequestMessage {
  role: 'user' | 'assistant';
  content: string | AnthropicRequestBlock[];
}

export interface AnthropicMessagesRequest {
  model: string;
  /** required on /v1/messages, absent on /v1/messages/count_tokens */
  max_tokens?: number;
  messages: AnthropicRequestMessage[];
  system?: string | Array<{ type: 'text'; text: string; cache_control?: unknown }>;
  stop_sequences?: string[];
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  tools?: Array<
    | { type?: 'custom'; name: string; description?: string; input_schema: object | null }
    | { type: string; name: string; [key: string]: unknown }
  >;
  tool_choice?: { type: 'auto' | 'any' | 'tool' | 'none'; name?: string; disable_parallel_tool_use?: boolean };
  thinking?:
    | { type: 'enabled'; budget_tokens: number; display?: 'summarized' | 'omitted' }
    | { type: 'disabled' }
    | { type: 'adaptive'; display?: 'summarized' | 'omitted' };
  output_config?: { effort?: 'low' | 'medium' | 'high' | 'xhigh' | 'max'; format?: { type: 'json_schema'; schema: object } };
  metadata?: { user_id?: string };
}

// ---------------------------------------------------------------------------------------------
// Response (outbound, exact)
// ---------------------------------------------------------------------------------------------

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

/** Grounding source as a citation (no cited span or search index is known: both are ""). */
export interface AnthropicWebSearchCitation {
  type: 'web_search_result_location';
  url: string;
  title: string | null;
  cited_text: string;
  encrypted_index: string;
}

export interface AnthropicTextBlock {
  type: 'text';
  text: string;
  citations?: AnthropicWebSearchCitation[];
}

export interface AnthropicThinkingBlock {
  type: 'thinking';
  thinking: string;
  /** a signature carrier (ir/signature-carrier.ts); "" when the thought came unsigned */
  signature: string;
}

export interface AnthropicToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

export interface AnthropicImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string };
}

export type AnthropicContentBlock = AnthropicTextBlock | AnthropicThinkingBlock | AnthropicToolUseBlock | AnthropicImageBlock;

export interface AnthropicUsage {
  /** prompt tokens not read from cache */
  input_tokens: number;
  /** candidates + thoughts */
  output_tokens: number;
  cache_read_input_tokens: number;
}

export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: AnthropicStopReason | null;
  stop_sequence: null;
  usage: AnthropicUsage;
}

export type AnthropicBlockDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string }
  | { type: 'input_json_delta'; partial_json: string }
  | { type: 'citations_delta'; citation: AnthropicWebSearchCitation };

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

/** Every event of §4.3; the SSE `event:` name is the payload's `type`. */
export type AnthropicStreamEvent =
  | {
      type: 'message_start';
      message: Omit<AnthropicMessage, 'usage'> & { usage: { input_tokens: number; output_tokens: number } };
    }
  | { type: 'ping' }
  | { type: 'content_block_start'; index: number; content_block: AnthropicContentBlock }
  | { type: 'content_block_delta'; index: number; delta: AnthropicBlockDelta }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason: AnthropicStopReason; stop_sequence: null }; usage: AnthropicUsage }
  | { type: 'message_stop' }
  | AnthropicErrorBody;

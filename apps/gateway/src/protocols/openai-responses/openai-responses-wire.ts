/**
 * OpenAI Responses wire shapes (client-protocols.md §5). Outbound shapes are exact; the request
 * shape documents what the decoder reads (it is validated field by field, never trusted).
 */

// ---------------------------------------------------------------------------------------------
// Request (inbound; documentary)
// ---------------------------------------------------------------------------------------------

export type ResponsesInputContent =
  | { type: 'input_text'; text: string }
  | { type: 'input_image'; image_url?: string; file_id?: string; detail?: string }
  | { type: 'input_file'; file_data?: string; file_url?: string; file_id?: string; filename?: string }
  | { type: 'output_text'; text: string; annotations?: unknown[] }
  | { type: 'refusal'; refusal: string };

export type ResponsesInputItem =
  | { type?: 'message'; role: 'user' | 'assistant' | 'system' | 'developer'; content: string | ResponsesInputContent[] }
  | { type: 'function_call'; call_id: string; name: string; arguments: string; id?: string; status?: string }
  | { type: 'function_call_output'; call_id: string; output: string | ResponsesInputContent[] }
  | {
      type: 'reasoning';
      id?: string;
      summary: Array<{ type: 'summary_text'; text: string }>;
      /** a signature carrier this gateway emitted (ir/signature-carrier.ts) */
      encrypted_content?: string | null;
    };

export interface ResponsesRequest {
  model: string;
  input: string | ResponsesInputItem[];
  instructions?: string | null;
  tools?: Array<
    | { type: 'function'; name: string; description?: string | null; parameters?: object | null; strict?: boolean | null }
    | { type: 'web_search' | 'web_search_preview' | string; [key: string]: unknown }
  >;
  tool_choice?: 'auto' | 'none' | 'required' | { type: 'function'; name: string } | { type: string; [key: string]: unknown };
  reasoning?: { effort?: string | null; summary?: string | null } | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  text?: {
    format?:
      | { type: 'text' }
      | { type: 'json_object' }
      | { type: 'json_schema'; name?: string; schema?: object; strict?: boolean; description?: string };
    verbosity?: string;
  } | null;
  stream?: boolean | null;
  store?: boolean | null;
  metadata?: Record<string, string> | null;
  parallel_tool_calls?: boolean | null;
  /** not supported: the gateway keeps no responses */
  previous_response_id?: string | null;
}

// ---------------------------------------------------------------------------------------------
// Response (outbound, exact)
// ---------------------------------------------------------------------------------------------

export interface ResponsesUrlCitation {
  type: 'url_citation';
  url: string;
  title: string;
  start_index: number;
  end_index: number;
}

export interface ResponsesOutputText {
  type: 'output_text';
  annotations: ResponsesUrlCitation[];
  logprobs: [];
  text: string;
}

export type ResponsesItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface ResponsesReasoningItem {
  id: string;
  type: 'reasoning';
  status: ResponsesItemStatus;
  summary: Array<{ type: 'summary_text'; text: string }>;
  /** a signature carrier (ir/signature-carrier.ts); absent when the thought came unsigned */
  encrypted_content?: string;
}

export interface ResponsesMessageItem {
  id: string;
  type: 'message';
  status: ResponsesItemStatus;
  role: 'assistant';
  content: ResponsesOutputText[];
}

export interface ResponsesFunctionCallItem {
  id: string;
  type: 'function_call';
  status: ResponsesItemStatus;
  arguments: string;
  call_id: string;
  name: string;
}

export interface ResponsesImageGenerationItem {
  id: string;
  type: 'image_generation_call';
  status: 'in_progress' | 'completed';
  result: string | null;
  output_format?: string;
}

export type ResponsesOutputItem =
  | ResponsesReasoningItem
  | ResponsesMessageItem
  | ResponsesFunctionCallItem
  | ResponsesImageGenerationItem;

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponsesStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** `response.error.code` values of the Responses API's own enum. */
export type ResponsesErrorCode = 'server_error' | 'rate_limit_exceeded' | 'invalid_prompt';

/** Request fields every response object echoes (client-protocols.md §5, end row). */
export interface ResponsesEcho {
  instructions: unknown;
  max_output_tokens: number | null;
  max_tool_calls: null;
  model: string;
  parallel_tool_calls: boolean;
  previous_response_id: null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  text: unknown;
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: 'disabled';
  metadata: Record<string, unknown>;
}

export interface ResponsesResponse extends ResponsesEcho {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponsesStatus;
  background: false;
  completed_at?: number;
  error: { code: ResponsesErrorCode; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  output: ResponsesOutputItem[];
  usage: ResponsesUsage | null;
}

/** Every streamed event; `sequence_number` increases by one per event, from 0. */
export type ResponsesStreamEvent = { sequence_number: number } & (
  | { type: 'response.created' | 'response.in_progress' | 'response.completed' | 'response.incomplete' | 'response.failed'; response: ResponsesResponse }
  | { type: 'response.output_item.added' | 'response.output_item.done'; output_index: number; item: ResponsesOutputItem }
  | {
      type: 'response.reasoning_summary_part.added' | 'response.reasoning_summary_part.done';
      item_id: string;
      output_index: number;
      summary_index: number;
      part: { type: 'summary_text'; text: string };
    }
  | { type: 'response.reasoning_summary_text.delta'; item_id: string; output_index: number; summary_index: number; delta: string }
  | { type: 'response.reasoning_summary_text.done'; item_id: string; output_index: number; summary_index: number; text: string }
  | {
      type: 'response.content_part.added' | 'response.content_part.done';
      item_id: string;
      output_index: number;
      content_index: number;
      part: ResponsesOutputText;
    }
  | { type: 'response.output_text.delta'; item_id: string; output_index: number; content_index: number; delta: string; logprobs: [] }
  | { type: 'response.output_text.done'; item_id: string; output_index: number; content_index: number; text: string; logprobs: [] }
  | {
      type: 'response.output_text.annotation.added';
      item_id: string;
      output_index: number;
      content_index: number;
      annotation_index: number;
      annotation: ResponsesUrlCitation;
    }
  | { type: 'response.function_call_arguments.delta'; item_id: string; output_index: number; delta: string }
  | { type: 'response.function_call_arguments.done'; item_id: string; output_index: number; arguments: string }
  | {
      type: 'response.image_generation_call.in_progress' | 'response.image_generation_call.completed';
      item_id: string;
      output_index: number;
    }
  | { type: 'error'; code: string | null; message: string; param: string | null }
);

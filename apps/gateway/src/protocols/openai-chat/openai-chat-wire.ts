/**
 * OpenAI Chat Completions wire shapes (client-protocols.md §3). Outbound shapes are exact; the
 * request shape documents what the decoder reads (it is validated field by field, never trusted).
 */

// ---------------------------------------------------------------------------------------------
// Request (inbound; everything optional because nothing is trusted until decoded)
// ---------------------------------------------------------------------------------------------

export type OpenAiChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

export type OpenAiChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: string | { url: string; detail?: string } }
  | { type: 'input_audio'; input_audio: unknown }
  | { type: 'file'; file: unknown }
  | { type: 'refusal'; refusal: string };

export interface OpenAiChatRequestToolCall {
  id: string;
  type?: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAiChatRequestMessage {
  role: OpenAiChatRole;
  content?: string | OpenAiChatContentPart[] | null;
  name?: string;
  tool_calls?: OpenAiChatRequestToolCall[];
  tool_call_id?: string;
  /** non-standard: thought text some clients replay */
  reasoning_content?: string;
}

export interface OpenAiChatRequest {
  model: string;
  messages: OpenAiChatRequestMessage[];
  tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters?: object | null; strict?: boolean } }>;
  tool_choice?: 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } } | null;
  temperature?: number | null;
  top_p?: number | null;
  /** non-standard, accepted */
  top_k?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  stop?: string | string[] | null;
  n?: number | null;
  seed?: number | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  response_format?:
    | { type: 'text' }
    | { type: 'json_object' }
    | { type: 'json_schema'; json_schema: { name?: string; schema?: object; strict?: boolean } };
  reasoning_effort?: string | null;
  modalities?: Array<'text' | 'image'> | null;
  /** OpenRouter-style image options */
  image_config?: { aspect_ratio?: string; image_size?: string } | null;
  web_search_options?: object | null;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
}

// ---------------------------------------------------------------------------------------------
// Response (outbound, exact)
// ---------------------------------------------------------------------------------------------

export type OpenAiChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface OpenAiChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** OpenRouter-style generated image (CLIProxyAPI uses it too). */
export interface OpenAiChatImage {
  type: 'image_url';
  image_url: { url: string };
  index: number;
}

export interface OpenAiChatUrlCitation {
  type: 'url_citation';
  url_citation: { url: string; title: string; start_index: number; end_index: number };
}

export interface OpenAiChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

export interface OpenAiChatCompletionMessage {
  role: 'assistant';
  content: string | null;
  refusal: null;
  /** non-standard, widely consumed: the thought text */
  reasoning_content?: string;
  tool_calls?: OpenAiChatToolCall[];
  images?: OpenAiChatImage[];
  annotations?: OpenAiChatUrlCitation[];
}

export interface OpenAiChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: OpenAiChatCompletionMessage;
    logprobs: null;
    finish_reason: OpenAiChatFinishReason;
  }>;
  usage: OpenAiChatUsage;
}

export interface OpenAiChatToolCallDelta {
  index: number;
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAiChatChunkDelta {
  role?: 'assistant';
  content?: string;
  reasoning_content?: string;
  tool_calls?: OpenAiChatToolCallDelta[];
  images?: OpenAiChatImage[];
  annotations?: OpenAiChatUrlCitation[];
}

export interface OpenAiChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{ index: number; delta: OpenAiChatChunkDelta; finish_reason: OpenAiChatFinishReason | null }>;
  /** present (null until the last chunk) only when the client asked for stream usage */
  usage?: OpenAiChatUsage | null;
}

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

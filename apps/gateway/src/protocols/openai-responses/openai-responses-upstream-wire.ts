/**
 * OpenAI Responses shapes in the upstream direction: the request cligate sends to a Responses
 * endpoint — the ChatGPT Codex backend (Codex OAuth accounts) or the platform API (API keys) —
 * exact and built by a pure function. Field lists follow the `openai` SDK's ResponseCreateParams
 * and ResponseInputItem; answers are read leniently by the decoder.
 */
import type { JsonObject } from '../ir/provider-metadata.js';
import type { OpenAiReasoningEffort } from '../openai-chat/resolve-openai-reasoning-effort.js';

export type ResponsesUpstreamInputContent =
  | { type: 'input_text'; text: string }
  | { type: 'input_image'; image_url: string; detail: 'auto' }
  | { type: 'input_file'; filename: string; file_data: string }
  | { type: 'input_file'; file_url: string };

export interface ResponsesUpstreamMessageItem {
  type: 'message';
  role: 'user' | 'developer';
  content: ResponsesUpstreamInputContent[];
}

export interface ResponsesUpstreamAssistantMessageItem {
  type: 'message';
  role: 'assistant';
  content: Array<{ type: 'output_text'; text: string }>;
}

export interface ResponsesUpstreamReasoningItem {
  type: 'reasoning';
  summary: Array<{ type: 'summary_text'; text: string }>;
  /** the opaque reasoning state (store: false needs it replayed) */
  encrypted_content: string;
}

export interface ResponsesUpstreamFunctionCallItem {
  type: 'function_call';
  call_id: string;
  name: string;
  /** JSON text */
  arguments: string;
}

export interface ResponsesUpstreamFunctionCallOutputItem {
  type: 'function_call_output';
  call_id: string;
  output: string;
}

export type ResponsesUpstreamInputItem =
  | ResponsesUpstreamMessageItem
  | ResponsesUpstreamAssistantMessageItem
  | ResponsesUpstreamReasoningItem
  | ResponsesUpstreamFunctionCallItem
  | ResponsesUpstreamFunctionCallOutputItem;

export type ResponsesUpstreamTool =
  | { type: 'function'; name: string; description?: string; parameters: JsonObject; strict: false }
  | { type: 'web_search' };

export type ResponsesUpstreamToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; name: string };

export type ResponsesUpstreamTextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: JsonObject; strict: false };

export interface ResponsesUpstreamRequest {
  model: string;
  /** the system prompt; always present for Codex (its backend wants the field) */
  instructions?: string;
  input: ResponsesUpstreamInputItem[];
  tools?: ResponsesUpstreamTool[];
  tool_choice?: ResponsesUpstreamToolChoice;
  reasoning?: { effort?: OpenAiReasoningEffort; summary?: 'auto' };
  include?: Array<'reasoning.encrypted_content'>;
  text?: { format: ResponsesUpstreamTextFormat };
  /** platform API only: the Codex backend refuses these three */
  max_output_tokens?: number;
  temperature?: number;
  top_p?: number;
  stream: boolean;
  store: false;
}

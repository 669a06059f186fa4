/**
 * OpenAI Chat Completions shapes in the upstream direction: the request cligate sends to an
 * OpenAI-compatible `/v1/chat/completions` server (exact, built by a pure function), and the few
 * answer fields the decoders read (lenient: `.nullish()` in spirit, unknown keys ignored). Field
 * lists follow the `openai` SDK's ChatCompletionCreateParams / ChatCompletionChunk.
 */
import type { JsonObject } from '../ir/provider-metadata.js';
import type { OpenAiReasoningEffort } from './resolve-openai-reasoning-effort.js';

export type OpenAiChatUpstreamContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'file'; file: { filename: string; file_data: string } };

export interface OpenAiChatUpstreamToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAiChatUpstreamSystemMessage {
  role: 'system' | 'developer';
  content: string;
}

export interface OpenAiChatUpstreamUserMessage {
  role: 'user';
  content: string | OpenAiChatUpstreamContentPart[];
}

export interface OpenAiChatUpstreamAssistantMessage {
  role: 'assistant';
  /** null on a turn that is only tool calls */
  content: string | null;
  tool_calls?: OpenAiChatUpstreamToolCall[];
  /** DeepSeek / Qwen-style servers want the thought text back; only sent when asked for */
  reasoning_content?: string;
}

export interface OpenAiChatUpstreamToolMessage {
  role: 'tool';
  tool_call_id: string;
  content: string;
}

export type OpenAiChatUpstreamMessage =
  | OpenAiChatUpstreamSystemMessage
  | OpenAiChatUpstreamUserMessage
  | OpenAiChatUpstreamAssistantMessage
  | OpenAiChatUpstreamToolMessage;

export interface OpenAiChatUpstreamTool {
  type: 'function';
  function: { name: string; description?: string; parameters: JsonObject };
}

export type OpenAiChatUpstreamToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export type OpenAiChatUpstreamResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema: JsonObject } };

export interface OpenAiChatUpstreamRequest {
  model: string;
  messages: OpenAiChatUpstreamMessage[];
  tools?: OpenAiChatUpstreamTool[];
  tool_choice?: OpenAiChatUpstreamToolChoice;
  temperature?: number;
  top_p?: number;
  /** not in OpenAI's own API; OpenRouter, vLLM, DashScope, Ollama accept it */
  top_k?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stop?: string[];
  n?: number;
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  logprobs?: boolean;
  top_logprobs?: number;
  response_format?: OpenAiChatUpstreamResponseFormat;
  reasoning_effort?: OpenAiReasoningEffort;
  /** OpenRouter-style image output */
  modalities?: Array<'text' | 'image'>;
  image_config?: { aspect_ratio?: string; image_size?: string };
  web_search_options?: Record<string, never>;
  stream?: true;
  stream_options?: { include_usage: true };
}

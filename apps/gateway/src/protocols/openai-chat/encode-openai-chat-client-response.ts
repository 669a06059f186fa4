/**
 * IR ChatResponse → OpenAI `chat.completion` (client-protocols.md §3.1, §3.4). The id, created and
 * model come from the EncodeContext (client-facing values), not from the upstream.
 */
import type { Source } from '../ir/chat-response.js';
import type { ChatResponse } from '../ir/chat-response.js';
import type { FinishReason } from '../ir/finish-reason.js';
import type { Usage } from '../ir/usage.js';
import type { EncodeContext } from '../protocol-codec.js';
import type {
  OpenAiChatCompletion,
  OpenAiChatCompletionMessage,
  OpenAiChatFinishReason,
  OpenAiChatImage,
  OpenAiChatToolCall,
  OpenAiChatUrlCitation,
  OpenAiChatUsage,
} from './openai-chat-wire.js';

export function encodeOpenAiChatClientResponse(response: ChatResponse, context: EncodeContext): OpenAiChatCompletion {
  let text: string | undefined;
  let reasoning: string | undefined;
  let toolCalls: OpenAiChatToolCall[] | undefined;
  let images: OpenAiChatImage[] | undefined;

  for (const part of response.content) {
    switch (part.type) {
      case 'text':
        text = text === undefined ? part.text : text + part.text;
        break;
      case 'reasoning':
        reasoning = reasoning === undefined ? part.text : reasoning + part.text;
        break;
      case 'tool-call':
        (toolCalls ??= []).push({
          id: part.toolCallId,
          type: 'function',
          function: { name: part.toolName, arguments: toolArguments(part.input) },
        });
        break;
      case 'file':
        if (part.data !== undefined) {
          images ??= [];
          images.push(openAiImage(part.mediaType, part.data, images.length));
        }
        break;
    }
  }

  const message: OpenAiChatCompletionMessage = {
    role: 'assistant',
    // null when the turn is only tool calls / images; "" for an empty answer
    content: text !== undefined && text.length > 0 ? text : toolCalls !== undefined || images !== undefined ? null : '',
    refusal: null,
  };
  if (reasoning !== undefined && reasoning.length > 0) message.reasoning_content = reasoning;
  if (toolCalls !== undefined) message.tool_calls = toolCalls;
  if (images !== undefined) message.images = images;
  if (response.sources.length > 0) message.annotations = urlCitations(response.sources);

  return {
    id: openAiCompletionId(context.responseId),
    object: 'chat.completion',
    created: context.created,
    model: context.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: toOpenAiFinishReason(response.finishReason) }],
    usage: toOpenAiUsage(response.usage),
  };
}

export function openAiCompletionId(responseId: string): string {
  return `chatcmpl-${responseId}`;
}

/** Arguments as the JSON string OpenAI clients parse; a non-object input still serializes. */
export function toolArguments(input: unknown): string {
  return input === undefined ? '{}' : JSON.stringify(input);
}

export function openAiImage(mediaType: string, data: string, index: number): OpenAiChatImage {
  return { type: 'image_url', image_url: { url: `data:${mediaType || 'image/png'};base64,${data}` }, index };
}

/** Grounding sources as url_citation annotations (no text offsets are known: 0..0). */
export function urlCitations(sources: readonly Source[]): OpenAiChatUrlCitation[] {
  return sources.map((source) => ({
    type: 'url_citation',
    url_citation: { url: source.url, title: source.title ?? source.url, start_index: 0, end_index: 0 },
  }));
}

/** IR → OpenAI finish_reason; reasons OpenAI has no word for are `stop` (gcli2api V3). */
export function toOpenAiFinishReason(finishReason: FinishReason): OpenAiChatFinishReason {
  switch (finishReason.unified) {
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    case 'stop':
    case 'error':
    case 'other':
      return 'stop';
  }
}

export function toOpenAiUsage(usage: Usage): OpenAiChatUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}

/**
 * IR ChatRequest → an OpenAI `/v1/chat/completions` request body, for OpenAI-compatible upstreams
 * (OpenAI, OpenRouter, DashScope, vLLM, …). Rules:
 *
 * - Every generation parameter the client set is forwarded under its OpenAI name, exactly as set
 *   (`temperature: 0` stays 0); nothing the client did not set is added. `top_k` is forwarded too:
 *   OpenAI itself refuses it, but only clients that mean it send it, and most compatible servers
 *   take it.
 * - Leading system parts → one `system` (or `developer`, by option) message each; a later system
 *   message stays a system message in place (OpenAI allows them anywhere). Empty system text is no
 *   instruction and is skipped.
 * - User text + images: a lone text part is sent as a string (the widest-supported form), anything
 *   else as content parts; images as data URLs (or their http(s) URL, which OpenAI fetches itself);
 *   other media (PDF, …) as `file` parts.
 * - Assistant turns: text joined into `content` (null when the turn is only tool calls), tool calls
 *   with their ids and JSON-string arguments. Reasoning is dropped (OpenAI has no replay field and
 *   no signature; foreign signatures mean nothing here) unless `includeReasoningContent` asks for it
 *   as `reasoning_content`. Files in assistant turns have no OpenAI form and are dropped (warning).
 * - Tool results → one `tool` message each with its `tool_call_id`; string output as is, any other
 *   JSON value serialized.
 * - Streaming sets `stream: true` and `stream_options.include_usage: true`, so usage comes back.
 * - Tool names outside OpenAI's `^[a-zA-Z0-9_-]{1,64}$` are sent as aliases (ir/upstream-tool-names.ts;
 *   the decoder maps them back when given the request's tool names).
 */
import { GatewayError } from '../../common/errors/gateway-error.js';
import type {
  AssistantContentPart,
  ChatRequest,
  FilePart,
  ResponseFormat,
  ToolChoice,
  ToolResultPart,
  UserContentPart,
} from '../ir/chat-request.js';
import { upstreamToolName } from '../ir/upstream-tool-names.js';
import type { Converted } from '../protocol-codec.js';
import type {
  OpenAiChatUpstreamAssistantMessage,
  OpenAiChatUpstreamContentPart,
  OpenAiChatUpstreamMessage,
  OpenAiChatUpstreamRequest,
  OpenAiChatUpstreamResponseFormat,
  OpenAiChatUpstreamTool,
  OpenAiChatUpstreamToolCall,
  OpenAiChatUpstreamToolChoice,
} from './openai-chat-upstream-wire.js';
import { resolveOpenAiReasoningEffort } from './resolve-openai-reasoning-effort.js';

export interface EncodeOpenAiChatUpstreamOptions {
  /** role for system text: `system` (default, accepted everywhere) or `developer` (OpenAI o-series style) */
  systemRole?: 'system' | 'developer';
  /** name of the output-token limit: `max_tokens` (default, every compatible server) or `max_completion_tokens` (OpenAI reasoning models) */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** replay assistant reasoning text as `reasoning_content` (servers that want their thoughts back) */
  includeReasoningContent?: boolean;
  /** send the IR thinking request as `reasoning_effort` (default true) */
  sendReasoningEffort?: boolean;
}

/** `response_format.json_schema.name` is required by OpenAI; used when the client gave none. */
export const DEFAULT_JSON_SCHEMA_NAME = 'response';

export function encodeOpenAiChatUpstreamRequest(
  request: ChatRequest,
  options: EncodeOpenAiChatUpstreamOptions = {},
): Converted<OpenAiChatUpstreamRequest> {
  const warnings: string[] = [];
  const systemRole = options.systemRole ?? 'system';
  const includeReasoning = options.includeReasoningContent === true;
  const messages: OpenAiChatUpstreamMessage[] = [];

  for (const part of request.system) {
    if (part.text.length > 0) messages.push({ role: systemRole, content: part.text });
  }

  for (const message of request.messages) {
    switch (message.role) {
      case 'system': {
        let text = '';
        for (const part of message.content) text += part.text;
        if (text.length > 0) messages.push({ role: systemRole, content: text });
        break;
      }
      case 'user':
        messages.push({ role: 'user', content: encodeUserContent(message.content) });
        break;
      case 'assistant':
        messages.push(encodeAssistantMessage(message.content, includeReasoning, warnings));
        break;
      case 'tool':
        for (const result of message.content) messages.push(encodeToolResult(result));
        break;
    }
  }

  if (messages.length === 0) {
    throw new GatewayError('invalid_request', 'the request has no messages to send', { param: 'messages' });
  }

  const body: OpenAiChatUpstreamRequest = { model: request.model, messages };

  if (request.tools.length > 0) {
    const tools: OpenAiChatUpstreamTool[] = [];
    for (const tool of request.tools) {
      tools.push({
        type: 'function',
        function:
          tool.description === undefined
            ? { name: upstreamToolName(tool.name), parameters: tool.parameters }
            : { name: upstreamToolName(tool.name), description: tool.description, parameters: tool.parameters },
      });
    }
    body.tools = tools;
  }
  if (request.toolChoice !== undefined) body.tool_choice = encodeToolChoice(request.toolChoice);

  const g = request.generation;
  if (g.temperature !== undefined) body.temperature = g.temperature;
  if (g.topP !== undefined) body.top_p = g.topP;
  if (g.topK !== undefined) body.top_k = g.topK;
  if (g.maxOutputTokens !== undefined) {
    if (options.maxTokensField === 'max_completion_tokens') body.max_completion_tokens = g.maxOutputTokens;
    else body.max_tokens = g.maxOutputTokens;
  }
  if (g.stopSequences !== undefined) body.stop = g.stopSequences;
  if (g.candidateCount !== undefined) body.n = g.candidateCount;
  if (g.seed !== undefined) body.seed = g.seed;
  if (g.presencePenalty !== undefined) body.presence_penalty = g.presencePenalty;
  if (g.frequencyPenalty !== undefined) body.frequency_penalty = g.frequencyPenalty;
  if (g.responseLogprobs !== undefined) body.logprobs = g.responseLogprobs;
  if (g.logprobs !== undefined) body.top_logprobs = g.logprobs;

  if (request.responseFormat !== undefined) body.response_format = encodeResponseFormat(request.responseFormat);

  if (options.sendReasoningEffort !== false) {
    const effort = resolveOpenAiReasoningEffort(request.thinking);
    if (effort !== undefined) body.reasoning_effort = effort;
  }

  if (request.responseModalities !== undefined) body.modalities = request.responseModalities;
  const image = request.imageOutput;
  if (image !== undefined && (image.aspectRatio !== undefined || image.imageSize !== undefined)) {
    const config: { aspect_ratio?: string; image_size?: string } = {};
    if (image.aspectRatio !== undefined) config.aspect_ratio = image.aspectRatio;
    if (image.imageSize !== undefined) config.image_size = image.imageSize;
    body.image_config = config;
  }
  if (request.builtinTools?.googleSearch === true) body.web_search_options = {};

  const gemini = request.providerOptions?.gemini;
  if (gemini !== undefined) {
    for (const key of ['safetySettings', 'cachedContent', 'labels', 'extraGenerationConfig'] as const) {
      if (gemini[key] !== undefined) warnings.push(`Gemini ${key} has no OpenAI equivalent and was ignored`);
    }
  }

  if (request.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }

  return { value: body, warnings };
}

function encodeUserContent(parts: readonly UserContentPart[]): string | OpenAiChatUpstreamContentPart[] {
  if (parts.length === 1 && parts[0]!.type === 'text') return parts[0]!.text;
  const out: OpenAiChatUpstreamContentPart[] = [];
  for (const part of parts) {
    if (part.type === 'text') out.push({ type: 'text', text: part.text });
    else out.push(encodeFile(part));
  }
  return out;
}

function encodeFile(part: FilePart): OpenAiChatUpstreamContentPart {
  const url = part.data === undefined ? part.url : `data:${part.mediaType};base64,${part.data}`;
  if (url === undefined) throw new GatewayError('invalid_request', 'a file part has neither data nor a URL');
  if (part.mediaType.startsWith('image/')) return { type: 'image_url', image_url: { url } };
  if (part.data === undefined) {
    throw new GatewayError('invalid_request', `remote ${part.mediaType} files are not supported by this upstream; send the data inline`);
  }
  return { type: 'file', file: { filename: fileName(part.mediaType), file_data: url } };
}

/** OpenAI requires a file name next to inline file data; only its extension matters to the server. */
function fileName(mediaType: string): string {
  const slash = mediaType.indexOf('/');
  const subtype = slash === -1 ? 'bin' : mediaType.slice(slash + 1);
  return `file.${subtype === 'plain' ? 'txt' : subtype}`;
}

function encodeAssistantMessage(
  parts: readonly AssistantContentPart[],
  includeReasoning: boolean,
  warnings: string[],
): OpenAiChatUpstreamAssistantMessage {
  let text: string | undefined;
  let reasoning: string | undefined;
  let calls: OpenAiChatUpstreamToolCall[] | undefined;
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        text = text === undefined ? part.text : text + part.text;
        break;
      case 'reasoning':
        if (includeReasoning && part.text.length > 0) reasoning = reasoning === undefined ? part.text : reasoning + part.text;
        break;
      case 'tool-call':
        (calls ??= []).push({
          id: part.toolCallId,
          type: 'function',
          function: { name: upstreamToolName(part.toolName), arguments: part.input === undefined ? '{}' : JSON.stringify(part.input) },
        });
        break;
      case 'file':
        warnings.push('an assistant file part has no Chat Completions form and was dropped');
        break;
    }
  }
  const message: OpenAiChatUpstreamAssistantMessage = {
    role: 'assistant',
    content: text !== undefined && text.length > 0 ? text : calls !== undefined ? null : (text ?? ''),
  };
  if (calls !== undefined) message.tool_calls = calls;
  if (reasoning !== undefined) message.reasoning_content = reasoning;
  return message;
}

function encodeToolResult(result: ToolResultPart): OpenAiChatUpstreamMessage {
  const { output } = result;
  const content = typeof output === 'string' ? output : output === undefined ? '' : JSON.stringify(output);
  return { role: 'tool', tool_call_id: result.toolCallId, content };
}

function encodeToolChoice(choice: ToolChoice): OpenAiChatUpstreamToolChoice {
  switch (choice.type) {
    case 'auto':
    case 'none':
    case 'required':
      return choice.type;
    case 'tool':
      return { type: 'function', function: { name: upstreamToolName(choice.toolName) } };
  }
}

function encodeResponseFormat(format: ResponseFormat): OpenAiChatUpstreamResponseFormat {
  if (format.type === 'text') return { type: 'text' };
  if (format.schema === undefined) return { type: 'json_object' };
  return { type: 'json_schema', json_schema: { name: format.name ?? DEFAULT_JSON_SCHEMA_NAME, schema: format.schema } };
}

/**
 * IR ChatRequest → an Anthropic Messages API request body (`POST /v1/messages`), for Claude API
 * keys and Claude Code OAuth accounts.
 *
 * Content:
 * - system: the leading system parts as text blocks (empty text skipped); a later system message
 *   becomes a user text block in place (the API has one system prompt);
 * - consecutive IR messages that land on the same role are merged into one turn, so tool results
 *   (an IR tool message) and the media a tool returned (the user message after it) form one user
 *   turn with the `tool_result` blocks first, as the API requires;
 * - user: text, images (base64 or URL source), PDFs and plain text as `document` blocks; other
 *   media are a 400 (never silently dropped);
 * - assistant: blocks in their original order — reasoning parts that carry a signature as
 *   `thinking` blocks with it (the API verifies and needs them in tool loops), a redacted-thinking
 *   carrier as `redacted_thinking`; unsigned reasoning cannot be replayed and is dropped; text
 *   (empty text skipped); tool calls as `tool_use` with their ids; files are dropped (warning);
 * - tool results as `tool_result` blocks (string output as is, other JSON serialized,
 *   `is_error` kept). Tool ids are reduced to the characters the API accepts ([A-Za-z0-9_-]), the
 *   same way on `tool_use` and `tool_result`, so ids minted by other providers still pair up; tool
 *   names outside `^[a-zA-Z0-9_-]{1,64}$` are sent as aliases (ir/upstream-tool-names.ts).
 *
 * Parameters: `max_tokens` is required — the client's, else a default (resolve-anthropic-thinking.ts);
 * temperature (clamped to Anthropic's 0–1), top_p, top_k and stop_sequences as set. Penalties,
 * seed, n and logprobs have no Anthropic field (warnings). Model rules, each a warning:
 * sampling parameters are dropped on models that refuse them (Opus 4.7+, Claude 5), top_p is
 * dropped next to temperature on 4.5+ models, and with thinking on temperature ≠ 1, top_k and
 * top_p < 0.95 are dropped (the API refuses them with thinking).
 *
 * Thinking: resolved per model family (adaptive + effort, or a token budget). It is left off, with
 * a warning, when the tool choice forces a tool (the API refuses thinking then) or when the last
 * assistant turn has tool calls but no signed thinking block (it came from a client or provider
 * that does not replay Anthropic thinking, and the API refuses such a tool loop with thinking on).
 */
import { GatewayError } from '../../common/errors/gateway-error.js';
import type {
  AssistantContentPart,
  ChatMessage,
  ChatRequest,
  FilePart,
  ToolChoice,
  ToolResultPart,
  UserContentPart,
} from '../ir/chat-request.js';
import type { JsonObject } from '../ir/provider-metadata.js';
import { isJsonObject } from '../json/safe-parse-json.js';
import { upstreamToolName } from '../ir/upstream-tool-names.js';
import type { Converted } from '../protocol-codec.js';
import {
  readRedactedThinkingSignature,
  type AnthropicMessagesUpstreamRequest,
  type AnthropicUpstreamContentBlock,
  type AnthropicUpstreamMessage,
  type AnthropicUpstreamTool,
  type AnthropicUpstreamToolChoice,
} from './anthropic-messages-upstream-wire.js';
import { findAnthropicModelFamily, resolveAnthropicGeneration } from './resolve-anthropic-thinking.js';

export interface EncodeAnthropicMessagesUpstreamOptions {
  /** max_tokens when the client set none (default: 32000 capped by the model; 8192 for unknown models) */
  defaultMaxTokens?: number;
}

const EMPTY_OBJECT_SCHEMA: JsonObject = Object.freeze({ type: 'object', properties: Object.freeze({}) }) as JsonObject;

export function encodeAnthropicMessagesUpstreamRequest(
  request: ChatRequest,
  options: EncodeAnthropicMessagesUpstreamOptions = {},
): Converted<AnthropicMessagesUpstreamRequest> {
  const warnings: string[] = [];
  const messages: AnthropicUpstreamMessage[] = [];

  for (const message of request.messages) {
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = encodeMessage(message, warnings);
    if (blocks.length === 0) continue;
    const last = messages[messages.length - 1];
    if (last !== undefined && last.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  }
  if (messages.length === 0) {
    throw new GatewayError('invalid_request', 'the request has no user or assistant content to send', { param: 'messages' });
  }
  trimFinalAssistantText(messages);

  const family = findAnthropicModelFamily(request.model);
  const toolChoice = request.toolChoice;
  const forcesTool = toolChoice?.type === 'required' || toolChoice?.type === 'tool';

  let thinking = request.thinking;
  if (thinking !== undefined && wantsThinking(thinking)) {
    if (forcesTool) {
      warnings.push('thinking is not allowed when tool_choice forces a tool; thinking was left off');
      thinking = undefined;
    } else if (lastAssistantHasUnsignedToolCall(request.messages)) {
      warnings.push('the last assistant turn has tool calls without their signed thinking block; thinking was left off');
      thinking = undefined;
    }
  }

  const resolved = resolveAnthropicGeneration(
    {
      model: request.model,
      thinking,
      maxOutputTokens: request.generation.maxOutputTokens,
      ...(options.defaultMaxTokens === undefined ? {} : { defaultMaxTokens: options.defaultMaxTokens }),
    },
    warnings,
  );

  // Key order as the API documents it: model, max_tokens, system, messages, tools, …
  const body = { model: request.model, max_tokens: resolved.maxTokens } as AnthropicMessagesUpstreamRequest;
  const system: AnthropicMessagesUpstreamRequest['system'] = [];
  for (const part of request.system) if (part.text.length > 0) system.push({ type: 'text', text: part.text });
  if (system.length > 0) body.system = system;
  body.messages = messages;

  const tools = encodeTools(request);
  if (tools !== undefined) body.tools = tools;
  if (toolChoice !== undefined) body.tool_choice = encodeToolChoice(toolChoice);

  // sampling parameters, under the model's rules
  const g = request.generation;
  const thinkingOn = resolved.thinking !== undefined && resolved.thinking.type !== 'disabled';
  let temperature = g.temperature;
  let topP = g.topP;
  let topK = g.topK;
  if (family?.sampling === 'none') {
    if (temperature !== undefined || topP !== undefined || topK !== undefined) {
      warnings.push(`${request.model} accepts no temperature / top_p / top_k; they were dropped`);
    }
    temperature = topP = topK = undefined;
  }
  if (temperature !== undefined && temperature > 1) {
    warnings.push(`temperature ${temperature} is above Anthropic's maximum of 1; sent as 1`);
    temperature = 1;
  }
  if (thinkingOn) {
    if (temperature !== undefined && temperature !== 1) {
      warnings.push('temperature cannot be changed with thinking on; it was dropped');
      temperature = undefined;
    }
    if (topK !== undefined) {
      warnings.push('top_k cannot be set with thinking on; it was dropped');
      topK = undefined;
    }
    if (topP !== undefined && topP < 0.95) {
      warnings.push('top_p below 0.95 cannot be set with thinking on; it was dropped');
      topP = undefined;
    }
  }
  if (family?.sampling === 'one-of' && temperature !== undefined && topP !== undefined) {
    warnings.push(`${request.model} accepts temperature or top_p, not both; top_p was dropped`);
    topP = undefined;
  }
  if (temperature !== undefined) body.temperature = temperature;
  if (topP !== undefined) body.top_p = topP;
  if (topK !== undefined) body.top_k = topK;
  if (g.stopSequences !== undefined) body.stop_sequences = g.stopSequences;
  if (g.presencePenalty !== undefined) warnings.push('presence_penalty has no Anthropic equivalent and was ignored');
  if (g.frequencyPenalty !== undefined) warnings.push('frequency_penalty has no Anthropic equivalent and was ignored');
  if (g.seed !== undefined) warnings.push('seed has no Anthropic equivalent and was ignored');
  if (g.candidateCount !== undefined && g.candidateCount !== 1) warnings.push('n > 1 has no Anthropic equivalent; one answer is returned');
  if (g.responseLogprobs === true || g.logprobs !== undefined) warnings.push('logprobs have no Anthropic equivalent and were ignored');

  if (resolved.thinking !== undefined) body.thinking = resolved.thinking;
  if (resolved.effort !== undefined) body.output_config = { effort: resolved.effort };

  const format = request.responseFormat;
  if (format?.type === 'json') {
    if (format.schema === undefined) {
      warnings.push('JSON mode without a schema has no Anthropic equivalent; the request was sent without it');
    } else if (family !== undefined && !family.structuredOutputs) {
      warnings.push(`${request.model} does not support structured outputs; the JSON schema was ignored`);
    } else {
      body.output_config = { ...body.output_config, format: { type: 'json_schema', schema: format.schema } };
    }
  }

  if (request.responseModalities?.includes('image') === true || request.imageOutput !== undefined) {
    warnings.push('Claude models do not generate images; the image output request was ignored');
  }
  if (request.providerOptions?.gemini !== undefined) warnings.push('Gemini-only options were ignored');

  if (request.stream) body.stream = true;
  return { value: body, warnings };
}

function wantsThinking(thinking: NonNullable<ChatRequest['thinking']>): boolean {
  if (thinking.budgetTokens !== undefined) return thinking.budgetTokens !== 0;
  return thinking.effort !== undefined && thinking.effort !== 'none';
}

function lastAssistantHasUnsignedToolCall(messages: readonly ChatMessage[]): boolean {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role !== 'assistant') continue;
    let calls = false;
    for (const part of message.content) {
      if (part.type === 'reasoning' && part.signature !== undefined) return false;
      if (part.type === 'tool-call') calls = true;
    }
    return calls;
  }
  return false;
}

function encodeMessage(message: ChatMessage, warnings: string[]): AnthropicUpstreamContentBlock[] {
  const out: AnthropicUpstreamContentBlock[] = [];
  switch (message.role) {
    case 'system':
      for (const part of message.content) if (part.text.length > 0) out.push({ type: 'text', text: part.text });
      break;
    case 'user':
      for (const part of message.content) encodeUserPart(part, out);
      break;
    case 'assistant':
      for (const part of message.content) encodeAssistantPart(part, out, warnings);
      break;
    case 'tool':
      for (const result of message.content) out.push(encodeToolResult(result));
      break;
  }
  return out;
}

function encodeUserPart(part: UserContentPart, out: AnthropicUpstreamContentBlock[]): void {
  if (part.type === 'text') {
    if (part.text.length > 0) out.push({ type: 'text', text: part.text });
    return;
  }
  out.push(encodeFile(part));
}

function encodeFile(part: FilePart): AnthropicUpstreamContentBlock {
  const { mediaType, data, url } = part;
  if (mediaType.startsWith('image/')) {
    if (data !== undefined) return { type: 'image', source: { type: 'base64', media_type: mediaType, data } };
    if (url !== undefined) return { type: 'image', source: { type: 'url', url } };
  } else if (mediaType === 'application/pdf') {
    if (data !== undefined) return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data } };
    if (url !== undefined) return { type: 'document', source: { type: 'url', url } };
  } else if (mediaType === 'text/plain' && data !== undefined) {
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: Buffer.from(data, 'base64').toString('utf8') } };
  }
  throw new GatewayError('invalid_request', `${mediaType} files are not supported by Claude models (images, PDF and plain text are)`);
}

function encodeAssistantPart(part: AssistantContentPart, out: AnthropicUpstreamContentBlock[], warnings: string[]): void {
  switch (part.type) {
    case 'reasoning': {
      if (part.signature === undefined) return; // unsigned thoughts cannot be replayed
      const redacted = readRedactedThinkingSignature(part.signature);
      out.push(
        redacted === undefined
          ? { type: 'thinking', thinking: part.text, signature: part.signature }
          : { type: 'redacted_thinking', data: redacted },
      );
      return;
    }
    case 'text':
      if (part.text.length > 0) out.push({ type: 'text', text: part.text });
      return;
    case 'tool-call':
      out.push({
        type: 'tool_use',
        id: anthropicToolId(part.toolCallId),
        name: upstreamToolName(part.toolName),
        input: isJsonObject(part.input) ? part.input : {},
      });
      return;
    case 'file':
      warnings.push('an assistant file part cannot be sent to Claude and was dropped');
      return;
  }
}

function encodeToolResult(result: ToolResultPart): AnthropicUpstreamContentBlock {
  const block: AnthropicUpstreamContentBlock & { type: 'tool_result' } = {
    type: 'tool_result',
    tool_use_id: anthropicToolId(result.toolCallId),
  };
  const { output } = result;
  const content = typeof output === 'string' ? output : output === undefined ? '' : JSON.stringify(output);
  if (content.length > 0) block.content = content;
  if (result.isError === true) block.is_error = true;
  return block;
}

/** A tool id the API accepts (`^[a-zA-Z0-9_-]+$`): other characters become `_`; unchanged ids are not copied. */
export function anthropicToolId(id: string): string {
  let clean = true;
  for (let i = 0; i < id.length; i++) {
    if (!isIdCharacter(id.charCodeAt(i))) {
      clean = false;
      break;
    }
  }
  if (clean && id.length > 0) return id;
  let out = '';
  for (let i = 0; i < id.length; i++) out += isIdCharacter(id.charCodeAt(i)) ? id[i] : '_';
  return out.length > 0 ? out : '_';
}

function isIdCharacter(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
}

/** The API refuses a final assistant turn (prefill) whose text ends in whitespace. */
function trimFinalAssistantText(messages: AnthropicUpstreamMessage[]): void {
  const last = messages[messages.length - 1]!;
  if (last.role !== 'assistant') return;
  const block = last.content[last.content.length - 1];
  if (block?.type !== 'text') return;
  const trimmed = block.text.trimEnd();
  if (trimmed.length > 0) block.text = trimmed;
  else last.content.pop();
  if (last.content.length === 0) messages.pop();
}

function encodeTools(request: ChatRequest): AnthropicUpstreamTool[] | undefined {
  const search = request.builtinTools?.googleSearch === true;
  if (request.tools.length === 0 && !search) return undefined;
  const out: AnthropicUpstreamTool[] = [];
  for (const tool of request.tools) {
    const schema = inputSchema(tool.parameters);
    out.push(
      tool.description === undefined
        ? { name: upstreamToolName(tool.name), input_schema: schema }
        : { name: upstreamToolName(tool.name), description: tool.description, input_schema: schema },
    );
  }
  if (search) out.push({ type: 'web_search_20250305', name: 'web_search' });
  return out;
}

/** `input_schema` must be an object schema (`type: "object"`): a missing type is added, a missing schema is empty. */
function inputSchema(schema: JsonObject): JsonObject {
  if (!isJsonObject(schema)) return EMPTY_OBJECT_SCHEMA;
  return schema['type'] === undefined ? { type: 'object', ...schema } : schema;
}

function encodeToolChoice(choice: ToolChoice): AnthropicUpstreamToolChoice {
  switch (choice.type) {
    case 'auto':
      return { type: 'auto' };
    case 'none':
      return { type: 'none' };
    case 'required':
      return { type: 'any' };
    case 'tool':
      return { type: 'tool', name: upstreamToolName(choice.toolName) };
  }
}

/**
 * Anthropic Messages request body → IR ChatRequest (client-protocols.md §4.1, §8.3). Lenient about
 * what it ignores (unknown fields, cache_control, metadata), strict about what it reads: a wrong type
 * is a GatewayError('invalid_request') whose message and `param` name the field.
 *
 * Content mapping:
 * - a user message holding `tool_result` blocks becomes an IR tool message (results in order) and a
 *   user message for its other blocks; images / documents inside a tool result (Claude Code's Read
 *   tool returns screenshots that way) follow the results in that user message, since a Gemini
 *   functionResponse carries JSON only;
 * - `thinking` blocks carry signatures (ir/signature-carrier.ts): a raw one stays on its reasoning
 *   part, a text / tool-call carrier goes to the next text block / tool_use of the same message
 *   (a text carrier with no text after it is a signed empty text part, as Gemini sent it);
 * - `redacted_thinking` and server-tool blocks replayed from an Anthropic session are skipped.
 */
import { invalidRequest } from '../../common/errors/gateway-error.js';
import type {
  AssistantContentPart,
  ChatMessage,
  ChatRequest,
  FilePart,
  TextPart,
  ThinkingEffort,
  ThinkingRequest,
  ToolChoice,
  ToolDefinition,
  ToolResultPart,
  UserContentPart,
} from '../ir/chat-request.js';
import type { JsonObject } from '../ir/provider-metadata.js';
import { decodeSignatureCarrier } from '../ir/signature-carrier.js';
import {
  readOptionalArray,
  readOptionalBoolean,
  readOptionalInteger,
  readOptionalNumber,
  readOptionalObject,
  readOptionalString,
  readOptionalStringArray,
  readRequiredArray,
  readRequiredObject,
  readRequiredString,
} from '../json/read-request-field.js';
import { isJsonObject, safeParseJson } from '../json/safe-parse-json.js';
import { decodeMediaUrl } from '../media/decode-media-url.js';
import type { Converted, DecodeContext } from '../protocol-codec.js';

const EFFORTS: ReadonlySet<string> = new Set<ThinkingEffort>(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max', 'auto']);

/** Blocks a client replays from a real Anthropic session that have no Gemini meaning. */
const SERVER_TOOL_BLOCKS: ReadonlySet<string> = new Set([
  'server_tool_use',
  'web_search_tool_result',
  'web_fetch_tool_result',
  'code_execution_tool_result',
  'bash_code_execution_tool_result',
  'text_editor_code_execution_tool_result',
  'tool_search_tool_result',
  'mcp_tool_use',
  'mcp_tool_result',
  'container_upload',
]);

const emptyObjectSchema = (): JsonObject => ({ type: 'object', properties: {} });

/** `POST /v1/messages`. */
export function decodeAnthropicMessagesClientRequest(body: unknown, context: DecodeContext): Converted<ChatRequest> {
  return decode(body, context, 'messages');
}

/**
 * `POST /v1/messages/count_tokens`: the same body without `max_tokens` (ignored when present) and
 * without streaming. The relay encodes the result for Gemini and asks countTokens.
 */
export function decodeAnthropicCountTokensRequest(body: unknown, context: DecodeContext): Converted<ChatRequest> {
  return decode(body, context, 'count_tokens');
}

function decode(body: unknown, context: DecodeContext, route: 'messages' | 'count_tokens'): Converted<ChatRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('request body must be a JSON object');
  }
  const root = body as Record<string, unknown>;
  const warnings: string[] = [];

  const model = context.pathModel ?? readRequiredString(root['model'], 'model');
  if (model.length === 0) throw invalidRequest('model is required', 'model');

  const rawMessages = readRequiredArray(root['messages'], 'messages');
  if (rawMessages.length === 0) throw invalidRequest('messages must contain at least one message', 'messages');

  const request: ChatRequest = {
    model,
    system: decodeSystem(root['system']),
    messages: decodeMessages(rawMessages, warnings),
    tools: [],
    generation: {},
    stream: route === 'messages' ? (readOptionalBoolean(root['stream'], 'stream') ?? context.pathStream ?? false) : false,
  };

  if (route === 'messages') {
    const maxTokens = readOptionalInteger(root['max_tokens'], 'max_tokens');
    if (maxTokens === undefined) throw invalidRequest('max_tokens is required', 'max_tokens');
    if (maxTokens < 1) throw invalidRequest('max_tokens must be at least 1', 'max_tokens');
    request.generation.maxOutputTokens = maxTokens;
  }

  decodeTools(root['tools'], request, warnings);
  const toolChoice = decodeToolChoice(root['tool_choice']);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;

  const g = request.generation;
  const temperature = readOptionalNumber(root['temperature'], 'temperature');
  if (temperature !== undefined) g.temperature = temperature;
  const topP = readOptionalNumber(root['top_p'], 'top_p');
  if (topP !== undefined) g.topP = topP;
  const topK = readOptionalNumber(root['top_k'], 'top_k');
  if (topK !== undefined) g.topK = topK;
  const stop = readOptionalStringArray(root['stop_sequences'], 'stop_sequences');
  if (stop !== undefined) g.stopSequences = stop;

  const outputConfig = readOptionalObject(root['output_config'], 'output_config');
  const thinking = decodeThinking(root['thinking'], outputConfig, warnings);
  if (thinking !== undefined) request.thinking = thinking;

  const format = outputConfig === undefined ? undefined : readOptionalObject(outputConfig['format'], 'output_config.format');
  if (format !== undefined) {
    if (format['type'] !== 'json_schema') {
      throw invalidRequest('output_config.format.type must be "json_schema"', 'output_config.format.type');
    }
    const schema = readOptionalObject(format['schema'], 'output_config.format.schema');
    request.responseFormat = schema === undefined ? { type: 'json' } : { type: 'json', schema: schema as JsonObject };
  }

  readOptionalObject(root['metadata'], 'metadata'); // accepted, not forwarded
  if (root['mcp_servers'] !== undefined && root['mcp_servers'] !== null) warnings.push('mcp_servers are not supported and were ignored');
  if (root['container'] !== undefined && root['container'] !== null) warnings.push('container is not supported and was ignored');

  return { value: request, warnings };
}

// ---------------------------------------------------------------------------------------------
// System and messages
// ---------------------------------------------------------------------------------------------

function decodeSystem(value: unknown): TextPart[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  const blocks = readRequiredArray(value, 'system');
  const out: TextPart[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const block = readRequiredObject(blocks[i], `system[${i}]`);
    if (block['type'] !== 'text') throw invalidRequest(`system[${i}].type must be "text"`, `system[${i}].type`);
    out.push({ type: 'text', text: readRequiredString(block['text'], `system[${i}].text`) });
  }
  return out;
}

function decodeMessages(raw: unknown[], warnings: string[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  /** tool_use id → tool name, from earlier assistant messages */
  const toolNames = new Map<string, string>();
  for (let i = 0; i < raw.length; i++) {
    const param = `messages[${i}]`;
    const message = readRequiredObject(raw[i], param);
    const role = message['role'];
    const content = message['content'];
    if (role === 'user') decodeUserMessage(content, `${param}.content`, toolNames, messages);
    else if (role === 'assistant') {
      messages.push({ role: 'assistant', content: decodeAssistantContent(content, `${param}.content`, toolNames, warnings) });
    } else {
      throw invalidRequest(
        role === undefined || role === null ? `${param}.role is required` : `${param}.role must be "user" or "assistant"`,
        `${param}.role`,
      );
    }
  }
  return messages;
}

/** User content → [tool message][user message], in block order. */
function decodeUserMessage(value: unknown, param: string, toolNames: ReadonlyMap<string, string>, messages: ChatMessage[]): void {
  if (typeof value === 'string') {
    messages.push({ role: 'user', content: [{ type: 'text', text: value }] });
    return;
  }
  const blocks = readRequiredArray(value, param);
  let user: UserContentPart[] | undefined;
  let results: ToolResultPart[] | undefined;
  let attachments: UserContentPart[] | undefined;

  const flushUser = () => {
    if (user === undefined) return;
    messages.push({ role: 'user', content: user });
    user = undefined;
  };
  const flushResults = () => {
    if (results === undefined) return;
    messages.push({ role: 'tool', content: results });
    results = undefined;
    // media returned by the tools opens the user turn that follows the results
    user = attachments;
    attachments = undefined;
  };

  for (let j = 0; j < blocks.length; j++) {
    const blockParam = `${param}[${j}]`;
    const block = readRequiredObject(blocks[j], blockParam);
    if (block['type'] === 'tool_result') {
      flushUser();
      const media: UserContentPart[] = [];
      (results ??= []).push(decodeToolResult(block, blockParam, toolNames, media));
      if (media.length > 0) (attachments ??= []).push(...media);
      continue;
    }
    flushResults();
    (user ??= []).push(...decodeUserBlock(block, blockParam));
  }
  flushResults();
  flushUser();
  if (blocks.length === 0) messages.push({ role: 'user', content: [] });
}

function decodeUserBlock(block: Record<string, unknown>, param: string): UserContentPart[] {
  const type = block['type'];
  switch (type) {
    case 'text':
      return [{ type: 'text', text: readRequiredString(block['text'], `${param}.text`) }];
    case 'image':
      return [decodeImageSource(block['source'], `${param}.source`)];
    case 'document':
      return decodeDocumentSource(block['source'], `${param}.source`);
    case 'tool_use':
    case 'thinking':
    case 'redacted_thinking':
      throw invalidRequest(`${param}: ${type} blocks belong in assistant messages`, `${param}.type`);
    default:
      throw invalidRequest(
        typeof type === 'string' ? `${param}.type "${type}" is not supported` : `${param}.type is required`,
        `${param}.type`,
      );
  }
}

function decodeImageSource(value: unknown, param: string): FilePart {
  const source = readRequiredObject(value, param);
  switch (source['type']) {
    case 'base64':
      return {
        type: 'file',
        mediaType: readRequiredString(source['media_type'], `${param}.media_type`).toLowerCase(),
        data: readRequiredString(source['data'], `${param}.data`),
      };
    case 'url':
      return decodeMediaUrl(readRequiredString(source['url'], `${param}.url`), `${param}.url`);
    case 'file':
      throw invalidRequest(`${param}: file sources (Files API) are not supported; send the data as base64`, `${param}.type`);
    default:
      throw invalidRequest(`${param}.type must be "base64" or "url"`, `${param}.type`);
  }
}

/** PDF (base64 / URL) → file; plain text → text; inline content → its text and images. */
function decodeDocumentSource(value: unknown, param: string): UserContentPart[] {
  const source = readRequiredObject(value, param);
  switch (source['type']) {
    case 'base64':
    case 'url':
    case 'file':
      return [decodeImageSource(source, param)];
    case 'text':
      return [{ type: 'text', text: readRequiredString(source['data'], `${param}.data`) }];
    case 'content': {
      const content = source['content'];
      if (typeof content === 'string') return [{ type: 'text', text: content }];
      const blocks = readRequiredArray(content, `${param}.content`);
      const out: UserContentPart[] = [];
      for (let k = 0; k < blocks.length; k++) {
        const block = readRequiredObject(blocks[k], `${param}.content[${k}]`);
        if (block['type'] !== 'text' && block['type'] !== 'image') {
          throw invalidRequest(`${param}.content[${k}].type must be "text" or "image"`, `${param}.content[${k}].type`);
        }
        out.push(...decodeUserBlock(block, `${param}.content[${k}]`));
      }
      return out;
    }
    default:
      throw invalidRequest(`${param}.type must be one of base64, url, text, content`, `${param}.type`);
  }
}

/**
 * `tool_result` → IR tool result. Text content that is a JSON object becomes the object (Gemini's
 * functionResponse wants one), other text stays a string; image / document blocks go to `media`.
 */
function decodeToolResult(
  block: Record<string, unknown>,
  param: string,
  toolNames: ReadonlyMap<string, string>,
  media: UserContentPart[],
): ToolResultPart {
  const toolCallId = readRequiredString(block['tool_use_id'], `${param}.tool_use_id`);
  const toolName = toolNames.get(toolCallId);
  if (toolName === undefined) {
    throw invalidRequest(
      `${param}.tool_use_id "${toolCallId}" does not match a tool_use block of an earlier assistant message`,
      `${param}.tool_use_id`,
    );
  }
  const content = block['content'];
  let text = '';
  if (typeof content === 'string') text = content;
  else if (content !== undefined && content !== null) {
    const blocks = readRequiredArray(content, `${param}.content`);
    let texts = 0;
    for (let k = 0; k < blocks.length; k++) {
      const inner = readRequiredObject(blocks[k], `${param}.content[${k}]`);
      const innerParam = `${param}.content[${k}]`;
      switch (inner['type']) {
        case 'text':
          text += (texts++ > 0 ? '\n' : '') + readRequiredString(inner['text'], `${innerParam}.text`);
          break;
        case 'image':
          media.push(decodeImageSource(inner['source'], `${innerParam}.source`));
          break;
        case 'document':
          media.push(...decodeDocumentSource(inner['source'], `${innerParam}.source`));
          break;
        default:
          throw invalidRequest(`${innerParam}.type must be one of text, image, document`, `${innerParam}.type`);
      }
    }
  }
  const result: ToolResultPart = { type: 'tool-result', toolCallId, toolName, output: toolOutput(text) };
  if (readOptionalBoolean(block['is_error'], `${param}.is_error`) === true) result.isError = true;
  return result;
}

function toolOutput(text: string): unknown {
  if (text.trimStart().startsWith('{')) {
    const parsed = safeParseJson(text);
    if (parsed.ok && isJsonObject(parsed.value)) return parsed.value;
  }
  return text;
}

function decodeAssistantContent(
  value: unknown,
  param: string,
  toolNames: Map<string, string>,
  warnings: string[],
): AssistantContentPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  const blocks = readRequiredArray(value, param);
  const out: AssistantContentPart[] = [];
  /** signatures waiting for the next text block / tool_use (see ir/signature-carrier.ts) */
  let textSignature: string | undefined;
  let callSignature: string | undefined;

  for (let j = 0; j < blocks.length; j++) {
    const blockParam = `${param}[${j}]`;
    const block = readRequiredObject(blocks[j], blockParam);
    const type = block['type'];
    switch (type) {
      case 'text': {
        const text: TextPart = { type: 'text', text: readRequiredString(block['text'], `${blockParam}.text`) };
        if (textSignature !== undefined) {
          text.providerMetadata = { gemini: { thoughtSignature: textSignature } };
          textSignature = undefined;
        }
        out.push(text);
        break;
      }
      case 'thinking': {
        const thought = readRequiredString(block['thinking'], `${blockParam}.thinking`);
        const carrier = decodeSignatureCarrier(readOptionalString(block['signature'], `${blockParam}.signature`) ?? '');
        if (carrier?.kind === 'reasoning') {
          out.push({ type: 'reasoning', text: thought, signature: carrier.signature });
          break;
        }
        if (thought.length > 0) out.push({ type: 'reasoning', text: thought });
        if (carrier?.kind === 'text') textSignature = carrier.signature;
        else if (carrier?.kind === 'tool-call') callSignature = carrier.signature;
        break;
      }
      case 'redacted_thinking':
        break; // encrypted Anthropic reasoning: no Gemini equivalent
      case 'tool_use': {
        const id = readRequiredString(block['id'], `${blockParam}.id`);
        const name = readRequiredString(block['name'], `${blockParam}.name`);
        toolNames.set(id, name);
        const call: AssistantContentPart = {
          type: 'tool-call',
          toolCallId: id,
          toolName: name,
          input: decodeToolInput(block['input'], `${blockParam}.input`),
        };
        if (callSignature !== undefined) {
          call.providerMetadata = { gemini: { thoughtSignature: callSignature } };
          callSignature = undefined;
        }
        out.push(call);
        break;
      }
      case 'image':
        out.push(decodeImageSource(block['source'], `${blockParam}.source`));
        break;
      default:
        if (typeof type === 'string' && SERVER_TOOL_BLOCKS.has(type)) {
          warnings.push(`${blockParam}: ${type} blocks have no Gemini equivalent and were skipped`);
          break;
        }
        throw invalidRequest(
          typeof type === 'string' ? `${blockParam}.type "${type}" is not supported` : `${blockParam}.type is required`,
          `${blockParam}.type`,
        );
    }
  }
  // Gemini signed a text part that carried no text: keep it as the signed empty part it was.
  if (textSignature !== undefined) out.push({ type: 'text', text: '', providerMetadata: { gemini: { thoughtSignature: textSignature } } });
  if (callSignature !== undefined) warnings.push(`${param}: a tool-call signature had no tool_use block after it and was dropped`);
  return out;
}

/** `input` is a JSON object; some clients send it as a JSON string. */
function decodeToolInput(value: unknown, param: string): JsonObject {
  if (value === undefined || value === null) return {};
  if (isJsonObject(value)) return value;
  if (typeof value === 'string') {
    if (value.trim().length === 0) return {};
    const parsed = safeParseJson(value);
    if (parsed.ok && isJsonObject(parsed.value)) return parsed.value;
  }
  throw invalidRequest(`${param} must be an object`, param);
}

// ---------------------------------------------------------------------------------------------
// Tools and thinking
// ---------------------------------------------------------------------------------------------

/** Custom tools → function declarations; `web_search_*` server tools → Google Search grounding. */
function decodeTools(value: unknown, request: ChatRequest, warnings: string[]): void {
  const tools = readOptionalArray(value, 'tools');
  if (tools === undefined) return;
  const out: ToolDefinition[] = request.tools;
  for (let i = 0; i < tools.length; i++) {
    const param = `tools[${i}]`;
    const tool = readRequiredObject(tools[i], param);
    const type = tool['type'];
    if (type === undefined || type === null || type === 'custom') {
      const definition: ToolDefinition = {
        name: readRequiredString(tool['name'], `${param}.name`),
        // a null schema is an empty object schema (gcli2api #386)
        parameters: (readOptionalObject(tool['input_schema'], `${param}.input_schema`) as JsonObject | undefined) ?? emptyObjectSchema(),
      };
      const description = readOptionalString(tool['description'], `${param}.description`);
      if (description !== undefined) definition.description = description;
      out.push(definition);
    } else if (typeof type === 'string' && type.startsWith('web_search_')) {
      request.builtinTools = { ...request.builtinTools, googleSearch: true };
    } else if (typeof type === 'string') {
      warnings.push(`${param}: tool type "${type}" is not supported and was ignored`);
    } else {
      throw invalidRequest(`${param}.type must be a string`, `${param}.type`);
    }
  }
}

function decodeToolChoice(value: unknown): ToolChoice | undefined {
  const choice = readOptionalObject(value, 'tool_choice');
  if (choice === undefined) return undefined;
  switch (choice['type']) {
    case 'auto':
      return { type: 'auto' };
    case 'any':
      return { type: 'required' };
    case 'none':
      return { type: 'none' };
    case 'tool':
      return { type: 'tool', toolName: readRequiredString(choice['name'], 'tool_choice.name') };
    default:
      throw invalidRequest('tool_choice.type must be one of auto, any, tool, none', 'tool_choice.type');
  }
}

/**
 * §8.3: enabled → budget (clamped per model later; no budget → dynamic), disabled → thoughts not
 * shown, adaptive → `output_config.effort` as an effort level (none given → dynamic).
 * `display: "omitted"` hides the thought text.
 */
function decodeThinking(
  value: unknown,
  outputConfig: Record<string, unknown> | undefined,
  warnings: string[],
): ThinkingRequest | undefined {
  const effortValue = outputConfig === undefined ? undefined : readOptionalString(outputConfig['effort'], 'output_config.effort');
  if (effortValue !== undefined && !EFFORTS.has(effortValue)) {
    throw invalidRequest('output_config.effort must be one of low, medium, high, xhigh, max', 'output_config.effort');
  }
  const effort = effortValue as ThinkingEffort | undefined;

  const thinking = readOptionalObject(value, 'thinking');
  if (thinking === undefined) {
    if (effort !== undefined) warnings.push('output_config.effort is applied only with thinking.type "adaptive"; ignored');
    return undefined;
  }
  const display = readOptionalString(thinking['display'], 'thinking.display');
  const hidden = display === 'omitted';
  let out: ThinkingRequest;
  switch (thinking['type']) {
    case 'enabled': {
      const budget = readOptionalInteger(thinking['budget_tokens'], 'thinking.budget_tokens');
      out = budget === undefined ? { effort: 'auto' } : { budgetTokens: budget };
      if (effort !== undefined) warnings.push('output_config.effort is ignored when thinking.budget_tokens is given');
      break;
    }
    case 'disabled':
      return { includeThoughts: false };
    case 'adaptive':
      out = { effort: effort ?? 'auto' };
      break;
    default:
      throw invalidRequest('thinking.type must be one of enabled, disabled, adaptive', 'thinking.type');
  }
  if (hidden) out.includeThoughts = false;
  return out;
}

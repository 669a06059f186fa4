/**
 * OpenAI Chat Completions request body → IR ChatRequest (client-protocols.md §3.3, §7, §8.2).
 * Lenient about what it ignores (unknown fields), strict about what it reads: a wrong type is a
 * GatewayError('invalid_request') whose message and `param` name the field.
 */
import { invalidRequest } from '../../common/errors/gateway-error.js';
import type {
  AssistantContentPart,
  ChatMessage,
  ChatRequest,
  ResponseFormat,
  TextPart,
  ThinkingEffort,
  ToolChoice,
  ToolDefinition,
  UserContentPart,
} from '../ir/chat-request.js';
import type { JsonObject } from '../ir/provider-metadata.js';
import { isJsonObject, safeParseJson } from '../json/safe-parse-json.js';
import { decodeMediaUrl } from '../media/decode-media-url.js';
import {
  readOptionalArray,
  readOptionalBoolean,
  readOptionalInteger,
  readOptionalNumber,
  readOptionalObject,
  readOptionalString,
  readRequiredArray,
  readRequiredObject,
  readRequiredString,
} from '../json/read-request-field.js';
import type { Converted, DecodeContext } from '../protocol-codec.js';

const REASONING_EFFORTS: ReadonlySet<string> = new Set<ThinkingEffort>([
  'none',
  'minimal',
  'low',
  'medium',
  'high',
  'xhigh',
  'max',
  'auto',
]);

const EMPTY_PARAMETERS_SCHEMA = (): JsonObject => ({ type: 'object', properties: {} });

/**
 * A Gemini GenerateContentRequest posted to /v1/chat/completions (it has `contents` and no
 * `messages`); the relay decodes such bodies with the Gemini codec instead.
 */
export function looksLikeGeminiRequest(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const record = body as Record<string, unknown>;
  return Array.isArray(record['contents']) && record['messages'] === undefined;
}

export function decodeOpenAiChatClientRequest(body: unknown, context: DecodeContext): Converted<ChatRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('request body must be a JSON object');
  }
  const root = body as Record<string, unknown>;
  const warnings: string[] = [];

  const model = context.pathModel ?? readRequiredString(root['model'], 'model');
  if (model.length === 0) throw invalidRequest('model is required', 'model');

  const rawMessages = readRequiredArray(root['messages'], 'messages');
  if (rawMessages.length === 0) throw invalidRequest('messages must contain at least one message', 'messages');
  const { system, messages } = decodeMessages(rawMessages, warnings);

  const request: ChatRequest = {
    model,
    system,
    messages,
    tools: decodeTools(root['tools']),
    generation: {},
    stream: readOptionalBoolean(root['stream'], 'stream') ?? context.pathStream ?? false,
  };

  const toolChoice = decodeToolChoice(root['tool_choice']);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;

  decodeGenerationParams(root, request, warnings);

  const responseFormat = decodeResponseFormat(root['response_format']);
  if (responseFormat !== undefined) request.responseFormat = responseFormat;

  const effort = readOptionalString(root['reasoning_effort'], 'reasoning_effort');
  if (effort !== undefined) {
    if (!REASONING_EFFORTS.has(effort)) {
      throw invalidRequest(
        'reasoning_effort must be one of none, minimal, low, medium, high, xhigh (or auto, max)',
        'reasoning_effort',
      );
    }
    request.thinking = { effort: effort as ThinkingEffort };
  }

  const modalities = readOptionalArray(root['modalities'], 'modalities');
  if (modalities !== undefined) {
    const out: Array<'text' | 'image'> = [];
    for (let i = 0; i < modalities.length; i++) {
      const modality = modalities[i];
      if (modality === 'text' || modality === 'image') out.push(modality);
      else throw invalidRequest(`modalities[${i}] must be "text" or "image"`, `modalities[${i}]`);
    }
    request.responseModalities = out;
  }

  const imageConfig = readOptionalObject(root['image_config'], 'image_config');
  if (imageConfig !== undefined) {
    const aspectRatio = readOptionalString(imageConfig['aspect_ratio'], 'image_config.aspect_ratio');
    const imageSize = readOptionalString(imageConfig['image_size'], 'image_config.image_size');
    if (aspectRatio !== undefined || imageSize !== undefined) {
      request.imageOutput = {};
      if (aspectRatio !== undefined) request.imageOutput.aspectRatio = aspectRatio;
      if (imageSize !== undefined) request.imageOutput.imageSize = imageSize;
    }
  }

  if (readOptionalObject(root['web_search_options'], 'web_search_options') !== undefined) {
    request.builtinTools = { googleSearch: true };
  }

  const streamOptions = readOptionalObject(root['stream_options'], 'stream_options');
  if (streamOptions !== undefined) readOptionalBoolean(streamOptions['include_usage'], 'stream_options.include_usage');

  if (root['logit_bias'] !== undefined && root['logit_bias'] !== null) warnings.push('logit_bias is not supported and was ignored');
  if (root['audio'] !== undefined && root['audio'] !== null) warnings.push('audio output is not supported and was ignored');

  return { value: request, warnings };
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

function decodeMessages(raw: unknown[], warnings: string[]): { system: TextPart[]; messages: ChatMessage[] } {
  const system: TextPart[] = [];
  const messages: ChatMessage[] = [];
  /** tool_call_id → function name, from earlier assistant tool_calls */
  const callNames = new Map<string, string>();
  let leading = true;

  for (let i = 0; i < raw.length; i++) {
    const param = `messages[${i}]`;
    const message = readRequiredObject(raw[i], param);
    const role = message['role'];

    switch (role) {
      case 'system':
      case 'developer': {
        const content = decodeTextOnlyContent(message['content'], `${param}.content`);
        if (leading) for (const part of content) system.push(part);
        else messages.push({ role: 'system', content });
        break;
      }
      case 'user':
        leading = false;
        messages.push({ role: 'user', content: decodeUserContent(message['content'], `${param}.content`) });
        break;
      case 'assistant':
        leading = false;
        messages.push({ role: 'assistant', content: decodeAssistantMessage(message, param, callNames) });
        break;
      case 'tool': {
        leading = false;
        const toolCallId = readRequiredString(message['tool_call_id'], `${param}.tool_call_id`);
        const toolName = readOptionalString(message['name'], `${param}.name`) ?? callNames.get(toolCallId);
        if (toolName === undefined) {
          throw invalidRequest(
            `${param}.tool_call_id "${toolCallId}" does not match a tool call of an earlier assistant message`,
            `${param}.tool_call_id`,
          );
        }
        const output = decodeToolOutput(message['content'], `${param}.content`);
        const result = { type: 'tool-result' as const, toolCallId, toolName, output };
        const previous = messages[messages.length - 1];
        // consecutive tool messages answer one assistant turn: keep them together
        if (previous?.role === 'tool') previous.content.push(result);
        else messages.push({ role: 'tool', content: [result] });
        break;
      }
      case 'function':
        throw invalidRequest(`${param}.role "function" is deprecated; send role "tool" with a tool_call_id`, `${param}.role`);
      default:
        throw invalidRequest(
          role === undefined || role === null
            ? `${param}.role is required`
            : `${param}.role must be one of system, developer, user, assistant, tool`,
          `${param}.role`,
        );
    }
  }
  if (messages.length === 0 && system.length > 0) {
    warnings.push('the request has only system messages');
  }
  return { system, messages };
}

/** System/developer content: a string or an array of text parts. */
function decodeTextOnlyContent(value: unknown, param: string): TextPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (value === undefined || value === null) return [];
  const parts = readRequiredArray(value, param);
  const out: TextPart[] = [];
  for (let j = 0; j < parts.length; j++) {
    const part = readRequiredObject(parts[j], `${param}[${j}]`);
    if (part['type'] !== 'text') throw invalidRequest(`${param}[${j}].type must be "text"`, `${param}[${j}].type`);
    out.push({ type: 'text', text: readRequiredString(part['text'], `${param}[${j}].text`) });
  }
  return out;
}

function decodeUserContent(value: unknown, param: string): UserContentPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (value === undefined || value === null) throw invalidRequest(`${param} is required`, param);
  const parts = readRequiredArray(value, param);
  const out: UserContentPart[] = [];
  for (let j = 0; j < parts.length; j++) {
    const partParam = `${param}[${j}]`;
    const part = readRequiredObject(parts[j], partParam);
    const type = part['type'];
    switch (type) {
      case 'text':
        out.push({ type: 'text', text: readRequiredString(part['text'], `${partParam}.text`) });
        break;
      case 'image_url':
        out.push(decodeImageUrl(part['image_url'], `${partParam}.image_url`));
        break;
      case 'input_audio':
        throw invalidRequest(`${partParam}: input_audio content parts are not supported`, partParam);
      case 'file':
        throw invalidRequest(`${partParam}: file content parts are not supported`, partParam);
      default:
        throw invalidRequest(
          typeof type === 'string' ? `${partParam}.type "${type}" is not supported` : `${partParam}.type is required`,
          `${partParam}.type`,
        );
    }
  }
  return out;
}

/** `image_url` as a string or `{url, detail?}`: data URL → base64 file; http(s) URL → URL file. */
function decodeImageUrl(value: unknown, param: string): UserContentPart {
  const url = typeof value === 'string' ? value : readRequiredString(readRequiredObject(value, param)['url'], `${param}.url`);
  return decodeMediaUrl(url, param);
}

function decodeAssistantMessage(
  message: Record<string, unknown>,
  param: string,
  callNames: Map<string, string>,
): AssistantContentPart[] {
  const out: AssistantContentPart[] = [];
  const reasoning = readOptionalString(message['reasoning_content'], `${param}.reasoning_content`);
  if (reasoning !== undefined && reasoning.length > 0) out.push({ type: 'reasoning', text: reasoning });

  // content may be null on a tool-call turn; the turn is kept (gcli2api V2 dropped it and broke tool loops)
  const content = message['content'];
  if (typeof content === 'string') {
    out.push({ type: 'text', text: content });
  } else if (content !== undefined && content !== null) {
    const parts = readRequiredArray(content, `${param}.content`);
    for (let j = 0; j < parts.length; j++) {
      const partParam = `${param}.content[${j}]`;
      const part = readRequiredObject(parts[j], partParam);
      if (part['type'] === 'text') out.push({ type: 'text', text: readRequiredString(part['text'], `${partParam}.text`) });
      else if (part['type'] === 'refusal') {
        out.push({ type: 'text', text: readRequiredString(part['refusal'], `${partParam}.refusal`) });
      } else throw invalidRequest(`${partParam}.type must be "text" or "refusal"`, `${partParam}.type`);
    }
  }

  const toolCalls = readOptionalArray(message['tool_calls'], `${param}.tool_calls`);
  if (toolCalls !== undefined) {
    for (let j = 0; j < toolCalls.length; j++) {
      const callParam = `${param}.tool_calls[${j}]`;
      const call = readRequiredObject(toolCalls[j], callParam);
      const type = call['type'];
      if (type !== undefined && type !== null && type !== 'function') {
        throw invalidRequest(`${callParam}.type must be "function"`, `${callParam}.type`);
      }
      const id = readRequiredString(call['id'], `${callParam}.id`);
      const fn = readRequiredObject(call['function'], `${callParam}.function`);
      const name = readRequiredString(fn['name'], `${callParam}.function.name`);
      const input = decodeToolArguments(fn['arguments'], `${callParam}.function.arguments`);
      callNames.set(id, name);
      out.push({ type: 'tool-call', toolCallId: id, toolName: name, input });
    }
  }
  return out;
}

/** `arguments` is a JSON object in a string; empty means no arguments. */
function decodeToolArguments(value: unknown, param: string): JsonObject {
  if (value === undefined || value === null) return {};
  if (isJsonObject(value)) return value; // some clients send the object itself
  if (typeof value !== 'string') throw invalidRequest(`${param} must be a string`, param);
  if (value.trim().length === 0) return {};
  const parsed = safeParseJson(value);
  if (!parsed.ok || !isJsonObject(parsed.value)) throw invalidRequest(`${param} must be a JSON object string`, param);
  return parsed.value;
}

/** Tool message content: a JSON-object string becomes the object; anything else stays text. */
function decodeToolOutput(value: unknown, param: string): unknown {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value === undefined || value === null) text = '';
  else {
    const parts = readRequiredArray(value, param);
    text = '';
    for (let j = 0; j < parts.length; j++) {
      const part = readRequiredObject(parts[j], `${param}[${j}]`);
      if (part['type'] !== 'text') throw invalidRequest(`${param}[${j}].type must be "text"`, `${param}[${j}].type`);
      text += readRequiredString(part['text'], `${param}[${j}].text`);
    }
  }
  if (text.trimStart().startsWith('{')) {
    const parsed = safeParseJson(text);
    if (parsed.ok && isJsonObject(parsed.value)) return parsed.value;
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------------------------

function decodeTools(value: unknown): ToolDefinition[] {
  const tools = readOptionalArray(value, 'tools');
  if (tools === undefined) return [];
  const out: ToolDefinition[] = [];
  for (let i = 0; i < tools.length; i++) {
    const param = `tools[${i}]`;
    const tool = readRequiredObject(tools[i], param);
    const type = tool['type'];
    if (type !== undefined && type !== 'function') {
      throw invalidRequest(`${param}.type must be "function"`, `${param}.type`);
    }
    const fn = readRequiredObject(tool['function'], `${param}.function`);
    const definition: ToolDefinition = {
      name: readRequiredString(fn['name'], `${param}.function.name`),
      parameters:
        (readOptionalObject(fn['parameters'], `${param}.function.parameters`) as JsonObject | undefined) ??
        EMPTY_PARAMETERS_SCHEMA(),
    };
    const description = readOptionalString(fn['description'], `${param}.function.description`);
    if (description !== undefined) definition.description = description;
    out.push(definition);
  }
  return out;
}

function decodeToolChoice(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return { type: value };
  if (typeof value === 'string') {
    throw invalidRequest('tool_choice must be "auto", "none", "required" or a function choice', 'tool_choice');
  }
  const choice = readRequiredObject(value, 'tool_choice');
  if (choice['type'] !== 'function') throw invalidRequest('tool_choice.type must be "function"', 'tool_choice.type');
  const fn = readRequiredObject(choice['function'], 'tool_choice.function');
  return { type: 'tool', toolName: readRequiredString(fn['name'], 'tool_choice.function.name') };
}

// ---------------------------------------------------------------------------------------------
// Generation parameters and formats
// ---------------------------------------------------------------------------------------------

function decodeGenerationParams(root: Record<string, unknown>, request: ChatRequest, warnings: string[]): void {
  const g = request.generation;
  const temperature = readOptionalNumber(root['temperature'], 'temperature');
  if (temperature !== undefined) g.temperature = temperature;
  const topP = readOptionalNumber(root['top_p'], 'top_p');
  if (topP !== undefined) g.topP = topP;
  const topK = readOptionalNumber(root['top_k'], 'top_k');
  if (topK !== undefined) g.topK = topK;
  const maxTokens =
    readOptionalInteger(root['max_completion_tokens'], 'max_completion_tokens') ??
    readOptionalInteger(root['max_tokens'], 'max_tokens');
  if (maxTokens !== undefined) g.maxOutputTokens = maxTokens;

  const stop = root['stop'];
  if (typeof stop === 'string') g.stopSequences = [stop];
  else if (stop !== undefined && stop !== null) {
    const array = readOptionalArray(stop, 'stop')!;
    for (let i = 0; i < array.length; i++) {
      if (typeof array[i] !== 'string') throw invalidRequest(`stop[${i}] must be a string`, `stop[${i}]`);
    }
    g.stopSequences = array as string[];
  }

  const n = readOptionalInteger(root['n'], 'n');
  if (n !== undefined) {
    g.candidateCount = n;
    if (n > 1) warnings.push('n > 1: only the first choice is returned');
  }
  const seed = readOptionalInteger(root['seed'], 'seed');
  if (seed !== undefined) g.seed = seed;
  const presencePenalty = readOptionalNumber(root['presence_penalty'], 'presence_penalty');
  if (presencePenalty !== undefined) g.presencePenalty = presencePenalty;
  const frequencyPenalty = readOptionalNumber(root['frequency_penalty'], 'frequency_penalty');
  if (frequencyPenalty !== undefined) g.frequencyPenalty = frequencyPenalty;
  const logprobs = readOptionalBoolean(root['logprobs'], 'logprobs');
  if (logprobs !== undefined) g.responseLogprobs = logprobs;
  const topLogprobs = readOptionalInteger(root['top_logprobs'], 'top_logprobs');
  if (topLogprobs !== undefined) g.logprobs = topLogprobs;
}

function decodeResponseFormat(value: unknown): ResponseFormat | undefined {
  const format = readOptionalObject(value, 'response_format');
  if (format === undefined) return undefined;
  switch (format['type']) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json' };
    case 'json_schema': {
      const spec = readRequiredObject(format['json_schema'], 'response_format.json_schema');
      const out: ResponseFormat = { type: 'json' };
      const schema = readOptionalObject(spec['schema'], 'response_format.json_schema.schema');
      if (schema !== undefined) out.schema = schema as JsonObject;
      const name = readOptionalString(spec['name'], 'response_format.json_schema.name');
      if (name !== undefined) out.name = name;
      return out;
    }
    default:
      throw invalidRequest(
        'response_format.type must be one of text, json_object, json_schema',
        'response_format.type',
      );
  }
}

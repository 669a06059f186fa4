/**
 * OpenAI Responses request body → IR ChatRequest (client-protocols.md §5, §8.2). Lenient about what
 * it ignores (unknown fields, `include`, `store`, `metadata`, hosted tools it cannot run), strict
 * about what it reads: a wrong type is a GatewayError('invalid_request') naming the field.
 *
 * The gateway keeps no responses, so the conversation must come whole in `input`:
 * `previous_response_id`, `conversation`, `item_reference` items and `background` are refused.
 *
 * Items → IR messages: `instructions` and the leading system / developer messages → system; a run of
 * assistant-side items (reasoning, assistant messages, function_call, image_generation_call) → one
 * assistant message; a run of function_call_output items → one tool message (images they return
 * follow in a user message). Reasoning items carry signatures in `encrypted_content`
 * (ir/signature-carrier.ts): a raw one stays on its reasoning part, a text / tool-call carrier goes
 * to the next assistant text / function_call of the same run.
 */
import { invalidRequest } from '../../common/errors/gateway-error.js';
import type {
  AssistantContentPart,
  ChatMessage,
  ChatRequest,
  FilePart,
  ResponseFormat,
  TextPart,
  ThinkingEffort,
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
  readRequiredArray,
  readRequiredObject,
  readRequiredString,
} from '../json/read-request-field.js';
import { isJsonObject, safeParseJson } from '../json/safe-parse-json.js';
import { decodeMediaUrl, mediaTypeFromUrl } from '../media/decode-media-url.js';
import type { Converted, DecodeContext } from '../protocol-codec.js';

const EFFORTS: ReadonlySet<string> = new Set<ThinkingEffort>(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max', 'auto']);

/** Output items of hosted tools a client may replay; they have no Gemini meaning. */
const SKIPPED_ITEMS: ReadonlySet<string> = new Set([
  'web_search_call',
  'file_search_call',
  'code_interpreter_call',
  'computer_call',
  'computer_call_output',
  'mcp_list_tools',
  'mcp_call',
  'mcp_approval_request',
  'mcp_approval_response',
]);

const emptyObjectSchema = (): JsonObject => ({ type: 'object', properties: {} });

export function decodeOpenAiResponsesClientRequest(body: unknown, context: DecodeContext): Converted<ChatRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('request body must be a JSON object');
  }
  const root = body as Record<string, unknown>;
  const warnings: string[] = [];

  const model = context.pathModel ?? readRequiredString(root['model'], 'model');
  if (model.length === 0) throw invalidRequest('model is required', 'model');
  refuseStatefulFields(root);

  const system: TextPart[] = [];
  const instructions = readOptionalString(root['instructions'], 'instructions');
  if (instructions !== undefined) system.push({ type: 'text', text: instructions });

  const input = root['input'];
  let messages: ChatMessage[];
  if (typeof input === 'string') {
    messages = [{ role: 'user', content: [{ type: 'text', text: input }] }];
  } else {
    const items = readRequiredArray(input, 'input');
    if (items.length === 0) throw invalidRequest('input must contain at least one item', 'input');
    messages = decodeInputItems(items, system, warnings);
  }

  const request: ChatRequest = {
    model,
    system,
    messages,
    tools: [],
    generation: {},
    stream: readOptionalBoolean(root['stream'], 'stream') ?? context.pathStream ?? false,
  };

  decodeTools(root['tools'], request, warnings);
  const toolChoice = decodeToolChoice(root['tool_choice'], warnings);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;

  const g = request.generation;
  const maxOutputTokens = readOptionalInteger(root['max_output_tokens'], 'max_output_tokens');
  if (maxOutputTokens !== undefined) g.maxOutputTokens = maxOutputTokens;
  const temperature = readOptionalNumber(root['temperature'], 'temperature');
  if (temperature !== undefined) g.temperature = temperature;
  const topP = readOptionalNumber(root['top_p'], 'top_p');
  if (topP !== undefined) g.topP = topP;
  if (readOptionalInteger(root['top_logprobs'], 'top_logprobs') !== undefined) warnings.push('top_logprobs is not supported and was ignored');

  const reasoning = readOptionalObject(root['reasoning'], 'reasoning');
  if (reasoning !== undefined) {
    const effort = readOptionalString(reasoning['effort'], 'reasoning.effort');
    if (effort !== undefined) {
      if (!EFFORTS.has(effort)) {
        throw invalidRequest('reasoning.effort must be one of none, minimal, low, medium, high, xhigh', 'reasoning.effort');
      }
      request.thinking = { effort: effort as ThinkingEffort };
    }
    readOptionalString(reasoning['summary'], 'reasoning.summary'); // echoed only
  }

  const text = readOptionalObject(root['text'], 'text');
  if (text !== undefined) {
    const format = decodeTextFormat(text['format']);
    if (format !== undefined) request.responseFormat = format;
  }

  readOptionalObject(root['metadata'], 'metadata'); // echoed, not forwarded
  return { value: request, warnings };
}

function refuseStatefulFields(root: Record<string, unknown>): void {
  if (readOptionalString(root['previous_response_id'], 'previous_response_id') !== undefined) {
    throw invalidRequest(
      'previous_response_id is not supported: this gateway does not store responses; send the whole conversation in input',
      'previous_response_id',
    );
  }
  const conversation = root['conversation'];
  if (conversation !== undefined && conversation !== null) {
    throw invalidRequest('conversation is not supported: send the whole conversation in input', 'conversation');
  }
  if (readOptionalBoolean(root['background'], 'background') === true) {
    throw invalidRequest('background responses are not supported', 'background');
  }
  const prompt = root['prompt'];
  if (prompt !== undefined && prompt !== null) throw invalidRequest('stored prompts (prompt) are not supported', 'prompt');
}

// ---------------------------------------------------------------------------------------------
// Input items
// ---------------------------------------------------------------------------------------------

function decodeInputItems(items: unknown[], system: TextPart[], warnings: string[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  /** call_id → function name, from earlier function_call items */
  const callNames = new Map<string, string>();
  let leading = true;

  let assistant: AssistantContentPart[] | undefined;
  let textSignature: string | undefined;
  let callSignature: string | undefined;
  let results: ToolResultPart[] | undefined;
  let attachments: UserContentPart[] | undefined;

  const endAssistant = () => {
    if (assistant === undefined) return;
    if (textSignature !== undefined) {
      // Gemini signed a text part that carried no text: keep it as the signed empty part it was
      assistant.push({ type: 'text', text: '', providerMetadata: { gemini: { thoughtSignature: textSignature } } });
    }
    if (callSignature !== undefined) warnings.push('a tool-call signature had no function_call item after it and was dropped');
    messages.push({ role: 'assistant', content: assistant });
    assistant = undefined;
    textSignature = undefined;
    callSignature = undefined;
  };
  const endResults = () => {
    if (results === undefined) return;
    messages.push({ role: 'tool', content: results });
    results = undefined;
    if (attachments !== undefined) {
      messages.push({ role: 'user', content: attachments });
      attachments = undefined;
    }
  };
  const assistantText = (text: string) => {
    const part: TextPart = { type: 'text', text };
    if (textSignature !== undefined) {
      part.providerMetadata = { gemini: { thoughtSignature: textSignature } };
      textSignature = undefined;
    }
    (assistant ??= []).push(part);
  };

  for (let i = 0; i < items.length; i++) {
    const param = `input[${i}]`;
    const item = readRequiredObject(items[i], param);
    const type = item['type'];

    if (type === undefined || type === null || type === 'message') {
      const role = item['role'];
      switch (role) {
        case 'system':
        case 'developer': {
          endResults();
          endAssistant();
          const content = decodeTextContent(item['content'], `${param}.content`);
          if (leading) for (const part of content) system.push(part);
          else messages.push({ role: 'system', content });
          break;
        }
        case 'user':
          leading = false;
          endResults();
          endAssistant();
          messages.push({ role: 'user', content: decodeUserContent(item['content'], `${param}.content`) });
          break;
        case 'assistant': {
          leading = false;
          endResults();
          const content = item['content'];
          if (typeof content === 'string') assistantText(content);
          else {
            const parts = readRequiredArray(content, `${param}.content`);
            for (let j = 0; j < parts.length; j++) {
              const partParam = `${param}.content[${j}]`;
              const part = readRequiredObject(parts[j], partParam);
              if (part['type'] === 'output_text' || part['type'] === 'input_text') {
                assistantText(readRequiredString(part['text'], `${partParam}.text`));
              } else if (part['type'] === 'refusal') {
                assistantText(readRequiredString(part['refusal'], `${partParam}.refusal`));
              } else {
                throw invalidRequest(`${partParam}.type must be "output_text" or "refusal"`, `${partParam}.type`);
              }
            }
          }
          break;
        }
        default:
          throw invalidRequest(
            role === undefined || role === null
              ? `${param}.role is required`
              : `${param}.role must be one of user, assistant, system, developer`,
            `${param}.role`,
          );
      }
      continue;
    }

    switch (type) {
      case 'reasoning': {
        leading = false;
        endResults();
        const summary = readOptionalArray(item['summary'], `${param}.summary`) ?? [];
        let text = '';
        for (let j = 0; j < summary.length; j++) {
          const part = readRequiredObject(summary[j], `${param}.summary[${j}]`);
          text += (j > 0 ? '\n\n' : '') + readRequiredString(part['text'], `${param}.summary[${j}].text`);
        }
        const carrier = decodeSignatureCarrier(readOptionalString(item['encrypted_content'], `${param}.encrypted_content`) ?? '');
        if (carrier?.kind === 'reasoning') {
          (assistant ??= []).push({ type: 'reasoning', text, signature: carrier.signature });
          break;
        }
        if (text.length > 0) (assistant ??= []).push({ type: 'reasoning', text });
        else assistant ??= [];
        if (carrier?.kind === 'text') textSignature = carrier.signature;
        else if (carrier?.kind === 'tool-call') callSignature = carrier.signature;
        break;
      }
      case 'function_call': {
        leading = false;
        endResults();
        const callId = readRequiredString(item['call_id'], `${param}.call_id`);
        const name = readRequiredString(item['name'], `${param}.name`);
        callNames.set(callId, name);
        const call: AssistantContentPart = {
          type: 'tool-call',
          toolCallId: callId,
          toolName: name,
          input: decodeToolArguments(item['arguments'], `${param}.arguments`),
        };
        if (callSignature !== undefined) {
          call.providerMetadata = { gemini: { thoughtSignature: callSignature } };
          callSignature = undefined;
        }
        (assistant ??= []).push(call);
        break;
      }
      case 'function_call_output': {
        leading = false;
        endAssistant();
        const callId = readRequiredString(item['call_id'], `${param}.call_id`);
        const toolName = callNames.get(callId);
        if (toolName === undefined) {
          throw invalidRequest(
            `${param}.call_id "${callId}" does not match an earlier function_call item`,
            `${param}.call_id`,
          );
        }
        const media: UserContentPart[] = [];
        const output = decodeFunctionOutput(item['output'], `${param}.output`, media);
        (results ??= []).push({ type: 'tool-result', toolCallId: callId, toolName, output });
        if (media.length > 0) (attachments ??= []).push(...media);
        break;
      }
      case 'image_generation_call': {
        // an image this gateway returned, replayed as part of the assistant turn
        leading = false;
        endResults();
        const result = readOptionalString(item['result'], `${param}.result`);
        if (result !== undefined && result.length > 0) {
          const format = readOptionalString(item['output_format'], `${param}.output_format`) ?? 'png';
          (assistant ??= []).push({ type: 'file', mediaType: `image/${format}`, data: result });
        }
        break;
      }
      case 'item_reference':
        throw invalidRequest(`${param}: item_reference is not supported: this gateway does not store items`, `${param}.type`);
      default:
        if (typeof type === 'string' && SKIPPED_ITEMS.has(type)) {
          warnings.push(`${param}: ${type} items have no Gemini equivalent and were skipped`);
          break;
        }
        throw invalidRequest(
          typeof type === 'string' ? `${param}.type "${type}" is not supported` : `${param}.type must be a string`,
          `${param}.type`,
        );
    }
  }
  endResults();
  endAssistant();
  return messages;
}

/** System / developer content: a string or input_text parts. */
function decodeTextContent(value: unknown, param: string): TextPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  const parts = readRequiredArray(value, param);
  const out: TextPart[] = [];
  for (let j = 0; j < parts.length; j++) {
    const part = readRequiredObject(parts[j], `${param}[${j}]`);
    if (part['type'] !== 'input_text') throw invalidRequest(`${param}[${j}].type must be "input_text"`, `${param}[${j}].type`);
    out.push({ type: 'text', text: readRequiredString(part['text'], `${param}[${j}].text`) });
  }
  return out;
}

function decodeUserContent(value: unknown, param: string): UserContentPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  const parts = readRequiredArray(value, param);
  const out: UserContentPart[] = [];
  for (let j = 0; j < parts.length; j++) out.push(decodeInputContent(readRequiredObject(parts[j], `${param}[${j}]`), `${param}[${j}]`));
  return out;
}

function decodeInputContent(part: Record<string, unknown>, param: string): UserContentPart {
  const type = part['type'];
  switch (type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: readRequiredString(part['text'], `${param}.text`) };
    case 'input_image': {
      const url = readOptionalString(part['image_url'], `${param}.image_url`);
      if (url !== undefined) return decodeMediaUrl(url, `${param}.image_url`);
      throw fileIdUnsupported(part, param, 'image_url');
    }
    case 'input_file':
      return decodeInputFile(part, param);
    default:
      throw invalidRequest(
        typeof type === 'string' ? `${param}.type "${type}" is not supported` : `${param}.type is required`,
        `${param}.type`,
      );
  }
}

function decodeInputFile(part: Record<string, unknown>, param: string): FilePart {
  const fileData = readOptionalString(part['file_data'], `${param}.file_data`);
  if (fileData !== undefined) {
    if (fileData.startsWith('data:')) return decodeMediaUrl(fileData, `${param}.file_data`);
    // bare base64: the media type comes from the file name
    const filename = readOptionalString(part['filename'], `${param}.filename`) ?? '';
    return { type: 'file', mediaType: mediaTypeFromUrl(filename), data: fileData };
  }
  const fileUrl = readOptionalString(part['file_url'], `${param}.file_url`);
  if (fileUrl !== undefined) return decodeMediaUrl(fileUrl, `${param}.file_url`);
  throw fileIdUnsupported(part, param, 'file_data');
}

function fileIdUnsupported(part: Record<string, unknown>, param: string, field: string) {
  return part['file_id'] !== undefined && part['file_id'] !== null
    ? invalidRequest(`${param}.file_id is not supported (no Files API); send ${field} instead`, `${param}.file_id`)
    : invalidRequest(`${param}.${field} is required`, `${param}.${field}`);
}

/**
 * function_call_output: a JSON-object string becomes the object (Gemini's functionResponse wants
 * one), other text stays a string; images and files in an output list go to `media`.
 */
function decodeFunctionOutput(value: unknown, param: string, media: UserContentPart[]): unknown {
  let text = '';
  if (typeof value === 'string') text = value;
  else if (value !== undefined && value !== null) {
    const parts = readRequiredArray(value, param);
    let texts = 0;
    for (let j = 0; j < parts.length; j++) {
      const part = decodeInputContent(readRequiredObject(parts[j], `${param}[${j}]`), `${param}[${j}]`);
      if (part.type === 'text') text += (texts++ > 0 ? '\n' : '') + part.text;
      else media.push(part);
    }
  }
  if (text.trimStart().startsWith('{')) {
    const parsed = safeParseJson(text);
    if (parsed.ok && isJsonObject(parsed.value)) return parsed.value;
  }
  return text;
}

/** `arguments` is a JSON object in a string; empty means no arguments. */
function decodeToolArguments(value: unknown, param: string): JsonObject {
  if (value === undefined || value === null) return {};
  if (isJsonObject(value)) return value;
  if (typeof value !== 'string') throw invalidRequest(`${param} must be a string`, param);
  if (value.trim().length === 0) return {};
  const parsed = safeParseJson(value);
  if (!parsed.ok || !isJsonObject(parsed.value)) throw invalidRequest(`${param} must be a JSON object string`, param);
  return parsed.value;
}

// ---------------------------------------------------------------------------------------------
// Tools, tool choice, formats
// ---------------------------------------------------------------------------------------------

/** Function tools → declarations; `web_search*` → Google Search grounding; other hosted tools are ignored. */
function decodeTools(value: unknown, request: ChatRequest, warnings: string[]): void {
  const tools = readOptionalArray(value, 'tools');
  if (tools === undefined) return;
  const out: ToolDefinition[] = request.tools;
  for (let i = 0; i < tools.length; i++) {
    const param = `tools[${i}]`;
    const tool = readRequiredObject(tools[i], param);
    const type = readRequiredString(tool['type'], `${param}.type`);
    if (type === 'function') {
      const definition: ToolDefinition = {
        name: readRequiredString(tool['name'], `${param}.name`),
        parameters: (readOptionalObject(tool['parameters'], `${param}.parameters`) as JsonObject | undefined) ?? emptyObjectSchema(),
      };
      const description = readOptionalString(tool['description'], `${param}.description`);
      if (description !== undefined) definition.description = description;
      out.push(definition);
    } else if (type.startsWith('web_search')) {
      request.builtinTools = { ...request.builtinTools, googleSearch: true };
    } else {
      warnings.push(`${param}: tool type "${type}" is not supported and was ignored`);
    }
  }
}

function decodeToolChoice(value: unknown, warnings: string[]): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return { type: value };
  if (typeof value === 'string') {
    throw invalidRequest('tool_choice must be "auto", "none", "required" or a tool choice object', 'tool_choice');
  }
  const choice = readRequiredObject(value, 'tool_choice');
  const type = readRequiredString(choice['type'], 'tool_choice.type');
  if (type === 'function') return { type: 'tool', toolName: readRequiredString(choice['name'], 'tool_choice.name') };
  if (type === 'allowed_tools') {
    const mode = choice['mode'];
    if (mode !== 'auto' && mode !== 'required') throw invalidRequest('tool_choice.mode must be "auto" or "required"', 'tool_choice.mode');
    const allowed = readRequiredArray(choice['tools'], 'tool_choice.tools');
    const names: string[] = [];
    for (let i = 0; i < allowed.length; i++) {
      const tool = readRequiredObject(allowed[i], `tool_choice.tools[${i}]`);
      if (tool['type'] === 'function') names.push(readRequiredString(tool['name'], `tool_choice.tools[${i}].name`));
    }
    if (mode === 'required' && names.length === 1) return { type: 'tool', toolName: names[0]! };
    warnings.push('tool_choice.allowed_tools: the tool subset is not enforced upstream; only the mode applies');
    return { type: mode };
  }
  warnings.push(`tool_choice.type "${type}" cannot be forced upstream and was ignored`);
  return undefined;
}

function decodeTextFormat(value: unknown): ResponseFormat | undefined {
  const format = readOptionalObject(value, 'text.format');
  if (format === undefined) return undefined;
  switch (format['type']) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json' };
    case 'json_schema': {
      const out: ResponseFormat = { type: 'json' };
      const schema = readOptionalObject(format['schema'], 'text.format.schema');
      if (schema !== undefined) out.schema = schema as JsonObject;
      const name = readOptionalString(format['name'], 'text.format.name');
      if (name !== undefined) out.name = name;
      return out;
    }
    default:
      throw invalidRequest('text.format.type must be one of text, json_object, json_schema', 'text.format.type');
  }
}

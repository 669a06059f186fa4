/**
 * A Gemini-native GenerateContentRequest body (client-protocols.md §6) → IR ChatRequest. Used when
 * a Gemini client's request must be translated rather than forwarded (the fast path is
 * gemini-passthrough.ts). Lenient: unknown fields are ignored, unmodelled generationConfig keys are
 * kept verbatim in providerOptions.gemini.extraGenerationConfig; wrong types are a 400 naming the field.
 */
import { invalidRequest } from '../../common/errors/gateway-error.js';
import type {
  AssistantContentPart,
  ChatMessage,
  ChatRequest,
  GenerationParams,
  ResponseFormat,
  TextPart,
  ThinkingEffort,
  ThinkingRequest,
  ToolChoice,
  ToolDefinition,
  ToolResultPart,
  UserContentPart,
} from '../ir/chat-request.js';
import type { JsonObject, JsonValue } from '../ir/provider-metadata.js';
import { isJsonObject, readString } from '../json/safe-parse-json.js';
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
import type { Converted, DecodeContext } from '../protocol-codec.js';

type NumericGenerationKey = Exclude<keyof GenerationParams, 'stopSequences' | 'responseLogprobs'>;

/** generationConfig keys the IR models; everything else goes to extraGenerationConfig. */
const NUMERIC_GENERATION_KEYS: ReadonlyArray<readonly [string, NumericGenerationKey, 'number' | 'integer']> = [
  ['temperature', 'temperature', 'number'],
  ['topP', 'topP', 'number'],
  ['topK', 'topK', 'number'],
  ['candidateCount', 'candidateCount', 'integer'],
  ['maxOutputTokens', 'maxOutputTokens', 'integer'],
  ['presencePenalty', 'presencePenalty', 'number'],
  ['frequencyPenalty', 'frequencyPenalty', 'number'],
  ['seed', 'seed', 'integer'],
  ['logprobs', 'logprobs', 'integer'],
];

const MODELLED_GENERATION_KEYS: ReadonlySet<string> = new Set([
  ...NUMERIC_GENERATION_KEYS.map(([key]) => key),
  'stopSequences',
  'responseLogprobs',
  'responseModalities',
  'thinkingConfig',
  'imageConfig',
]);

const THINKING_LEVELS: Readonly<Record<string, ThinkingEffort>> = {
  minimal: 'minimal',
  low: 'low',
  medium: 'medium',
  high: 'high',
};

export function decodeGeminiClientRequest(body: unknown, context: DecodeContext): Converted<ChatRequest> {
  const warnings: string[] = [];
  const root = readBody(body);

  const rawModel = context.pathModel ?? readOptionalString(root['model'], 'model');
  if (rawModel === undefined || rawModel.length === 0) throw invalidRequest('model is required', 'model');
  const model = rawModel.startsWith('models/') ? rawModel.slice(7) : rawModel;

  const request: ChatRequest = {
    model,
    system: decodeSystemInstruction(root['systemInstruction'], warnings),
    messages: decodeContents(readRequiredArray(root['contents'], 'contents'), warnings),
    tools: [],
    generation: {},
    stream: context.pathStream ?? false,
  };

  decodeTools(root['tools'], request, warnings);
  const toolChoice = decodeToolConfig(root['toolConfig'], warnings);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  const gemini: NonNullable<NonNullable<ChatRequest['providerOptions']>['gemini']> = {};
  const safetySettings = readOptionalArray(root['safetySettings'], 'safetySettings');
  if (safetySettings !== undefined) gemini.safetySettings = safetySettings;
  const cachedContent = readOptionalString(root['cachedContent'], 'cachedContent');
  if (cachedContent !== undefined) gemini.cachedContent = cachedContent;
  const labels = readOptionalObject(root['labels'], 'labels');
  if (labels !== undefined) {
    for (const key in labels) {
      if (typeof labels[key] !== 'string') throw invalidRequest(`labels.${key} must be a string`, `labels.${key}`);
    }
    gemini.labels = labels as Record<string, string>;
  }
  const extraGenerationConfig = decodeGenerationConfig(root['generationConfig'], request);
  if (extraGenerationConfig !== undefined) gemini.extraGenerationConfig = extraGenerationConfig;
  for (const _key in gemini) {
    request.providerOptions = { gemini };
    break;
  }

  return { value: request, warnings };
}

function readBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function decodeSystemInstruction(value: unknown, warnings: string[]): TextPart[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  const instruction = readRequiredObject(value, 'systemInstruction');
  const parts = readRequiredArray(instruction['parts'], 'systemInstruction.parts');
  const out: TextPart[] = [];
  for (let j = 0; j < parts.length; j++) {
    const part = readRequiredObject(parts[j], `systemInstruction.parts[${j}]`);
    const text = readString(part['text']);
    if (text !== undefined) out.push({ type: 'text', text });
    else warnings.push(`systemInstruction.parts[${j}] is not a text part and was ignored`);
  }
  return out;
}

/**
 * Contents → IR messages. A user turn's functionResponse parts become a tool message (in place, so
 * order is kept); calls without an id get a stable per-request id, and responses without one are
 * matched to the earliest unanswered call of the same name.
 */
function decodeContents(contents: unknown[], warnings: string[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const pendingCallIds = new Map<string, string[]>();
  let callCounter = 0;

  for (let i = 0; i < contents.length; i++) {
    const param = `contents[${i}]`;
    const content = readRequiredObject(contents[i], param);
    const role = content['role'];
    if (role !== undefined && role !== null && role !== 'user' && role !== 'model' && role !== 'function') {
      throw invalidRequest(`${param}.role must be "user" or "model"`, `${param}.role`);
    }
    const parts = readRequiredArray(content['parts'], `${param}.parts`);

    if (role === 'model') {
      const assistant: AssistantContentPart[] = [];
      for (let j = 0; j < parts.length; j++) {
        const partParam = `${param}.parts[${j}]`;
        const part = readRequiredObject(parts[j], partParam);
        const signature = readOptionalString(part['thoughtSignature'], `${partParam}.thoughtSignature`);
        const text = readOptionalString(part['text'], `${partParam}.text`);
        if (text !== undefined) {
          if (part['thought'] === true) {
            assistant.push(signature === undefined ? { type: 'reasoning', text } : { type: 'reasoning', text, signature });
          } else {
            assistant.push(signature === undefined
              ? { type: 'text', text }
              : { type: 'text', text, providerMetadata: { gemini: { thoughtSignature: signature } } });
          }
          continue;
        }
        if (part['functionCall'] !== undefined) {
          const call = readRequiredObject(part['functionCall'], `${partParam}.functionCall`);
          const name = readRequiredString(call['name'], `${partParam}.functionCall.name`);
          const args = readOptionalObject(call['args'], `${partParam}.functionCall.args`) ?? {};
          const id = readOptionalString(call['id'], `${partParam}.functionCall.id`) || `call_${++callCounter}`;
          let queue = pendingCallIds.get(name);
          if (queue === undefined) pendingCallIds.set(name, (queue = []));
          queue.push(id);
          const toolCall: AssistantContentPart = { type: 'tool-call', toolCallId: id, toolName: name, input: args };
          if (signature !== undefined) toolCall.providerMetadata = { gemini: { thoughtSignature: signature } };
          assistant.push(toolCall);
          continue;
        }
        const media = decodeMediaPart(part, partParam, warnings);
        if (media !== undefined) assistant.push(media);
        else if (signature !== undefined && Object.keys(part).length === 1) {
          // a bare signature part: kept so the signature is replayed
          assistant.push({ type: 'text', text: '', providerMetadata: { gemini: { thoughtSignature: signature } } });
        }
      }
      messages.push({ role: 'assistant', content: assistant });
      continue;
    }

    // user (or the legacy "function" role)
    let user: UserContentPart[] | undefined;
    let results: ToolResultPart[] | undefined;
    for (let j = 0; j < parts.length; j++) {
      const partParam = `${param}.parts[${j}]`;
      const part = readRequiredObject(parts[j], partParam);
      if (part['functionResponse'] !== undefined) {
        const response = readRequiredObject(part['functionResponse'], `${partParam}.functionResponse`);
        const name = readRequiredString(response['name'], `${partParam}.functionResponse.name`);
        const output = readOptionalObject(response['response'], `${partParam}.functionResponse.response`) ?? {};
        const id =
          readOptionalString(response['id'], `${partParam}.functionResponse.id`) ||
          pendingCallIds.get(name)?.shift() ||
          `call_${name}`;
        if (user !== undefined) {
          messages.push({ role: 'user', content: user });
          user = undefined;
        }
        (results ??= []).push({ type: 'tool-result', toolCallId: id, toolName: name, output });
        continue;
      }
      let userPart: UserContentPart | undefined;
      const text = readOptionalString(part['text'], `${partParam}.text`);
      if (text !== undefined) userPart = { type: 'text', text };
      else userPart = decodeMediaPart(part, partParam, warnings);
      if (userPart === undefined) continue;
      if (results !== undefined) {
        messages.push({ role: 'tool', content: results });
        results = undefined;
      }
      (user ??= []).push(userPart);
    }
    if (results !== undefined) messages.push({ role: 'tool', content: results });
    if (user !== undefined) messages.push({ role: 'user', content: user });
  }
  return messages;
}

/** inlineData → base64 file; fileData → URL file (the relay resolves or refuses it). */
function decodeMediaPart(
  part: Record<string, unknown>,
  param: string,
  warnings: string[],
): (UserContentPart & { type: 'file' }) | undefined {
  if (part['inlineData'] !== undefined) {
    const inline = readRequiredObject(part['inlineData'], `${param}.inlineData`);
    return {
      type: 'file',
      mediaType: readRequiredString(inline['mimeType'], `${param}.inlineData.mimeType`),
      data: readRequiredString(inline['data'], `${param}.inlineData.data`),
    };
  }
  if (part['fileData'] !== undefined) {
    const file = readRequiredObject(part['fileData'], `${param}.fileData`);
    return {
      type: 'file',
      mediaType: readOptionalString(file['mimeType'], `${param}.fileData.mimeType`) ?? 'application/octet-stream',
      url: readRequiredString(file['fileUri'], `${param}.fileData.fileUri`),
    };
  }
  if (part['thoughtSignature'] !== undefined && Object.keys(part).length === 1) return undefined;
  warnings.push(`${param} has no supported field and was ignored`);
  return undefined;
}

function decodeTools(value: unknown, request: ChatRequest, warnings: string[]): void {
  const tools = readOptionalArray(value, 'tools');
  if (tools === undefined) return;
  for (let i = 0; i < tools.length; i++) {
    const tool = readRequiredObject(tools[i], `tools[${i}]`);
    for (const key in tool) {
      if (key === 'functionDeclarations' || key === 'function_declarations') {
        const declarations = readRequiredArray(tool[key], `tools[${i}].${key}`);
        for (let j = 0; j < declarations.length; j++) {
          request.tools.push(decodeFunctionDeclaration(declarations[j], `tools[${i}].${key}[${j}]`));
        }
      } else if (key === 'googleSearch' || key === 'google_search' || key === 'googleSearchRetrieval') {
        request.builtinTools = { googleSearch: true };
      } else {
        warnings.push(`tools[${i}].${key} is not supported and was ignored`);
      }
    }
  }
}

function decodeFunctionDeclaration(value: unknown, param: string): ToolDefinition {
  const declaration = readRequiredObject(value, param);
  const tool: ToolDefinition = {
    name: readRequiredString(declaration['name'], `${param}.name`),
    parameters: { type: 'object', properties: {} },
  };
  const description = readOptionalString(declaration['description'], `${param}.description`);
  if (description !== undefined) tool.description = description;
  const jsonSchema = readOptionalObject(declaration['parametersJsonSchema'], `${param}.parametersJsonSchema`);
  if (jsonSchema !== undefined) {
    tool.parameters = jsonSchema as JsonObject;
  } else {
    const schema = readOptionalObject(declaration['parameters'], `${param}.parameters`);
    if (schema !== undefined) tool.parameters = openApiSchemaToJsonSchema(schema as JsonObject);
  }
  return tool;
}

/**
 * Google's OpenAPI-subset schemas spell types in upper case (`"OBJECT"`); cligate forwards tool
 * schemas as `parametersJsonSchema`, which needs JSON Schema's lower-case names.
 */
export function openApiSchemaToJsonSchema(schema: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key in schema) {
    const value = schema[key]!;
    if (key === 'type') out[key] = lowerTypeNames(value);
    else if (key === 'properties' && isJsonObject(value)) {
      const properties: JsonObject = {};
      for (const name in value) {
        const child = value[name]!;
        properties[name] = isJsonObject(child) ? openApiSchemaToJsonSchema(child) : child;
      }
      out[key] = properties;
    } else if ((key === 'items' || key === 'additionalProperties' || key === 'not') && isJsonObject(value)) {
      out[key] = openApiSchemaToJsonSchema(value);
    } else if ((key === 'anyOf' || key === 'oneOf' || key === 'allOf') && Array.isArray(value)) {
      out[key] = value.map((item) => (isJsonObject(item) ? openApiSchemaToJsonSchema(item) : item));
    } else out[key] = value;
  }
  return out;
}

function lowerTypeNames(value: JsonValue): JsonValue {
  if (typeof value === 'string') return value.toLowerCase();
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item.toLowerCase() : item));
  return value;
}

function decodeToolConfig(value: unknown, warnings: string[]): ToolChoice | undefined {
  const config = readOptionalObject(value, 'toolConfig');
  if (config === undefined) return undefined;
  const calling = readOptionalObject(config['functionCallingConfig'], 'toolConfig.functionCallingConfig');
  if (calling === undefined) return undefined;
  const mode = readOptionalString(calling['mode'], 'toolConfig.functionCallingConfig.mode');
  const allowed = readOptionalStringArray(
    calling['allowedFunctionNames'],
    'toolConfig.functionCallingConfig.allowedFunctionNames',
  );
  switch (mode) {
    case undefined:
    case 'MODE_UNSPECIFIED':
    case 'AUTO':
      return mode === undefined ? undefined : { type: 'auto' };
    case 'NONE':
      return { type: 'none' };
    case 'ANY':
      if (allowed !== undefined && allowed.length === 1) return { type: 'tool', toolName: allowed[0]! };
      if (allowed !== undefined && allowed.length > 1) {
        warnings.push('toolConfig.functionCallingConfig.allowedFunctionNames with several names is sent as mode ANY');
      }
      return { type: 'required' };
    case 'VALIDATED':
      warnings.push('toolConfig.functionCallingConfig.mode VALIDATED is sent as AUTO');
      return { type: 'auto' };
    default:
      throw invalidRequest(
        'toolConfig.functionCallingConfig.mode must be one of AUTO, ANY, NONE, VALIDATED',
        'toolConfig.functionCallingConfig.mode',
      );
  }
}

/** Fills the modelled generationConfig fields; returns the unmodelled keys, verbatim. */
function decodeGenerationConfig(value: unknown, request: ChatRequest): JsonObject | undefined {
  const config = readOptionalObject(value, 'generationConfig');
  if (config === undefined) return undefined;
  const generation = request.generation;
  for (const [key, target, kind] of NUMERIC_GENERATION_KEYS) {
    const param = `generationConfig.${key}`;
    const number = kind === 'integer' ? readOptionalInteger(config[key], param) : readOptionalNumber(config[key], param);
    if (number !== undefined) generation[target] = number;
  }
  const stop = readOptionalStringArray(config['stopSequences'], 'generationConfig.stopSequences');
  if (stop !== undefined) generation.stopSequences = stop;
  const responseLogprobs = readOptionalBoolean(config['responseLogprobs'], 'generationConfig.responseLogprobs');
  if (responseLogprobs !== undefined) generation.responseLogprobs = responseLogprobs;

  let extra: JsonObject | undefined;
  let jsonSchemaUsed = false;
  const mime = readOptionalString(config['responseMimeType'], 'generationConfig.responseMimeType');
  if (mime === 'application/json') {
    const format: ResponseFormat = { type: 'json' };
    const jsonSchema = readOptionalObject(config['responseJsonSchema'], 'generationConfig.responseJsonSchema');
    const openApiSchema = readOptionalObject(config['responseSchema'], 'generationConfig.responseSchema');
    if (jsonSchema !== undefined) format.schema = jsonSchema as JsonObject;
    else if (openApiSchema !== undefined) format.schema = openApiSchemaToJsonSchema(openApiSchema as JsonObject);
    jsonSchemaUsed = true;
    request.responseFormat = format;
  } else if (mime === 'text/plain') {
    request.responseFormat = { type: 'text' };
  }

  const modalities = readOptionalStringArray(config['responseModalities'], 'generationConfig.responseModalities');
  if (modalities !== undefined) {
    const out: Array<'text' | 'image'> = [];
    for (let i = 0; i < modalities.length; i++) {
      const modality = modalities[i]!.toUpperCase();
      if (modality === 'TEXT') out.push('text');
      else if (modality === 'IMAGE') out.push('image');
      else {
        throw invalidRequest(
          `generationConfig.responseModalities[${i}] must be TEXT or IMAGE`,
          `generationConfig.responseModalities[${i}]`,
        );
      }
    }
    request.responseModalities = out;
  }

  const thinking = readOptionalObject(config['thinkingConfig'], 'generationConfig.thinkingConfig');
  if (thinking !== undefined) {
    const out: ThinkingRequest = {};
    const budget = readOptionalInteger(thinking['thinkingBudget'], 'generationConfig.thinkingConfig.thinkingBudget');
    if (budget !== undefined) out.budgetTokens = budget;
    const level = readOptionalString(thinking['thinkingLevel'], 'generationConfig.thinkingConfig.thinkingLevel');
    if (level !== undefined && level !== 'THINKING_LEVEL_UNSPECIFIED') {
      const effort = THINKING_LEVELS[level.toLowerCase()];
      if (effort === undefined) {
        throw invalidRequest(
          'generationConfig.thinkingConfig.thinkingLevel must be one of MINIMAL, LOW, MEDIUM, HIGH',
          'generationConfig.thinkingConfig.thinkingLevel',
        );
      }
      out.effort = effort;
    }
    const include = readOptionalBoolean(thinking['includeThoughts'], 'generationConfig.thinkingConfig.includeThoughts');
    if (include !== undefined) out.includeThoughts = include;
    request.thinking = out;
  }

  const image = readOptionalObject(config['imageConfig'], 'generationConfig.imageConfig');
  if (image !== undefined) {
    const aspectRatio = readOptionalString(image['aspectRatio'], 'generationConfig.imageConfig.aspectRatio');
    const imageSize = readOptionalString(image['imageSize'], 'generationConfig.imageConfig.imageSize');
    if (aspectRatio !== undefined || imageSize !== undefined) {
      request.imageOutput = {};
      if (aspectRatio !== undefined) request.imageOutput.aspectRatio = aspectRatio;
      if (imageSize !== undefined) request.imageOutput.imageSize = imageSize;
    }
  }

  for (const key in config) {
    if (MODELLED_GENERATION_KEYS.has(key)) continue;
    if (jsonSchemaUsed && (key === 'responseMimeType' || key === 'responseJsonSchema' || key === 'responseSchema')) continue;
    if (key === 'responseMimeType' && mime === 'text/plain') continue;
    const item = config[key];
    if (item === undefined) continue;
    (extra ??= {})[key] = item as JsonValue;
  }
  return extra;
}

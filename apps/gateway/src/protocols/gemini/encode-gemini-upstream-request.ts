/**
 * IR ChatRequest → Gemini GenerateContentRequest (the `request` of the Code Assist envelope).
 * Rules: client-protocols.md §3.3 and upstream-google.md §5. Only what the client set is forwarded,
 * exactly as set; nothing is added (no forced topK, maxOutputTokens or safety settings).
 */
import { GatewayError } from '../../common/errors/gateway-error.js';
import type {
  AssistantContentPart,
  ChatMessage,
  ChatRequest,
  FilePart,
  TextPart,
  ToolChoice,
  ToolDefinition,
  ToolResultPart,
  UserContentPart,
} from '../ir/chat-request.js';
import type { JsonObject } from '../ir/provider-metadata.js';
import { isJsonObject } from '../json/safe-parse-json.js';
import type { Converted } from '../protocol-codec.js';
import type {
  GeminiContent,
  GeminiFunctionDeclaration,
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiPart,
  GeminiTool,
  GeminiToolConfig,
} from './gemini-wire.js';
import { resolveGeminiThinking } from './resolve-gemini-thinking.js';

/** Accepted by the API in place of a real thought signature (upstream-google.md §5). */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

export interface EncodeGeminiUpstreamOptions {
  /** gcli2api COMPATIBILITY_MODE: every system text becomes a user turn; no systemInstruction */
  compatibilityMode?: boolean;
}

const EMPTY_OBJECT_SCHEMA: JsonObject = Object.freeze({ type: 'object', properties: Object.freeze({}) }) as JsonObject;

export function encodeGeminiUpstreamRequest(
  request: ChatRequest,
  options: EncodeGeminiUpstreamOptions = {},
): Converted<GeminiGenerateContentRequest> {
  const warnings: string[] = [];
  const compatibilityMode = options.compatibilityMode === true;
  const contents: GeminiContent[] = [];

  // Leading system run → systemInstruction (one part per text), or user turns in compatibility mode.
  let systemParts: GeminiPart[] | undefined;
  for (const part of request.system) {
    if (part.text.length === 0) continue; // an empty system prompt is no instruction (Gemini rejects empty text)
    if (compatibilityMode) contents.push({ role: 'user', parts: [{ text: part.text }] });
    else (systemParts ??= []).push({ text: part.text });
  }

  const messages = request.messages;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    switch (message.role) {
      case 'system':
        // A later system message is a user turn (gcli2api); same in compatibility mode.
        pushTurn(contents, 'user', encodeTextParts(message.content));
        break;
      case 'user':
        pushTurn(contents, 'user', encodeUserParts(message.content));
        break;
      case 'assistant':
        pushTurn(contents, 'model', encodeAssistantParts(message.content));
        break;
      case 'tool': {
        // Consecutive tool messages become one user turn of functionResponse parts.
        const parts: GeminiPart[] = [];
        let j = i;
        for (; j < messages.length; j++) {
          const next: ChatMessage = messages[j]!;
          if (next.role !== 'tool') break;
          for (const result of next.content) parts.push(encodeToolResult(result));
        }
        i = j - 1;
        pushTurn(contents, 'user', parts);
        break;
      }
    }
  }

  if (contents.length === 0) {
    throw new GatewayError('invalid_request', 'the request has no user or assistant content to send', {
      param: 'messages',
    });
  }

  const body: GeminiGenerateContentRequest = { contents };
  if (systemParts !== undefined) body.systemInstruction = { parts: systemParts };

  const tools = encodeTools(request.tools, request.builtinTools?.googleSearch === true);
  if (tools !== undefined) body.tools = tools;
  if (request.toolChoice !== undefined) body.toolConfig = encodeToolChoice(request.toolChoice);

  const generationConfig = encodeGenerationConfig(request, warnings);
  if (generationConfig !== undefined) body.generationConfig = generationConfig;

  const gemini = request.providerOptions?.gemini;
  if (gemini !== undefined) {
    if (gemini.safetySettings !== undefined) body.safetySettings = gemini.safetySettings;
    if (gemini.cachedContent !== undefined) body.cachedContent = gemini.cachedContent;
    if (gemini.labels !== undefined) body.labels = gemini.labels;
  }

  return { value: body, warnings };
}

/** Appends a turn unless it has no parts (Gemini rejects empty turns). */
function pushTurn(contents: GeminiContent[], role: 'user' | 'model', parts: GeminiPart[]): void {
  if (parts.length > 0) contents.push({ role, parts });
}

function encodeTextParts(parts: readonly TextPart[]): GeminiPart[] {
  const out: GeminiPart[] = [];
  for (const part of parts) {
    if (part.text.length > 0) out.push({ text: part.text });
  }
  return out;
}

function encodeUserParts(parts: readonly UserContentPart[]): GeminiPart[] {
  const out: GeminiPart[] = [];
  for (const part of parts) {
    if (part.type === 'text') {
      if (part.text.length > 0) out.push({ text: part.text });
    } else {
      out.push(encodeFile(part));
    }
  }
  return out;
}

function encodeFile(part: FilePart): GeminiPart {
  if (part.data === undefined) {
    // The relay resolves (or refuses) remote URLs before the upstream encoder runs.
    throw new GatewayError('invalid_request', 'remote image URLs are not supported');
  }
  return { inlineData: { mimeType: part.mediaType, data: part.data } };
}

/**
 * Model turn: text, signed reasoning and files in their original order, then function calls. The
 * first call of the turn always carries a thought signature (its own, else the sentinel); later
 * calls carry theirs only when known. Unsigned reasoning cannot be replayed and is dropped.
 * Call ids are not sent upstream.
 */
function encodeAssistantParts(parts: readonly AssistantContentPart[]): GeminiPart[] {
  const out: GeminiPart[] = [];
  let calls: GeminiPart[] | undefined;
  for (const part of parts) {
    switch (part.type) {
      case 'text': {
        if (part.text.length === 0 && part.providerMetadata?.gemini?.thoughtSignature === undefined) break;
        const text: GeminiPart = { text: part.text };
        const signature = part.providerMetadata?.gemini?.thoughtSignature;
        if (signature !== undefined) text.thoughtSignature = signature;
        out.push(text);
        break;
      }
      case 'reasoning':
        if (part.signature !== undefined) out.push({ text: part.text, thought: true, thoughtSignature: part.signature });
        break;
      case 'file':
        out.push(encodeFile(part));
        break;
      case 'tool-call': {
        const call: GeminiPart = {
          functionCall: { name: part.toolName, args: isJsonObject(part.input) ? part.input : {} },
        };
        const signature = part.providerMetadata?.gemini?.thoughtSignature;
        if (calls === undefined) {
          call.thoughtSignature = signature ?? SKIP_THOUGHT_SIGNATURE;
          calls = [call];
        } else {
          if (signature !== undefined) call.thoughtSignature = signature;
          calls.push(call);
        }
        break;
      }
    }
  }
  if (calls !== undefined) for (const call of calls) out.push(call);
  return out;
}

function encodeToolResult(result: ToolResultPart): GeminiPart {
  const { output } = result;
  let response: JsonObject;
  if (result.isError === true) response = { error: output as JsonObject[string] };
  else if (isJsonObject(output)) response = output;
  else response = { result: output as JsonObject[string] };
  return { functionResponse: { name: result.toolName, response } };
}

function encodeTools(tools: readonly ToolDefinition[], googleSearch: boolean): GeminiTool[] | undefined {
  if (tools.length === 0 && !googleSearch) return undefined;
  const out: GeminiTool[] = [];
  if (tools.length > 0) {
    const functionDeclarations: GeminiFunctionDeclaration[] = [];
    for (const tool of tools) {
      const declaration: GeminiFunctionDeclaration = { name: tool.name };
      if (tool.description !== undefined) declaration.description = tool.description;
      declaration.parametersJsonSchema = cleanJsonSchema(tool.parameters);
      functionDeclarations.push(declaration);
    }
    out.push({ functionDeclarations });
  }
  if (googleSearch) out.push({ googleSearch: {} });
  return out;
}

/**
 * Gemini's `parametersJsonSchema` / `responseJsonSchema` take JSON Schema as is; only the `$schema`
 * meta keyword is refused. A missing or null schema becomes an empty object schema (gcli2api #386).
 * Copies only when something must change.
 */
export function cleanJsonSchema(schema: unknown): JsonObject {
  if (!isJsonObject(schema)) return EMPTY_OBJECT_SCHEMA;
  if (!('$schema' in schema)) return schema;
  const { $schema: _dropped, ...rest } = schema;
  return rest;
}

function encodeToolChoice(choice: ToolChoice): GeminiToolConfig {
  switch (choice.type) {
    case 'auto':
      return { functionCallingConfig: { mode: 'AUTO' } };
    case 'none':
      return { functionCallingConfig: { mode: 'NONE' } };
    case 'required':
      return { functionCallingConfig: { mode: 'ANY' } };
    case 'tool':
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.toolName] } };
  }
}

function encodeGenerationConfig(request: ChatRequest, warnings: string[]): GeminiGenerationConfig | undefined {
  const extra = request.providerOptions?.gemini?.extraGenerationConfig;
  // Extra (unmodelled) keys first, so every client-set key below overrides them.
  const config: GeminiGenerationConfig = extra === undefined ? {} : { ...extra };
  const g = request.generation;
  if (g.temperature !== undefined) config.temperature = g.temperature;
  if (g.topP !== undefined) config.topP = g.topP;
  if (g.topK !== undefined) config.topK = g.topK;
  if (g.candidateCount !== undefined) config.candidateCount = g.candidateCount;
  if (g.maxOutputTokens !== undefined) config.maxOutputTokens = g.maxOutputTokens;
  if (g.stopSequences !== undefined) config.stopSequences = g.stopSequences;
  if (g.presencePenalty !== undefined) config.presencePenalty = g.presencePenalty;
  if (g.frequencyPenalty !== undefined) config.frequencyPenalty = g.frequencyPenalty;
  if (g.seed !== undefined) config.seed = g.seed;
  if (g.responseLogprobs !== undefined) config.responseLogprobs = g.responseLogprobs;
  if (g.logprobs !== undefined) config.logprobs = g.logprobs;

  const format = request.responseFormat;
  if (format !== undefined) {
    if (format.type === 'text') {
      config.responseMimeType = 'text/plain';
    } else {
      config.responseMimeType = 'application/json';
      if (format.schema !== undefined) config.responseJsonSchema = cleanJsonSchema(format.schema);
    }
  }

  if (request.responseModalities !== undefined) {
    config.responseModalities = request.responseModalities.map((m) => (m === 'image' ? 'IMAGE' : 'TEXT'));
  }

  const image = request.imageOutput;
  if (image !== undefined && (image.aspectRatio !== undefined || image.imageSize !== undefined)) {
    const imageConfig: { aspectRatio?: string; imageSize?: string } = {};
    if (image.aspectRatio !== undefined) imageConfig.aspectRatio = image.aspectRatio;
    if (image.imageSize !== undefined) imageConfig.imageSize = image.imageSize;
    config.imageConfig = imageConfig;
  }

  const thinkingConfig = resolveGeminiThinking(request.thinking, request.model, warnings);
  if (thinkingConfig !== undefined) config.thinkingConfig = thinkingConfig;

  for (const _key in config) return config;
  return undefined;
}

/**
 * Same-protocol fast path: a Gemini client's GenerateContentRequest goes to Code Assist without an
 * IR round trip (the client round-trips its own thought signatures). Only the gateway's overrides
 * (model-suffix thinking, `-search`, image options) are applied; everything else is forwarded as
 * the client sent it. The tap reads usage and completion from raw response chunks so the relay can
 * meter a forwarded stream without decoding it.
 */
import { invalidRequest } from '../../common/errors/gateway-error.js';
import type { ImageOutputRequest } from '../ir/chat-request.js';
import type { JsonObject, JsonValue } from '../ir/provider-metadata.js';
import type { Usage } from '../ir/usage.js';
import { asRecord, readString } from '../json/safe-parse-json.js';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import type { GeminiThinkingConfig } from './gemini-wire.js';
import { readUsageMetadata } from './gemini-wire.js';

export interface GeminiPassthroughOverrides {
  /** replaces generationConfig.thinkingConfig (a model-name suffix wins over the body) */
  thinkingOverride?: GeminiThinkingConfig;
  /** appends a `{googleSearch: {}}` tool unless one is already there */
  addGoogleSearch?: boolean;
  /** merged over generationConfig.imageConfig */
  imageOutput?: ImageOutputRequest;
}

/**
 * Validates the body shape (an object with a `contents` array; else a 400) and applies the
 * overrides. Without overrides the body object itself is returned; with them only the objects on
 * the changed path are copied (the client's object is never mutated).
 */
export function prepareGeminiPassthroughBody(body: unknown, overrides: GeminiPassthroughOverrides = {}): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('request body must be a JSON object');
  }
  const root = body as JsonObject;
  if (!Array.isArray(root['contents'])) {
    throw invalidRequest(root['contents'] === undefined ? 'contents is required' : 'contents must be an array', 'contents');
  }
  validateShape(root);

  const { thinkingOverride, imageOutput } = overrides;
  const imageConfig = imageOutput === undefined ? undefined : definedImageConfig(imageOutput);
  const addGoogleSearch = overrides.addGoogleSearch === true && !hasGoogleSearchTool(root['tools']);
  if (thinkingOverride === undefined && imageConfig === undefined && !addGoogleSearch) return root;

  const out: JsonObject = { ...root };
  if (thinkingOverride !== undefined || imageConfig !== undefined) {
    const current = root['generationConfig'];
    if (current !== undefined && current !== null && asRecord(current) === undefined) {
      throw invalidRequest('generationConfig must be an object', 'generationConfig');
    }
    const generationConfig: JsonObject = current == null ? {} : { ...(current as JsonObject) };
    if (thinkingOverride !== undefined) generationConfig['thinkingConfig'] = { ...thinkingOverride };
    if (imageConfig !== undefined) {
      const existing = asRecord(generationConfig['imageConfig']);
      generationConfig['imageConfig'] = existing === undefined ? imageConfig : { ...(existing as JsonObject), ...imageConfig };
    }
    out['generationConfig'] = generationConfig;
  }
  if (addGoogleSearch) {
    const tools = root['tools'];
    if (tools !== undefined && tools !== null && !Array.isArray(tools)) throw invalidRequest('tools must be an array', 'tools');
    out['tools'] = [...((tools as JsonValue[] | null | undefined) ?? []), { googleSearch: {} }];
  }
  return out;
}

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Type checks of the fields we forward blind: a wrong type is the client's mistake and gets a 400 here
 * (in the client's protocol) instead of a round trip that burns a credential. Unknown fields pass.
 */
function validateShape(root: JsonObject): void {
  (root['contents'] as JsonValue[]).forEach((content, i) => {
    if (!isObject(content)) throw invalidRequest(`contents[${i}] must be an object`, `contents[${i}]`);
    const parts = (content as JsonObject)['parts'];
    if (!Array.isArray(parts)) throw invalidRequest(`contents[${i}].parts must be an array`, `contents[${i}].parts`);
    parts.forEach((part, j) => {
      if (!isObject(part)) throw invalidRequest(`contents[${i}].parts[${j}] must be an object`, `contents[${i}].parts[${j}]`);
    });
  });
  for (const field of ['generationConfig', 'toolConfig', 'systemInstruction'] as const) {
    const value = root[field];
    if (value !== undefined && value !== null && !isObject(value)) throw invalidRequest(`${field} must be an object`, field);
  }
  for (const field of ['tools', 'safetySettings'] as const) {
    const value = root[field];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value) || value.some((item) => !isObject(item))) throw invalidRequest(`${field} must be an array of objects`, field);
  }
}

function definedImageConfig(image: ImageOutputRequest): JsonObject | undefined {
  if (image.aspectRatio === undefined && image.imageSize === undefined) return undefined;
  const config: JsonObject = {};
  if (image.aspectRatio !== undefined) config['aspectRatio'] = image.aspectRatio;
  if (image.imageSize !== undefined) config['imageSize'] = image.imageSize;
  return config;
}

function hasGoogleSearchTool(tools: unknown): boolean {
  if (!Array.isArray(tools)) return false;
  for (const tool of tools) {
    const record = asRecord(tool);
    if (record !== undefined && (record['googleSearch'] !== undefined || record['google_search'] !== undefined)) return true;
  }
  return false;
}

export interface GeminiResponseTap {
  /** the chunk's usage in IR form (Google repeats cumulative counts; the last one is the total) */
  usage?: Usage;
  /** a candidate carried a finishReason, or the prompt was blocked */
  finished: boolean;
}

/** Reads usage and completion from one raw (unwrapped) GenerateContentResponse; never throws. */
export function tapGeminiResponse(response: unknown): GeminiResponseTap {
  const record = asRecord(response);
  if (record === undefined) return { finished: false };
  let finished = false;
  const candidates = record['candidates'];
  if (Array.isArray(candidates)) {
    for (const candidate of candidates) {
      const reason = readString(asRecord(candidate)?.['finishReason']);
      if (reason !== undefined && reason !== 'FINISH_REASON_UNSPECIFIED') {
        finished = true;
        break;
      }
    }
  }
  if (!finished) {
    const blockReason = readString(asRecord(record['promptFeedback'])?.['blockReason']);
    if (blockReason !== undefined && blockReason !== 'BLOCK_REASON_UNSPECIFIED') finished = true;
  }
  const usageMetadata = readUsageMetadata(record['usageMetadata']);
  return usageMetadata === undefined ? { finished } : { usage: convertGeminiUsage(usageMetadata), finished };
}

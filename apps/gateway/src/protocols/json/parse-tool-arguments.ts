import type { JsonObject } from '../ir/provider-metadata.js';
import { isJsonObject, safeParseJson } from './safe-parse-json.js';

/**
 * Tool-call arguments accumulated from an upstream stream → the IR input object. Empty text (a call
 * without arguments) and `null` are `{}`; anything that is not a JSON object is undefined, which the
 * decoders turn into invalidToolArgumentsError. Parsed once per call, never per fragment.
 */
export function parseToolArguments(text: string): JsonObject | undefined {
  if (text.length === 0 || text.trim().length === 0) return {};
  const parsed = safeParseJson(text);
  if (!parsed.ok) return undefined;
  if (parsed.value === null) return {};
  return isJsonObject(parsed.value) ? parsed.value : undefined;
}

import type { JsonObject } from '../ir/provider-metadata.js';

/** The outcome of parsing untrusted JSON text: never throws. */
export type SafeParseJsonResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * The one place that calls `JSON.parse` on text from the network (upstream SSE data, tool-call
 * arguments, tool results). Malformed input is a value, not an exception, so a bad chunk can never
 * throw out of a stream stage.
 */
export function safeParseJson(text: string): SafeParseJsonResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : 'invalid JSON' };
  }
}

/** A plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Narrow record view of an unknown value, for lenient readers that probe a few fields. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function readString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A finite number (NaN and ±Infinity are not JSON numbers). */
export function readNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function readArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/**
 * Reading rate-limit headers of failed upstream calls. Headers come as a WHATWG `Headers` (fetch) or
 * a plain record (undici.request / node: lower-case keys, string or string[] values).
 */
import { parseDuration } from '../../common/errors/classify-upstream-failure.js';

export type UpstreamHeaders =
  | Headers
  | Readonly<Record<string, string | readonly string[] | number | undefined>>
  | undefined;

/** One header's value (the first when repeated); `name` is lower-case. */
export function readHeader(headers: UpstreamHeaders, name: string): string | undefined {
  if (headers === undefined) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | number | undefined>>;
  let value = record[name];
  if (value === undefined) {
    for (const key in record) {
      if (key.toLowerCase() === name) {
        value = record[key];
        break;
      }
    }
  }
  if (value === undefined) return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  return value[0];
}

/**
 * `Retry-After` (delta seconds or an HTTP date) and the non-standard `retry-after-ms` the OpenAI
 * and Anthropic SDKs honour → an absolute time in ms, when it lies in the future.
 */
export function readRetryAfter(headers: UpstreamHeaders, now: number): number | undefined {
  const ms = readHeader(headers, 'retry-after-ms');
  if (ms !== undefined) {
    const n = Number(ms);
    if (Number.isFinite(n) && n > 0) return now + Math.round(n);
  }
  const value = readHeader(headers, 'retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim().length > 0 && Number.isFinite(seconds)) return seconds > 0 ? now + Math.round(seconds * 1000) : undefined;
  const date = Date.parse(value);
  return !Number.isNaN(date) && date > now ? date : undefined;
}

/**
 * A rate-limit reset value → an absolute time in ms, in whichever form providers send it:
 * RFC 3339 (`anthropic-ratelimit-*-reset`), epoch seconds or milliseconds (OpenRouter
 * `x-ratelimit-reset`, Anthropic unified limits), a bare number of seconds, or a duration such as
 * `6m0s` / `20ms` (OpenAI `x-ratelimit-reset-*`). Past or unreadable values are undefined.
 */
export function parseResetTime(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text.length === 0) return undefined;
  const n = Number(text);
  let at: number | undefined;
  if (Number.isFinite(n)) {
    if (n > 1e12) at = n; // epoch ms
    else if (n > 1e9) at = n * 1000; // epoch seconds
    else at = now + Math.round(n * 1000); // seconds from now
  } else {
    const date = Date.parse(text);
    if (!Number.isNaN(date)) at = date;
    else {
      const ms = parseDuration(text);
      if (ms !== undefined) at = now + ms;
    }
  }
  return at !== undefined && at > now ? at : undefined;
}

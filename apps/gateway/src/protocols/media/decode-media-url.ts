/**
 * Media given by URL in client requests (OpenAI `image_url`, Responses `input_image` / `input_file`,
 * Anthropic `url` sources) → IR file parts. A base64 data URL becomes inline data; an http(s) URL
 * stays a URL for the relay to fetch or refuse (never silently dropped, client-protocols.md §7).
 */
import { invalidRequest } from '../../common/errors/gateway-error.js';
import type { FilePart } from '../ir/chat-request.js';

const DATA_URL = /^data:([^;,]+)((?:;[^;,]*)*?);base64,/i;

const EXTENSION_MEDIA_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

/** The media type a URL's file extension suggests, else `application/octet-stream`. */
export function mediaTypeFromUrl(url: string): string {
  const path = url.split(/[?#]/, 1)[0]!;
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return EXTENSION_MEDIA_TYPES[extension] ?? 'application/octet-stream';
}

/** `data:<mime>;base64,<b64>` → inline file; http(s) URL → URL file; anything else is a 400 naming `param`. */
export function decodeMediaUrl(url: string, param: string): FilePart {
  if (url.startsWith('data:')) {
    const match = DATA_URL.exec(url);
    if (match === null) throw invalidRequest(`${param} must be a base64 data URL (data:<mime>;base64,<data>)`, param);
    return { type: 'file', mediaType: match[1]!.toLowerCase(), data: url.slice(match[0].length) };
  }
  if (url.startsWith('https://') || url.startsWith('http://')) {
    return { type: 'file', mediaType: mediaTypeFromUrl(url), url };
  }
  throw invalidRequest(`${param} must be an http(s) URL or a base64 data URL`, param);
}

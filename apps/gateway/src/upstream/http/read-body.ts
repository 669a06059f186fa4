import type { Dispatcher } from 'undici';
import { safeParseJson } from '../../protocols/json/safe-parse-json.js';

/** Parsed JSON, or undefined for anything that is not JSON. */
export function jsonOrUndefined(text: string): unknown {
  const parsed = safeParseJson(text);
  return parsed.ok ? parsed.value : undefined;
}

/** Reads a whole upstream body as text, capped (error bodies and non-streamed answers). */
export async function readBodyText(body: Dispatcher.ResponseData['body'], limitBytes = 64 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) {
      body.destroy();
      throw new Error(`upstream body larger than ${limitBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
}

export async function readBodyJson(body: Dispatcher.ResponseData['body']): Promise<unknown> {
  return jsonOrUndefined(await readBodyText(body));
}

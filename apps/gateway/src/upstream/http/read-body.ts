import type { Dispatcher } from 'undici';
import { safeParseJson } from '../../protocols/json/safe-parse-json.js';

/** Parsed JSON, or undefined for anything that is not JSON. */
export function jsonOrUndefined(text: string): unknown {
  const parsed = safeParseJson(text);
  return parsed.ok ? parsed.value : undefined;
}

/**
 * Reads a whole upstream body as text, capped (error bodies and non-streamed answers). Plain 'data'
 * listeners: an async iterator would cost a promise and a stream read per chunk.
 */
export function readBodyText(body: Dispatcher.ResponseData['body'], limitBytes = 64 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        body.destroy();
        reject(new Error(`upstream body larger than ${limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    body.once('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    body.once('error', reject);
  });
}

export async function readBodyJson(body: Dispatcher.ResponseData['body']): Promise<unknown> {
  return jsonOrUndefined(await readBodyText(body));
}

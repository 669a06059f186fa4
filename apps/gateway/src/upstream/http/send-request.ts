import type { Dispatcher } from 'undici';

interface Base {
  origin: string;
  /** path of the base URL without its trailing slash ('' for a bare origin) */
  prefix: string;
}

const bases = new Map<string, Base>();

/** origin + path prefix of a configured base URL, parsed once per distinct value */
function splitBase(base: string): Base {
  let parsed = bases.get(base);
  if (parsed === undefined) {
    const url = new URL(base);
    parsed = { origin: url.origin, prefix: url.pathname.replace(/\/+$/, '') };
    if (bases.size > 1000) bases.clear();
    bases.set(base, parsed);
  }
  return parsed;
}

export interface SendOptions {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal | undefined;
}

/**
 * One HTTP call on a pooled dispatcher, addressed as base URL + path (the path may carry a query).
 * Calls the dispatcher directly with origin and path: no URL object built per request on the hot path.
 */
export function sendRequest(dispatcher: Dispatcher, base: string, path: string, options: SendOptions): Promise<Dispatcher.ResponseData> {
  const { origin, prefix } = splitBase(base);
  return dispatcher.request({
    origin,
    path: prefix + path,
    method: options.method,
    headers: options.headers,
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
}

import { clearSession, sessionToken } from './session';

/** An answer of the gateway that is not 2xx, with its `{detail, code}` body read. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
    /** seconds, from Retry-After */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The gateway could not be reached at all (network down, gateway restarting). */
  get isNetwork(): boolean {
    return this.status === 0;
  }
}

export type AuthMode = 'admin' | 'none' | 'optional';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | null | undefined>;
  /** admin: send the session token and treat a 401 as a logout; optional: send it when present */
  auth?: AuthMode;
  signal?: AbortSignal;
}

export const UNAUTHORIZED_EVENT = 'cligate:unauthorized';

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function authHeaders(mode: AuthMode): Record<string, string> {
  if (mode === 'none') return {};
  const token = sessionToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** Reads an error answer into an ApiError (admin routes: `{detail, code}`; client routes: `{error: {...}}`). */
export async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  const b = (body ?? {}) as { detail?: unknown; code?: unknown; error?: unknown; message?: unknown };
  const nested = typeof b.error === 'object' && b.error !== null ? (b.error as { message?: unknown; code?: unknown }) : null;
  const message =
    (typeof b.detail === 'string' && b.detail) ||
    (nested && typeof nested.message === 'string' && nested.message) ||
    (typeof b.error === 'string' && b.error) ||
    (typeof b.message === 'string' && b.message) ||
    `HTTP ${response.status}`;
  const code = (typeof b.code === 'string' && b.code) || (nested && typeof nested.code === 'string' && nested.code) || `http_${response.status}`;
  const retry = Number(response.headers.get('retry-after'));
  return new ApiError(response.status, code, message, body, Number.isFinite(retry) && retry > 0 ? retry : null);
}

/** The one place the panel talks HTTP to the gateway (same origin). */
export async function apiFetch(path: string, options: RequestOptions = {}): Promise<Response> {
  const mode = options.auth ?? 'admin';
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders(mode) };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method: options.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      signal: options.signal,
      cache: 'no-store',
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'The gateway cannot be reached.', null);
  }
  if (!response.ok) {
    const error = await toApiError(response);
    if (mode === 'admin' && response.status === 401) {
      clearSession();
      window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    }
    throw error;
  }
  return response;
}

export async function apiJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await apiFetch(path, options);
  const text = await response.text();
  return (text ? JSON.parse(text) : null) as T;
}

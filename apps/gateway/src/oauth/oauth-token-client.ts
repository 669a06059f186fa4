import { request, type Dispatcher } from 'undici';
import { asRecord, readString } from '../protocols/json/safe-parse-json.js';
import { jsonOrUndefined, readBodyText } from '../upstream/http/read-body.js';

/**
 * A failed call to an OAuth token endpoint. `code` is the vendor's error code (`invalid_grant`,
 * `refresh_token_reused`, …) when it gave one; `permanent` means the grant is dead and only a new
 * login helps (the credential is disabled), otherwise the failure is transient (retry later). The
 * message never carries a token.
 */
export class OAuthTokenError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly permanent: boolean,
    message: string,
  ) {
    super(message);
    this.name = 'OAuthTokenError';
  }
}

export interface TokenEndpointAnswer {
  status: number;
  body: Record<string, unknown> | undefined;
}

/** The error code and description of a token-endpoint error body: `{error, error_description}` or `{error: {code|type, message}}`. */
export function readOAuthError(body: unknown): { code: string; description: string } {
  const record = asRecord(body);
  const error = record?.['error'];
  const nested = asRecord(error);
  if (nested) {
    return {
      code: readString(nested['code']) ?? readString(nested['type']) ?? '',
      description: readString(nested['message']) ?? '',
    };
  }
  return { code: readString(error) ?? '', description: readString(record?.['error_description']) ?? readString(record?.['detail']) ?? '' };
}

/**
 * POSTs a grant to a token endpoint (JSON or form-encoded) and returns the parsed answer, whatever its
 * status; only an unreachable endpoint throws (as a transient OAuthTokenError).
 */
export async function postTokenEndpoint(
  url: string,
  fields: Record<string, string>,
  options: { encoding: 'json' | 'form'; dispatcher: Dispatcher; headers?: Record<string, string>; timeoutMs?: number },
): Promise<TokenEndpointAnswer> {
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method: 'POST',
      dispatcher: options.dispatcher,
      headers: {
        'content-type': options.encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
        accept: 'application/json',
        ...options.headers,
      },
      body: options.encoding === 'json' ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
      // shorter than the refresh lock (30 s), so a slow endpoint never outlives it
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
    });
  } catch (error) {
    throw new OAuthTokenError(0, '', false, `token endpoint unreachable: ${(error as Error).message}`);
  }
  const text = await readBodyText(response.body, 1024 * 1024).catch(() => '');
  return { status: response.statusCode, body: asRecord(jsonOrUndefined(text)) };
}

/** `token endpoint refused the grant (<code>: <description>)`, for errors and disable reasons. */
export function describeTokenFailure(status: number, body: unknown): string {
  const { code, description } = readOAuthError(body);
  const detail = code ? `${code}${description ? `: ${description}` : ''}` : description || `HTTP ${status}`;
  return `token endpoint refused the grant (${detail.slice(0, 300)})`;
}

/**
 * Gemini-shaped errors (client-protocols.md §2.1): `{"error": {"code", "message", "status"}}` with
 * Google's canonical status names, and the reverse mapping for errors Google puts inside a stream.
 */
import type { GatewayErrorCode, GatewayErrorShape } from '../../common/errors/gateway-error.js';
import { GATEWAY_ERROR_STATUS } from '../../common/errors/gateway-error.js';
import { sseData } from '../sse/encode-sse.js';
import type { GoogleErrorBody } from './gemini-wire.js';

/** HTTP status → google.rpc.Code name (the standard Google HTTP mapping). */
export function googleStatusName(httpStatus: number): string {
  switch (httpStatus) {
    case 400:
    case 413:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 499:
      return 'CANCELLED';
    case 501:
      return 'NOT_IMPLEMENTED';
    case 502:
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return httpStatus >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION';
  }
}

export function encodeGeminiClientError(error: GatewayErrorShape): GoogleErrorBody {
  return { error: { code: error.status, message: error.message, status: googleStatusName(error.status) } };
}

/** One `data:` frame holding the error object; Gemini streams have no terminator. */
export function encodeGeminiClientStreamError(error: GatewayErrorShape): string {
  return sseData(encodeGeminiClientError(error));
}

/** Google statuses whose message is about the request itself and safe to show the client. */
const CLIENT_FACING_STATUSES: ReadonlySet<string> = new Set([
  'INVALID_ARGUMENT',
  'FAILED_PRECONDITION',
  'OUT_OF_RANGE',
  'RESOURCE_EXHAUSTED',
]);

/**
 * A Google error object found inside an upstream stream → the gateway taxonomy. Credential-level
 * failures (401/403) are the gateway's problem, not the client's, so they surface as
 * upstream_unavailable with a generic message.
 */
export function googleErrorToGatewayError(error: { code?: number; message?: string; status?: string }): GatewayErrorShape {
  const status = error.status ?? (error.code === undefined ? 'UNKNOWN' : googleStatusName(error.code));
  let code: GatewayErrorCode;
  switch (status) {
    case 'INVALID_ARGUMENT':
    case 'FAILED_PRECONDITION':
    case 'OUT_OF_RANGE':
      code = 'upstream_rejected';
      break;
    case 'NOT_FOUND':
      code = 'not_found';
      break;
    case 'RESOURCE_EXHAUSTED':
      code = 'rate_limited';
      break;
    case 'DEADLINE_EXCEEDED':
      code = 'upstream_timeout';
      break;
    default:
      code = 'upstream_unavailable';
  }
  const message =
    CLIENT_FACING_STATUSES.has(status) && error.message !== undefined && error.message.length > 0
      ? error.message
      : `upstream error (${status})`;
  return { code, status: GATEWAY_ERROR_STATUS[code], message };
}

/**
 * Terminal errors every upstream stream decoder reports in the same words, so a client sees one
 * message whatever provider served it (the Gemini decoder has its own identical constant).
 */
import type { GatewayErrorShape } from '../../common/errors/gateway-error.js';

/** The upstream stream ended without its protocol's terminal event (finish reason, message_stop, …). */
export const TRUNCATED_UPSTREAM_STREAM_ERROR: Readonly<GatewayErrorShape> = Object.freeze({
  code: 'upstream_unavailable',
  status: 502,
  message: 'upstream stream ended before completion',
});

/** An SSE event whose data was not JSON (see sse/parse-upstream-sse-json.ts). */
export const MALFORMED_UPSTREAM_EVENT_ERROR: Readonly<GatewayErrorShape> = Object.freeze({
  code: 'upstream_unavailable',
  status: 502,
  message: 'upstream sent a malformed stream event',
});

/**
 * A finished tool call whose arguments are not a JSON object. Passing it on would have the client
 * run a tool with arguments the model never completed, so the answer fails instead (unless the turn
 * was cut by the token limit, which the decoders report as `length` and drop the broken call).
 */
export function invalidToolArgumentsError(toolName: string): GatewayErrorShape {
  return {
    code: 'upstream_unavailable',
    status: 502,
    message: `upstream sent invalid JSON arguments for tool call "${toolName}"`,
  };
}

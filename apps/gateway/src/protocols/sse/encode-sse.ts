/** SSE framing for what we send. Payloads are serialized objects, never string-built JSON. */
export function sseData(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

export function sseEvent(event: string, payload: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

export const SSE_DONE = 'data: [DONE]\n\n';

/** An SSE comment: ignored by every client parser, keeps proxies and idle timers awake. */
export const SSE_KEEPALIVE = ': keep-alive\n\n';

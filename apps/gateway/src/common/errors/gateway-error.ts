/**
 * The closed error taxonomy of the gateway. Every failure a client can see is one of these codes;
 * each protocol folder renders them in its own wire shape (protocols/<p>/<p>-errors.ts).
 */
export const GATEWAY_ERROR_STATUS = {
  invalid_request: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  payload_too_large: 413,
  quota_exceeded: 429,
  rate_limited: 429,
  /** an upstream 4xx we pass through with its own status and message */
  upstream_rejected: 400,
  upstream_unavailable: 502,
  no_credentials: 503,
  service_unavailable: 503,
  upstream_timeout: 504,
  internal: 500,
} as const;

export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_STATUS;

export interface GatewayErrorShape {
  code: GatewayErrorCode;
  status: number;
  message: string;
  /** seconds a client should wait before retrying (sent as Retry-After) */
  retryAfterSeconds?: number;
  /** the request field at fault, when known */
  param?: string;
}

export class GatewayError extends Error implements GatewayErrorShape {
  readonly code: GatewayErrorCode;
  readonly status: number;
  readonly retryAfterSeconds?: number;
  readonly param?: string;

  constructor(
    code: GatewayErrorCode,
    message: string,
    options: { status?: number; retryAfterSeconds?: number; param?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = options.status ?? GATEWAY_ERROR_STATUS[code];
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
    if (options.param !== undefined) this.param = options.param;
  }

  toShape(): GatewayErrorShape {
    const shape: GatewayErrorShape = { code: this.code, status: this.status, message: this.message };
    if (this.retryAfterSeconds !== undefined) shape.retryAfterSeconds = this.retryAfterSeconds;
    if (this.param !== undefined) shape.param = this.param;
    return shape;
  }
}

export function invalidRequest(message: string, param?: string): GatewayError {
  return new GatewayError('invalid_request', message, param === undefined ? {} : { param });
}

/** Any thrown value as a client-safe shape: unknown errors never leak their message or stack. */
export function toGatewayErrorShape(error: unknown): GatewayErrorShape {
  if (error instanceof GatewayError) return error.toShape();
  return { code: 'internal', status: 500, message: 'Internal error; see the gateway log for this request id.' };
}

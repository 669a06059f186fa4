import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logging/logger.js';
import { getClientCodec } from '../../protocols/protocol-registry.js';
import type { ClientProtocolId } from '../../protocols/protocol-codec.js';
import { GatewayError, toGatewayErrorShape, type GatewayErrorCode, type GatewayErrorShape } from './gateway-error.js';
import { infrastructureUnavailable, isInfrastructureError } from './infrastructure-errors.js';

/** Which client protocol a URL belongs to (null: an admin / panel route). */
export function protocolOfUrl(method: string, url: string): ClientProtocolId | null {
  const path = url.split('?', 1)[0]!;
  if (path.startsWith('/v1beta/')) return 'gemini';
  if (method === 'POST' && path.startsWith('/v1/models/')) return 'gemini';
  if (path.startsWith('/v1/messages')) return 'anthropic-messages';
  if (path.startsWith('/v1/responses')) return 'openai-responses';
  if (path === '/v1' || path.startsWith('/v1/')) return 'openai-chat';
  return null;
}

const STATUS_CODES: Record<number, GatewayErrorCode> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  405: 'not_found',
  413: 'payload_too_large',
  415: 'invalid_request',
  429: 'rate_limited',
};

/**
 * The one error boundary of the Nest side (admin routes, body parsing, unknown routes). Client routes
 * get the error in their own protocol's shape; admin routes get `{detail, code}` as gcli2api's FastAPI
 * did. Every error carries `x-request-id`; unknown errors are logged and answered with a generic 500.
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const requestId = randomUUID();
    const shape = this.toShape(exception, requestId, request);
    const protocol = protocolOfUrl(request.method, request.url);
    if (reply.sent || reply.raw.headersSent) return;
    if (shape.retryAfterSeconds !== undefined) void reply.header('retry-after', String(shape.retryAfterSeconds));
    void reply.header('x-request-id', requestId).status(shape.status);
    if (protocol) void reply.send(getClientCodec(protocol).encodeClientError(shape));
    else void reply.send({ detail: shape.message, code: shape.code });
  }

  private toShape(exception: unknown, requestId: string, request: FastifyRequest): GatewayErrorShape {
    if (exception instanceof GatewayError) return exception.toShape();
    if (isInfrastructureError(exception)) return infrastructureUnavailable(exception).toShape();
    // errors raised by body parsing (ours and Fastify's) carry a 4xx status and a client-safe message
    const statusCode = (exception as { statusCode?: unknown } | null)?.statusCode;
    if (!(exception instanceof HttpException) && typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return { code: STATUS_CODES[statusCode] ?? 'invalid_request', status: statusCode, message: (exception as Error).message };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status < 500) {
        const code = STATUS_CODES[status] ?? 'invalid_request';
        const response = exception.getResponse();
        const raw =
          typeof response === 'string'
            ? response
            : Array.isArray((response as { message?: unknown }).message)
              ? (response as { message: string[] }).message.join('; ')
              : String((response as { message?: unknown }).message ?? exception.message);
        const message = status === 404 ? `No route for ${request.method} ${request.url.split('?', 1)[0]}` : raw;
        return { code, status, message };
      }
    }
    this.logger.error(
      { reqId: requestId, method: request.method, url: request.url.split('?', 1)[0], err: exception instanceof Error ? exception.stack : String(exception) },
      'unhandled error',
    );
    return toGatewayErrorShape(exception);
  }
}

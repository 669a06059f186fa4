import { GatewayError } from './gateway-error.js';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNABORTED', '57P01', '57P03', '08006', '08001', '08003']);
const CONNECTION_MESSAGES = [
  'Connection is closed',
  "Stream isn't writeable",
  'enableOfflineQueue',
  'Connection terminated',
  'Client has encountered a connection error',
  'connect ECONNREFUSED',
  'timeout exceeded when trying to connect',
  'Can\'t reach database server',
  'Server has closed the connection',
  'Reached the max retries per request limit',
];

/**
 * True when an error means a backing store (Postgres, Redis) cannot be reached right now: the client
 * gets a fast 503 naming the cause class, never a 500 or a hang, and the gateway recovers by itself
 * when the store comes back (pg pools and ioredis reconnect on their own).
 */
export function isInfrastructureError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; name?: unknown };
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  if (CONNECTION_MESSAGES.some((m) => message.includes(m))) return true;
  if (typeof e.name === 'string' && e.name.startsWith('PrismaClientInitializationError')) return true;
  return e.cause !== undefined && e.cause !== error ? isInfrastructureError(e.cause) : false;
}

export function infrastructureUnavailable(cause: unknown): GatewayError {
  return new GatewayError('service_unavailable', 'A backing store of the gateway (database or Redis) is unreachable; try again shortly.', {
    retryAfterSeconds: 2,
    cause,
  });
}

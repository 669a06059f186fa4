import type { FastifyRequest } from 'fastify';

/**
 * The caller's key, from the first carrier present (client-protocols.md §2): Authorization (Bearer or
 * raw), x-api-key, x-goog-api-key, the Anthropic auth-token headers, then ?key=, ?api_key=, ?auth_token=.
 */
export function extractClientKey(request: FastifyRequest): string | null {
  const h = request.headers;
  const auth = h.authorization;
  if (typeof auth === 'string' && auth.length > 0) {
    const bearer = /^Bearer\s+(.+)$/i.exec(auth);
    const value = (bearer ? bearer[1]! : auth).trim();
    if (value) return value;
  }
  for (const name of ['x-api-key', 'x-goog-api-key', 'x-anthropic-auth-token', 'anthropic-auth-token', 'access_token'] as const) {
    const v = h[name];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  const q = request.query as Record<string, unknown> | undefined;
  if (q) {
    for (const name of ['key', 'api_key', 'auth_token']) {
      const v = q[name];
      if (typeof v === 'string' && v.trim() !== '') return v.trim();
    }
  }
  return null;
}

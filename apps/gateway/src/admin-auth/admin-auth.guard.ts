import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../common/errors/gateway-error.js';
import { ADMIN_JWT_STRATEGY } from './admin-jwt.strategy.js';
import { AdminSessionService, looksLikeJwt, type AdminTokenClaims } from './admin-session.service.js';

/** How an admin request was authenticated (set on the request by AdminAuthGuard). */
export type AdminAuthentication = { method: 'jwt'; claims: AdminTokenClaims } | { method: 'password' };

declare module 'fastify' {
  interface FastifyRequest {
    adminAuth?: AdminAuthentication;
  }
}

/** The bearer token of a request (`Authorization: Bearer <token>`), if any. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  return /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() || null;
}

/**
 * Admin routes accept a panel session token (JWT from POST /auth/login, checked by passport-jwt) or
 * the raw panel password (gcli2api's scheme, still sent by its clients). Wrong passwords are counted
 * per client address and locked out (429) after a few; an issued sk- client key never opens an admin
 * route (it is neither a session nor the panel password).
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly jwtGuard: CanActivate = new (AuthGuard(ADMIN_JWT_STRATEGY))();

  constructor(@Inject(AdminSessionService) private readonly sessions: AdminSessionService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: unknown }>();
    const token = bearerToken(request);
    if (!token) {
      throw new GatewayError('unauthenticated', 'Admin authentication required: log in, or send Authorization: Bearer <panel password>.');
    }
    if (looksLikeJwt(token)) {
      const ok = await Promise.resolve(this.jwtGuard.canActivate(context)).then(Boolean, () => false);
      if (ok && request.user) {
        request.adminAuth = { method: 'jwt', claims: request.user as AdminTokenClaims };
        return true;
      }
      if (!(await this.sessions.isAdminCredential(token))) {
        throw new GatewayError('unauthenticated', 'Your session has expired or was ended: log in again.');
      }
    }
    await this.sessions.checkPassword(token, request.ip);
    request.adminAuth = { method: 'password' };
    return true;
  }
}

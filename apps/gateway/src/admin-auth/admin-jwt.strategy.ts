import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AdminSessionService, AdminTokenClaims } from './admin-session.service.js';

export const ADMIN_JWT_STRATEGY = 'admin-jwt';

/**
 * passport-jwt for panel sessions: `Authorization: Bearer <jwt>`, HS256 only, expiry enforced by the
 * library; then the shared checks (revoked, password changed, logged out everywhere). Constructing it
 * registers it with passport under ADMIN_JWT_STRATEGY.
 */
export class AdminJwtStrategy extends PassportStrategy(Strategy, ADMIN_JWT_STRATEGY) {
  constructor(
    private readonly sessions: AdminSessionService,
    secret: Buffer,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: secret,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  /** passport-jwt calls this with the verified payload; a falsy answer is a 401. */
  async validate(payload: unknown): Promise<AdminTokenClaims | false> {
    return (await this.sessions.validateClaims(payload)) ?? false;
  }
}

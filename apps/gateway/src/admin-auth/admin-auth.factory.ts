import { JwtService } from '@nestjs/jwt';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { Coordination } from '../coordination/coordination.js';
import type { CryptoRepository } from '../crypto/crypto.repository.js';
import { loadOrCreateSecret } from '../crypto/secrets.js';
import type { SettingsService } from '../settings/settings.service.js';
import { AdminJwtStrategy } from './admin-jwt.strategy.js';
import { createAdminSessionRepository } from './admin-session.repository.js';
import { AdminSessionService } from './admin-session.service.js';

/**
 * Panel sessions for the container: the signing secret (CLIGATE_JWT_SECRET, else generated once into
 * the data folder as jwt.secret — give every process the same one), the shared session state, and
 * the passport-jwt strategy registered under its name.
 */
export function createAdminSessions(deps: {
  config: GatewayConfig;
  coordination: Coordination;
  crypto: CryptoRepository;
  settings: SettingsService;
}): { sessions: AdminSessionService; strategy: AdminJwtStrategy; secretOrigin: 'env' | 'file' | 'generated' } {
  const secret = loadOrCreateSecret(deps.config.jwtSecret, deps.config.dataDir, 'jwt.secret');
  const sessions = new AdminSessionService(
    new JwtService({ secret: secret.key, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } }),
    createAdminSessionRepository(deps.coordination),
    () => deps.settings.get(),
    deps.crypto,
    deps.coordination,
  );
  return { sessions, strategy: new AdminJwtStrategy(sessions, secret.key), secretOrigin: secret.origin };
}

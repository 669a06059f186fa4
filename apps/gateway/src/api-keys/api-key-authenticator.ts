import { GatewayError } from '../common/errors/gateway-error.js';
import type { RuntimeSettings } from '../config/gateway-config.js';
import type { CryptoRepository } from '../crypto/crypto.repository.js';
import type { ClientAccess, ClientAuthenticator } from '../relay/client-access.js';
import { ApiKeysService } from './api-keys.service.js';

const ADMIN: ClientAccess = Object.freeze({ kind: 'admin-password' });

/**
 * The key check of every client route: an issued `sk-` key (unknown, disabled or expired → 401), or
 * API_PASSWORD as an unlimited admin key unless `api_password_enabled` is off. Comparisons of the
 * password are constant-time; keys are looked up by their keyed hash.
 */
export class ApiKeyAuthenticator implements ClientAuthenticator {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly settings: () => RuntimeSettings,
    private readonly crypto: CryptoRepository,
  ) {}

  async authenticate(key: string | null): Promise<ClientAccess> {
    if (!key) {
      throw new GatewayError('unauthenticated', 'Missing API key: send it as Authorization: Bearer <key>, x-api-key, x-goog-api-key or ?key=.');
    }
    if (ApiKeysService.looksLikeKey(key)) {
      const found = await this.keys.lookup(key);
      if (found) {
        if (!found.enabled) throw new GatewayError('unauthenticated', 'This API key is disabled.');
        if (found.expiresAt !== null && found.expiresAt <= Date.now()) throw new GatewayError('unauthenticated', 'This API key has expired.');
        return { kind: 'api-key', keyId: found.id, prefix: found.prefix, allowedModels: found.allowedModels, rpmLimit: found.rpmLimit };
      }
    }
    const settings = this.settings();
    if (settings.api_password_enabled && this.crypto.safeEqual(key, settings.api_password)) return ADMIN;
    throw new GatewayError('unauthenticated', 'Invalid API key.');
  }
}

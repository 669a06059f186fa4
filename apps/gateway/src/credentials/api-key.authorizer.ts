import type { CryptoRepository } from '../crypto/crypto.repository.js';
import { CredentialUnusableError } from './access-token.service.js';
import type { CredentialsRepository } from './credentials.repository.js';
import type { LeaseAuthorizer } from './lease-authorizer.js';

/** What is stored (sealed) for an API-key credential of any kind. */
export interface ApiKeySecret {
  api_key: string;
}

/**
 * API-key credentials (AI Studio, OpenAI-compatible providers, Claude and Codex keys): the key is
 * decrypted once and kept in memory; there is nothing to refresh — a refused key is a dead key.
 */
export class ApiKeyAuthorizer implements LeaseAuthorizer {
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly repository: CredentialsRepository,
    private readonly crypto: CryptoRepository,
    /** a key the upstream refused (401) is dead: take it out of rotation */
    private readonly disable?: (credentialId: string, reason: string) => Promise<void>,
  ) {}

  async token(credentialId: string, rejected?: string): Promise<string> {
    let key = this.cache.get(credentialId);
    if (key !== undefined && key !== rejected) return key;
    if (key === undefined) {
      const row = await this.repository.findById(credentialId);
      if (!row) throw new CredentialUnusableError(credentialId, true, 'credential no longer exists');
      const secret = JSON.parse(this.crypto.decrypt(row.secretCiphertext)) as Partial<ApiKeySecret>;
      if (typeof secret.api_key !== 'string' || secret.api_key === '') throw new CredentialUnusableError(credentialId, true, 'no API key stored');
      key = secret.api_key;
    }
    if (rejected !== undefined && key === rejected) {
      this.cache.delete(credentialId);
      await this.disable?.(credentialId, 'the upstream refused this API key (401)').catch(() => {});
      throw new CredentialUnusableError(credentialId, this.disable !== undefined, 'the upstream refused this API key');
    }
    this.cache.set(credentialId, key);
    return key;
  }

  forget(credentialId: string): void {
    this.cache.delete(credentialId);
  }
}

import type { Locks } from '../coordination/locks.js';
import { ProjectDiscoveryError, type ProjectDiscoveryService } from '../oauth/project-discovery.service.js';
import { CredentialUnusableError, type AccessTokenService } from './access-token.service.js';
import type { PooledCredential } from './credential-pool.service.js';
import type { CredentialsRepository } from './credentials.repository.js';
import type { LeaseAuthorizer } from './lease-authorizer.js';

/**
 * Gemini CLI (Code Assist) credentials: Google OAuth access tokens refreshed ahead of expiry, and the
 * Code Assist project discovered (gemini-cli's way) before first use; a discovery that can never
 * succeed disables the credential with the reason.
 */
export class GoogleOAuthAuthorizer implements LeaseAuthorizer {
  constructor(
    private readonly tokens: AccessTokenService,
    private readonly discovery: ProjectDiscoveryService,
    private readonly repository: CredentialsRepository,
    private readonly locks: Locks,
    private readonly disable: (credentialId: string, reason: string) => Promise<void>,
  ) {}

  token(credentialId: string, rejected?: string): Promise<string> {
    return this.tokens.get(credentialId, rejected);
  }

  forget(credentialId: string): void {
    this.tokens.forget(credentialId);
  }

  async prepare(credential: PooledCredential, token: string): Promise<string | null> {
    if (credential.projectId) return credential.projectId;
    return this.locks.withLock(`discover:${credential.id}`, 120_000, async () => {
      const row = await this.repository.findById(credential.id);
      if (row?.projectId) return row.projectId;
      try {
        const found = await this.discovery.discover(token, null, credential.proxyUrl);
        await this.repository.update(credential.id, { projectId: found.projectId, tier: found.tier });
        credential.projectId = found.projectId;
        return found.projectId;
      } catch (error) {
        const message = (error as Error).message;
        const transient = !(error instanceof ProjectDiscoveryError) || /^HTTP_(5\d\d|429)$/.test(error.reasonCode);
        if (!transient) await this.disable(credential.id, `project discovery failed: ${message}`);
        throw new CredentialUnusableError(credential.id, !transient, message);
      }
    });
  }
}

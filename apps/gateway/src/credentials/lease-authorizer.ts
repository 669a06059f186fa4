import type { PooledCredential } from './credential-pool.service.js';

/**
 * How one credential kind turns a pooled credential into what its upstream accepts: an OAuth access
 * token (refreshed as needed) or a static API key, plus any one-time setup before first use (Code
 * Assist's project discovery). One implementation per kind; the pool and the caller stay generic.
 */
export interface LeaseAuthorizer {
  /** the bearer token / API key to send; `rejected` is one the upstream just refused (forces a new one) */
  token(credentialId: string, rejected?: string): Promise<string>;
  /** setup before first use; returns the project id to use (null when the kind has none) */
  prepare?(credential: PooledCredential, token: string): Promise<string | null>;
  /** drop cached material (the credential changed) */
  forget(credentialId: string): void;
}

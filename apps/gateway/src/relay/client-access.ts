/** Who is calling a client route, as established by the key check. */
export type ClientAccess =
  /** API_PASSWORD: unlimited, not metered against any key */
  | { kind: 'admin-password' }
  /** an issued sk- key ([keys] issue) */
  | { kind: 'api-key'; keyId: string; prefix: string; allowedModels: readonly string[]; rpmLimit: number | null };

/**
 * Resolves a presented key to an access, or throws GatewayError (unauthenticated / forbidden /
 * rate_limited). Implemented by the api-keys domain; the relay only knows this interface.
 */
export interface ClientAuthenticator {
  authenticate(key: string | null): Promise<ClientAccess>;
}

export const CLIENT_AUTHENTICATOR = Symbol('CLIENT_AUTHENTICATOR');

import type { ClientAccess } from './client-access.js';
import type { KeyUsageAfterCommit } from '../usage/usage-ledger.repository.js';

/**
 * A request's hold on its key's quota, taken before the upstream call. Exactly one of `commit`
 * (after the usage row with the charge is durable) or `release` (nothing charged) takes effect: the
 * first call settles it, later calls do nothing.
 */
export interface QuotaReservation {
  readonly apiKeyId: string | null;
  /** units this request costs (0 when not metered) */
  readonly cost: number;
  commit(committed: KeyUsageAfterCommit | undefined): Promise<void>;
  release(): Promise<void>;
}

/** Implemented by the quotas domain; the relay only knows this interface. */
export interface QuotaGate {
  /**
   * Throws GatewayError quota_exceeded when the cost does not fit, permission_denied when the key may
   * not use the model (its allow-list may name the requested name or its base model).
   */
  reserve(access: ClientAccess, requestId: string, requestedModel: string, baseModel?: string): Promise<QuotaReservation>;
}

export const QUOTA_GATE = Symbol('QUOTA_GATE');

const FREE: QuotaReservation = Object.freeze({
  apiKeyId: null,
  cost: 0,
  async commit() {},
  async release() {},
});

/** Unmetered access (the admin password): nothing to reserve. */
export const FREE_RESERVATION = FREE;

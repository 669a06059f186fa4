import type { GatewayConfig } from '../config/gateway-config.js';
import type { Coordination } from '../coordination/coordination.js';
import type { Locks } from '../coordination/locks.js';
import type { CryptoRepository } from '../crypto/crypto.repository.js';
import type { Logger } from '../logging/logger.js';
import type { AccountFlow } from '../oauth/account-flow.js';
import { createDonationFlowRepository } from './donation-flow.repository.js';
import { DONATION_FLOW_TTL_MS, DonationService } from './donation.service.js';
import { LoopbackCallbackPool, LoopbackCallbackServer } from './loopback-callback.server.js';

/**
 * The /auth donation service with its flow store and its lazily opened loopback callback listeners.
 * `flows` is the one list of account kinds a donation can add (each kind's AccountFlow); /auth/start
 * without a `type` adds a gemini-cli account.
 */
export function createDonation(deps: {
  config: GatewayConfig;
  coordination: Coordination;
  crypto: CryptoRepository;
  locks: Locks;
  logger: Logger;
  flows: readonly AccountFlow[];
}): { donation: DonationService; loopback: LoopbackCallbackPool } {
  const donation = new DonationService(
    createDonationFlowRepository(deps.coordination),
    deps.flows,
    deps.crypto,
    deps.locks,
    deps.logger,
    { flowTtlMs: DONATION_FLOW_TTL_MS },
  );
  const loopback = new LoopbackCallbackPool((port) => new LoopbackCallbackServer(port, deps.logger));
  donation.attachLoopback(loopback);
  return { donation, loopback };
}

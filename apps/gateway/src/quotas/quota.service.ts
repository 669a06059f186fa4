import { GatewayError } from '../common/errors/gateway-error.js';
import type { Locks } from '../coordination/locks.js';
import type { Logger } from '../logging/logger.js';
import type { ApiKeysRepository } from '../api-keys/api-keys.repository.js';
import type { ClientAccess } from '../relay/client-access.js';
import { FREE_RESERVATION, type QuotaGate, type QuotaReservation } from '../relay/quota-gate.js';
import type { KeyUsageAfterCommit } from '../usage/usage-ledger.repository.js';
import type { ModelCostsService } from './model-costs.service.js';
import type { Lease, QuotaCounterRepository } from './quota-counter.repository.js';

const HEARTBEAT_MS = 1_000;
const REAP_MS = 5_000;
/** how long new reservations wait while the store rebuilds after losing its state */
const RECOVERY_WINDOW_MS = 3_000;

/**
 * Per-key quotas that hold exactly: each request reserves its model's full cost atomically before the
 * upstream call (a cost that does not fit is refused, so a key never goes past its total), the charge
 * becomes durable in the usage ledger (Postgres) before the answer is released, and only then does the
 * reservation turn into `used`. Reservations held by this process are renewed every second; those of a
 * crashed process expire after 15 s and are resolved against the ledger (charged if its row exists,
 * released otherwise) by whichever process reaps first.
 */
export class QuotaService implements QuotaGate {
  private readonly inFlight = new Map<string, Lease>();
  private heartbeat: NodeJS.Timeout | null = null;
  private reaper: NodeJS.Timeout | null = null;

  constructor(
    private readonly counters: QuotaCounterRepository,
    private readonly keys: ApiKeysRepository,
    private readonly costs: ModelCostsService,
    private readonly locks: Locks,
    private readonly logger: Logger,
    private readonly distributed: boolean,
  ) {}

  async start(): Promise<void> {
    if (!this.distributed) return;
    await this.counters.beginRecoveryIfNeeded(RECOVERY_WINDOW_MS).catch(() => false);
    this.heartbeat = setInterval(() => void this.renew(), HEARTBEAT_MS);
    this.heartbeat.unref();
    this.reaper = setInterval(() => void this.reap(), REAP_MS);
    this.reaper.unref();
  }

  stop(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.reaper) clearInterval(this.reaper);
  }

  costOf(model: string): number {
    return this.costs.lookup(model).cost;
  }

  async reserve(access: ClientAccess, requestId: string, requestedModel: string, baseModel = requestedModel): Promise<QuotaReservation> {
    if (access.kind !== 'api-key') return FREE_RESERVATION;
    if (access.allowedModels.length > 0 && !access.allowedModels.includes(requestedModel) && !access.allowedModels.includes(baseModel)) {
      throw new GatewayError('permission_denied', `This API key may not use the model ${requestedModel}.`, { param: 'model' });
    }
    const lease: Lease = { keyId: access.keyId, requestId, cost: this.costOf(requestedModel) };
    for (let attempt = 0; attempt < 5; attempt++) {
      const result = await this.counters.reserve(lease, access.rpmLimit, Date.now()).catch((error: Error) => {
        throw new GatewayError('service_unavailable', 'The quota store is unavailable; try again shortly.', { cause: error });
      });
      switch (result.kind) {
        case 'reserved':
          this.inFlight.set(requestId, lease);
          return this.reservation(lease);
        case 'over': {
          const remaining = Math.max(0, result.total - result.used - result.reserved);
          throw new GatewayError(
            'quota_exceeded',
            `Quota exhausted: ${requestedModel} costs ${lease.cost} units and this key has ${remaining} of ${result.total} left` +
              (result.reserved > 0 ? ` (${result.reserved} held by requests in flight).` : '.'),
          );
        }
        case 'rpm':
          throw new GatewayError('rate_limited', `Rate limit reached: this key allows ${access.rpmLimit} requests per minute.`, {
            retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)),
          });
        case 'need-load':
          await this.load(access.keyId);
          break;
        case 'recovering':
          if (result.retryAfterMs === 0) await this.counters.beginRecoveryIfNeeded(RECOVERY_WINDOW_MS);
          await new Promise((r) => setTimeout(r, Math.min(Math.max(result.retryAfterMs, 50), RECOVERY_WINDOW_MS)));
          break;
      }
    }
    throw new GatewayError('service_unavailable', 'The quota store is rebuilding its state; try again shortly.', { retryAfterSeconds: 2 });
  }

  /** Reloads a key's counters from the database (after admin edits, or when missing). */
  async load(keyId: string): Promise<void> {
    const values = (await this.keys.usedOf([keyId])).get(keyId);
    if (!values) throw new GatewayError('unauthenticated', 'This API key no longer exists.');
    await this.counters.load(keyId, values);
  }

  async invalidate(keyId: string): Promise<void> {
    await this.counters.invalidate(keyId).catch(() => {});
  }

  private reservation(lease: Lease): QuotaReservation {
    return {
      apiKeyId: lease.keyId,
      cost: lease.cost,
      commit: async (committed: KeyUsageAfterCommit | undefined) => {
        this.inFlight.delete(lease.requestId);
        await this.counters.commit(lease, committed ? { used: committed.usedQuota, epoch: committed.quotaEpoch } : undefined);
      },
      release: async () => {
        this.inFlight.delete(lease.requestId);
        await this.counters.release(lease);
      },
    };
  }

  private async renew(): Promise<void> {
    if (this.inFlight.size === 0) return;
    try {
      await this.counters.renew([...this.inFlight.values()], Date.now());
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'could not renew quota reservations');
    }
  }

  /** Resolves reservations whose holder stopped renewing them (a crashed process). */
  async reap(): Promise<number> {
    try {
      return await this.locks.withLock('quota-reaper', 10_000, async () => {
        const now = Date.now();
        const expired = (await this.counters.expired(now, 500)).filter((l) => !this.inFlight.has(l.requestId));
        if (expired.length === 0) return 0;
        const charges = await this.keys.committedCharges(expired.map((l) => l.requestId));
        const used = await this.keys.usedOf([...new Set(expired.map((l) => l.keyId))]);
        for (const lease of expired) {
          const charged = (charges.get(lease.requestId) ?? 0) > 0;
          await this.counters.resolve(lease, charged, used.get(lease.keyId), now);
        }
        this.logger.info({ resolved: expired.length }, 'resolved expired quota reservations');
        return expired.length;
      }, 0);
    } catch {
      return 0;
    }
  }
}

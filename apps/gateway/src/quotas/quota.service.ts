import { randomBytes } from 'node:crypto';
import { GatewayError } from '../common/errors/gateway-error.js';
import type { Coordination } from '../coordination/coordination.js';
import type { Locks } from '../coordination/locks.js';
import type { Logger } from '../logging/logger.js';
import type { ApiKeysRepository } from '../api-keys/api-keys.repository.js';
import { KEYS_CHANGED } from '../api-keys/api-keys.service.js';
import type { ClientAccess } from '../relay/client-access.js';
import { FREE_RESERVATION, type QuotaGate, type QuotaReservation } from '../relay/quota-gate.js';
import type { KeyUsageAfterCommit } from '../usage/usage-ledger.repository.js';
import type { ModelCostsService } from './model-costs.service.js';
import { BLOCK_LEASE_PREFIX, isBlockLease, type Lease, type QuotaCounterRepository } from './quota-counter.repository.js';

const HEARTBEAT_MS = 1_000;
const REAP_MS = 5_000;
/** how long new reservations wait while the store rebuilds after losing its state */
const RECOVERY_WINDOW_MS = 3_000;
/** a block holds at most this many requests' cost */
const BLOCK_REQUESTS = 32;
/** a block's unspent units go back to the key after this long without use */
const BLOCK_IDLE_MS = 1_000;
/**
 * blocks are spent only while this process renewed its leases this recently: far inside the 15 s
 * lease, so no reaper can have resolved a block this process still spends from
 */
const BLOCK_FRESH_MS = 5_000;
/** another process ran out: hand back unspent block units of this key */
export const QUOTA_RECLAIM = 'quota:reclaim';
const RECLAIM_WAIT_MS = 25;
const RECLAIM_TRIES = 2;
/** after a reclaim, the key is served per request (no blocks) in every process for this long */
const BLOCK_COOLDOWN_MS = 10_000;

/**
 * Units of one key held in Redis by this process (under its own lease id, renewed like a request's)
 * and handed out to requests here without a round trip. `lease.cost` is what Redis holds; `free` the
 * part no request has taken yet.
 */
interface Block {
  lease: Lease;
  free: number;
  lastTake: number;
  /** when Redis last extended its lease (a top-up or a heartbeat) */
  renewedAt: number;
  /** the key's generation when the block got its first units (an edit changes it) */
  generation: number | null;
}

/**
 * Per-key quotas that hold exactly: each request reserves its model's full cost atomically before the
 * upstream call (a cost that does not fit is refused, so a key never goes past its total), the charge
 * becomes durable in the usage ledger (Postgres) before the answer is released, and only then does the
 * reservation turn into `used`. Reservations held by this process are renewed every second; those of a
 * crashed process expire after 15 s and are resolved against the ledger (charged if its row exists,
 * released otherwise) by whichever process reaps first.
 *
 * With Redis, a key far from its total is served from blocks: a reservation that goes to Redis also
 * asks for up to 32 requests' worth of units (granted only from 1/16 of what is left, never when less
 * than 4 requests' worth would come of it), and the next requests take their cost from the block in
 * memory. Block units are reserved in Redis like any request's, so the key still cannot overshoot; a
 * crashed process's block expires and is resolved by raising `used` to the ledger's sum (which holds
 * every charge made from it) and dropping the rest. Unspent units go back after 1 s without use, when
 * the key is edited (notice over pub/sub, and a generation check every heartbeat as a backstop), and
 * at once when another process runs out while blocks of the key are held.
 */
export class QuotaService implements QuotaGate {
  private readonly inFlight = new Map<string, Lease>();
  private readonly blocks = new Map<string, Block>();
  /** keys that ran out somewhere recently: no blocks for them until then */
  private readonly noBlocksUntil = new Map<string, number>();
  private readonly processTag = randomBytes(6).toString('hex');
  private blockSeq = 0;
  private stopped = false;
  private heartbeat: NodeJS.Timeout | null = null;
  private reaper: NodeJS.Timeout | null = null;

  constructor(
    private readonly counters: QuotaCounterRepository,
    private readonly keys: ApiKeysRepository,
    private readonly costs: ModelCostsService,
    private readonly locks: Locks,
    private readonly logger: Logger,
    private readonly coordination: Coordination,
  ) {}

  private get distributed(): boolean {
    return this.coordination.mode === 'redis';
  }

  async start(): Promise<void> {
    if (!this.distributed) return;
    await this.counters.beginRecoveryIfNeeded(RECOVERY_WINDOW_MS).catch(() => false);
    this.coordination.subscribe(QUOTA_RECLAIM, (keyId) => void this.reclaim(keyId));
    // an edited key (total lowered, disabled, rebuilt) is served from Redis again in every process
    this.coordination.subscribe(KEYS_CHANGED, (keyId) => void this.returnBlock(keyId));
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
    this.reaper = setInterval(() => void this.reap(), REAP_MS);
    this.reaper.unref();
  }

  /** Stops the timers and hands unspent block units back (best effort: what is left expires). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.reaper) clearInterval(this.reaper);
    this.heartbeat = this.reaper = null;
    await Promise.all([...this.blocks.keys()].map((keyId) => this.returnBlock(keyId))).catch(() => {});
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
    // keys with a per-minute limit count every request in Redis, so they take no blocks
    const blocked = () => this.distributed && lease.cost > 0 && !access.rpmLimit && !this.stopped && !this.coolingDown(lease.keyId);
    if (blocked()) {
      const taken = this.takeFromBlock(lease, Date.now());
      if (taken) return taken;
    }
    let reclaims = 0;
    for (let attempt = 0; attempt < 5 + RECLAIM_TRIES; attempt++) {
      const now = Date.now();
      const block = blocked() ? this.currentBlock(lease.keyId, now) : null;
      const ask = block ? { id: block.lease.requestId, want: BLOCK_REQUESTS * lease.cost } : undefined;
      const result = await this.counters.reserve(lease, access.rpmLimit, now, ask).catch((error: Error) => {
        throw new GatewayError('service_unavailable', 'The quota store is unavailable; try again shortly.', { cause: error });
      });
      switch (result.kind) {
        case 'reserved':
          this.inFlight.set(requestId, lease);
          if (block && result.granted > 0) this.addToBlock(block, result.granted, now, result.generation);
          return this.reservation(lease);
        case 'over': {
          // concurrent top-ups may have filled this process's block while this call was on its way
          const taken = this.takeFromBlock(lease, now);
          if (taken) return taken;
          if (result.blocks && reclaims < RECLAIM_TRIES) {
            // units may sit unspent in blocks (this process's or another's): every process hands
            // them back and serves the key per request from now on; try again once they are back
            reclaims++;
            await this.reclaim(lease.keyId);
            await this.coordination.publish(QUOTA_RECLAIM, lease.keyId).catch(() => {});
            await new Promise((r) => setTimeout(r, RECLAIM_WAIT_MS));
            break;
          }
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

  /**
   * Reloads a key's counters from the database (after admin edits, or when missing). The store refuses
   * values read before an edit's invalidation, or of an older epoch than it holds: they are read
   * again; after three refusals the caller's next reservation asks again. When fresh reads keep
   * returning an older epoch, the database itself is behind the store (restored from a backup): the
   * database wins.
   */
  async load(keyId: string): Promise<void> {
    let older = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      const generation = await this.counters.generation(keyId);
      const values = (await this.keys.usedOf([keyId])).get(keyId);
      if (!values) throw new GatewayError('unauthenticated', 'This API key no longer exists.');
      const result = await this.counters.load(keyId, values, generation, older >= 2);
      if (result === 'loaded') {
        if (older >= 2) this.logger.warn({ keyId, epoch: values.epoch }, 'quota counters were ahead of the database (restored?): reloaded from the database');
        return;
      }
      if (result === 'older') older++;
    }
  }

  async invalidate(keyId: string): Promise<void> {
    await this.returnBlock(keyId);
    await this.counters.invalidate(keyId).catch(() => {});
  }

  private coolingDown(keyId: string): boolean {
    const until = this.noBlocksUntil.get(keyId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.noBlocksUntil.delete(keyId);
    return false;
  }

  private async reclaim(keyId: string): Promise<void> {
    if (this.noBlocksUntil.size > 10_000) this.noBlocksUntil.clear();
    this.noBlocksUntil.set(keyId, Date.now() + BLOCK_COOLDOWN_MS);
    await this.returnBlock(keyId);
  }

  /** The lease's cost from this process's block of its key, when the block has it and may be spent. */
  private takeFromBlock(lease: Lease, now: number): QuotaReservation | null {
    const block = this.blocks.get(lease.keyId);
    if (!block || block.free < lease.cost || !this.blocksUsable(block)) return null;
    block.free -= lease.cost;
    block.lastTake = now;
    return this.blockReservation(block, lease.cost);
  }

  /** A block is spent only while Redis answers and its lease was extended recently. */
  private blocksUsable(block: Block): boolean {
    return this.counters.healthy() && Date.now() - block.renewedAt < BLOCK_FRESH_MS;
  }

  /** The key's block in this process (created empty): concurrent top-ups all land in the same one. */
  private currentBlock(keyId: string, now: number): Block {
    let block = this.blocks.get(keyId);
    if (!block) {
      block = { lease: { keyId, requestId: `${BLOCK_LEASE_PREFIX}${this.processTag}:${++this.blockSeq}`, cost: 0 }, free: 0, lastTake: now, renewedAt: 0, generation: null };
      this.blocks.set(keyId, block);
    }
    return block;
  }

  private addToBlock(block: Block, granted: number, now: number, generation: number): void {
    block.lease.cost += granted;
    this.inFlight.set(block.lease.requestId, block.lease);
    block.renewedAt = now;
    block.generation ??= generation;
    if (this.blocks.get(block.lease.keyId) === block && block.generation === generation) {
      block.free += granted;
      block.lastTake = now;
      return;
    }
    // the block was handed back while this top-up was on its way, or the key was edited since the
    // block began: hand the new units back too (and, for an edit, the rest of the block)
    this.settleBlockPart(block, granted, () => this.counters.release(block.lease, granted)).catch(() => {});
    if (block.generation !== generation && this.blocks.get(block.lease.keyId) === block) void this.returnBlock(block.lease.keyId);
  }

  /** A request served from a block: its commit turns its part of the block into used. */
  private blockReservation(block: Block, cost: number): QuotaReservation {
    return once({
      apiKeyId: block.lease.keyId,
      cost,
      commit: (committed: KeyUsageAfterCommit | undefined) =>
        this.settleBlockPart(block, cost, () => this.counters.commit(block.lease, committed ? { used: committed.usedQuota, epoch: committed.quotaEpoch } : undefined, cost)),
      release: async () => {
        if (this.blocks.get(block.lease.keyId) === block) {
          // back into the block: the next request takes it without a round trip
          block.free += cost;
          return;
        }
        await this.settleBlockPart(block, cost, () => this.counters.release(block.lease, cost));
      },
    });
  }

  /**
   * Takes `units` off what the block holds here before Redis is told, so that a heartbeat between the
   * two can never put back units that Redis has just let go (commands on the connection are ordered).
   */
  private settleBlockPart(block: Block, units: number, tell: () => Promise<void>): Promise<void> {
    block.lease.cost -= units;
    this.forgetIfEmpty(block);
    return tell();
  }

  /** Hands a key's unspent block units back to Redis; the block ends once its requests settle. */
  private async returnBlock(keyId: string): Promise<void> {
    const block = this.blocks.get(keyId);
    if (!block) return;
    this.blocks.delete(keyId);
    const units = block.free;
    block.free = 0;
    if (units > 0) await this.settleBlockPart(block, units, () => this.counters.release(block.lease, units)).catch(() => {});
    else this.forgetIfEmpty(block);
  }

  private forgetIfEmpty(block: Block): void {
    if (block.lease.cost <= 0 && block.free <= 0 && this.blocks.get(block.lease.keyId) !== block) this.inFlight.delete(block.lease.requestId);
  }

  private async beat(): Promise<void> {
    const now = Date.now();
    for (const [keyId, block] of this.blocks) if (now - block.lastTake > BLOCK_IDLE_MS) void this.returnBlock(keyId);
    await Promise.all([this.renew(), this.checkGenerations()]);
  }

  /**
   * Blocks of keys edited since they began go back (a backstop for an edit notice this process missed:
   * pub/sub delivers at most once), so an edit reaches every process's blocks within a heartbeat.
   */
  private async checkGenerations(): Promise<void> {
    const blocks = [...this.blocks.values()].filter((b) => b.generation !== null);
    if (blocks.length === 0) return;
    try {
      const generations = await Promise.all(blocks.map((b) => this.counters.generation(b.lease.keyId)));
      blocks.forEach((block, i) => {
        if (generations[i] !== block.generation && this.blocks.get(block.lease.keyId) === block) void this.returnBlock(block.lease.keyId);
      });
    } catch {
      // Redis is away: blocks are not spent then anyway (blocksUsable)
    }
  }

  private reservation(lease: Lease): QuotaReservation {
    return once({
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
    });
  }

  private async renew(): Promise<void> {
    if (this.inFlight.size === 0) return;
    const at = Date.now();
    try {
      await this.counters.renew([...this.inFlight.values()].filter((l) => l.cost > 0 || !isBlockLease(l.requestId)), at);
      for (const block of this.blocks.values()) block.renewedAt = Math.max(block.renewedAt, at);
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
        const charges = await this.keys.committedCharges(expired.filter((l) => !isBlockLease(l.requestId)).map((l) => l.requestId));
        const used = await this.keys.usedOf([...new Set(expired.map((l) => l.keyId))]);
        for (const lease of expired) {
          // a block's committed charges are all in the key's used quota: raise to it, drop the rest
          const charged = isBlockLease(lease.requestId) || (charges.get(lease.requestId) ?? 0) > 0;
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

/**
 * A reservation settles once: the first commit or release counts, later calls do nothing. (A failed
 * ledger write releases, and the error path that follows settles the request again; a block's part
 * handed back twice would create units Redis never reserved.)
 */
function once(reservation: QuotaReservation): QuotaReservation {
  let settled = false;
  return {
    apiKeyId: reservation.apiKeyId,
    cost: reservation.cost,
    commit: async (committed) => {
      if (settled) return;
      settled = true;
      await reservation.commit(committed);
    },
    release: async () => {
      if (settled) return;
      settled = true;
      await reservation.release();
    },
  };
}

import type { Redis } from 'ioredis';
import type { Coordination } from '../coordination/coordination.js';

export interface BanWindow {
  credentialId: string;
  model: string;
  /** epoch ms */
  until: number;
  reason: string;
}

export type PickResult =
  | { kind: 'picked'; credentialId: string }
  /** every candidate is cooling down for this model; the soonest is free in retryAfterMs */
  | { kind: 'all-cooling'; retryAfterMs: number }
  | { kind: 'none' };

/**
 * Live pool state shared by every gateway process: the rotation cursor and per-(credential, model)
 * ban windows. Redis-backed with REDIS_URL (one INCRBY per rotation turn), in-memory otherwise.
 */
export interface CredentialStateRepository {
  /**
   * Advances the shared rotation counter and returns the credential whose turn it is (each keeps the
   * turn for `callsPerRotation` calls), skipping candidates banned for `model`.
   */
  pick(candidates: readonly string[], model: string, callsPerRotation: number, scope?: string): Promise<PickResult>;
  ban(window: BanWindow): Promise<void>;
  clear(credentialId: string, model?: string): Promise<void>;
  /** every live window (for admin views) */
  list(): Promise<BanWindow[]>;
}

/** ban windows set or cleared anywhere: `{op: "ban", id, model, until, reason}` or `{op: "clear", id, model?}` */
const BANS_CHANGED = 'credentials:bans';
/** full re-read of the windows (a missed message heals within this) */
const RESYNC_MS = 10_000;

type BanMessage = { op: 'ban'; id: string; model: string; until: number; reason: string } | { op: 'clear'; id: string; model?: string };

/**
 * Redis holds the rotation counters and the ban windows (the source of truth, shared by every
 * process); each process also keeps the windows in memory, kept current by a pub/sub message on
 * every change and a periodic re-read, so a pick costs one INCR whatever the pool size (no list of
 * candidates sent to Redis, no per-candidate lookup).
 */
export class RedisCredentialStateRepository implements CredentialStateRepository {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly local = new Map<string, { until: number; reason: string; at: number }>();
  private synced: Promise<void> | null = null;
  /** the rotation turn this process holds per scope, and how many calls of it are left */
  private readonly turns = new Map<string, { turn: number; left: number; size: number }>();
  /** when each (credential or credential:model) was last cleared, so a re-read in flight does not revive it */
  private readonly cleared = new Map<string, number>();
  private lastSync = 0;

  constructor(private readonly coordination: Coordination) {
    if (!coordination.redis) throw new Error('RedisCredentialStateRepository needs Redis');
    this.redis = coordination.redis;
    this.prefix = coordination.prefix;
    coordination.subscribe(BANS_CHANGED, (message) => {
      try {
        this.apply(JSON.parse(message) as BanMessage);
      } catch {
        // a malformed message is ignored; the periodic re-read covers it
      }
    });
  }

  async pick(candidates: readonly string[], model: string, callsPerRotation: number, scope = 'gemini-cli'): Promise<PickResult> {
    const n = candidates.length;
    if (n === 0) return { kind: 'none' };
    await this.fresh();
    const start = (await this.turn(scope, callsPerRotation)) % n;
    const now = Date.now();
    let minTtl = -1;
    for (let i = 0; i < n; i++) {
      const id = candidates[(start + i) % n]!;
      const ban = this.local.get(`${id}:${model}`);
      if (!ban || ban.until <= now) return { kind: 'picked', credentialId: id };
      const ttl = ban.until - now;
      if (minTtl < 0 || ttl < minTtl) minTtl = ttl;
    }
    return { kind: 'all-cooling', retryAfterMs: minTtl };
  }

  async ban(window: BanWindow): Promise<void> {
    const ttl = Math.max(1, Math.ceil(window.until - Date.now()));
    const key = `${this.prefix}ban:${window.credentialId}:${window.model}`;
    await this.redis
      .multi()
      .set(key, JSON.stringify({ until: window.until, reason: window.reason }), 'PX', ttl)
      .zadd(`${this.prefix}bans`, String(window.until), `${window.credentialId}:${window.model}`)
      .exec();
    await this.announce({ op: 'ban', id: window.credentialId, model: window.model, until: window.until, reason: window.reason });
  }

  async clear(credentialId: string, model?: string): Promise<void> {
    if (model !== undefined) {
      await this.redis.multi().del(`${this.prefix}ban:${credentialId}:${model}`).zrem(`${this.prefix}bans`, `${credentialId}:${model}`).exec();
    } else {
      const members = (await this.redis.zrange(`${this.prefix}bans`, '0', '-1')).filter((m) => m.startsWith(`${credentialId}:`));
      if (members.length > 0) {
        const multi = this.redis.multi();
        for (const m of members) multi.del(`${this.prefix}ban:${m}`);
        multi.zrem(`${this.prefix}bans`, ...members);
        await multi.exec();
      }
    }
    await this.announce(model === undefined ? { op: 'clear', id: credentialId } : { op: 'clear', id: credentialId, model });
  }

  async list(): Promise<BanWindow[]> {
    const now = Date.now();
    await this.redis.zremrangebyscore(`${this.prefix}bans`, '-inf', String(now));
    const members = await this.redis.zrange(`${this.prefix}bans`, '0', '-1');
    if (members.length === 0) return [];
    const values = await this.redis.mget(...members.map((m) => `${this.prefix}ban:${m}`));
    const out: BanWindow[] = [];
    members.forEach((member, i) => {
      const raw = values[i];
      if (!raw) return;
      const sep = member.indexOf(':');
      const parsed = JSON.parse(raw) as { until: number; reason: string };
      out.push({ credentialId: member.slice(0, sep), model: member.slice(sep + 1), until: parsed.until, reason: parsed.reason });
    });
    return out;
  }

  /**
   * The rotation turn this call belongs to. A process claims a whole turn (CALLS_PER_ROTATION calls
   * of one credential) with one INCRBY and spends it locally, so Redis is asked once per turn, not once
   * per call; different processes hold different turns at once (they spread over the pool).
   */
  private async turn(scope: string, callsPerRotation: number): Promise<number> {
    const held = this.turns.get(scope);
    if (held && held.left > 0 && held.size === callsPerRotation) {
      held.left -= 1;
      return held.turn;
    }
    const counter = await this.redis.incrby(`${this.prefix}pool:rotation:${scope}`, callsPerRotation);
    const turn = Math.floor((counter - 1) / callsPerRotation);
    this.turns.set(scope, { turn, left: callsPerRotation - 1, size: callsPerRotation });
    return turn;
  }

  /** The in-memory windows, read from Redis on first use (awaited) and again every RESYNC_MS (in the background). */
  private fresh(): Promise<void> | undefined {
    const now = Date.now();
    if (this.synced === null) {
      this.lastSync = now;
      this.synced = this.resync().catch((error: unknown) => {
        this.synced = null;
        throw error;
      });
      return this.synced;
    }
    if (now - this.lastSync >= RESYNC_MS) {
      this.lastSync = now;
      void this.resync().catch(() => {});
    }
    return this.synced;
  }

  /** Replaces what is known with Redis's windows, keeping changes that arrived while reading. */
  private async resync(): Promise<void> {
    const started = Date.now();
    const windows = await this.list();
    const revived = (w: BanWindow) =>
      (this.cleared.get(w.credentialId) ?? 0) >= started || (this.cleared.get(`${w.credentialId}:${w.model}`) ?? 0) >= started;
    const fromRedis = new Map(windows.filter((w) => !revived(w)).map((w) => [`${w.credentialId}:${w.model}`, { until: w.until, reason: w.reason, at: started }]));
    if (this.cleared.size > 10_000) this.cleared.clear();
    for (const [key, ban] of this.local) if (ban.at >= started && !fromRedis.has(key)) fromRedis.set(key, ban);
    this.local.clear();
    for (const [key, ban] of fromRedis) this.local.set(key, ban);
  }

  private apply(message: BanMessage): void {
    if (message.op === 'ban') {
      this.local.set(`${message.id}:${message.model}`, { until: message.until, reason: message.reason, at: Date.now() });
    } else if (message.model !== undefined) {
      this.local.delete(`${message.id}:${message.model}`);
      this.cleared.set(`${message.id}:${message.model}`, Date.now());
    } else {
      this.cleared.set(message.id, Date.now());
      for (const key of [...this.local.keys()]) if (key.startsWith(`${message.id}:`)) this.local.delete(key);
    }
  }

  private async announce(message: BanMessage): Promise<void> {
    this.apply(message);
    await this.coordination.publish(BANS_CHANGED, JSON.stringify(message)).catch(() => {});
  }
}

export class MemoryCredentialStateRepository implements CredentialStateRepository {
  private readonly counters = new Map<string, number>();
  private readonly bans = new Map<string, { until: number; reason: string }>();

  constructor(private readonly now: () => number = Date.now) {}

  async pick(candidates: readonly string[], model: string, callsPerRotation: number, scope = 'gemini-cli'): Promise<PickResult> {
    const n = candidates.length;
    if (n === 0) return { kind: 'none' };
    const counter = (this.counters.get(scope) ?? 0) + 1;
    this.counters.set(scope, counter);
    const start = Math.floor((counter - 1) / callsPerRotation) % n;
    const now = this.now();
    let minTtl = -1;
    for (let i = 0; i < n; i++) {
      const id = candidates[(start + i) % n]!;
      const ban = this.bans.get(`${id}:${model}`);
      if (!ban || ban.until <= now) return { kind: 'picked', credentialId: id };
      const ttl = ban.until - now;
      if (minTtl < 0 || ttl < minTtl) minTtl = ttl;
    }
    return { kind: 'all-cooling', retryAfterMs: minTtl };
  }

  async ban(window: BanWindow): Promise<void> {
    this.bans.set(`${window.credentialId}:${window.model}`, { until: window.until, reason: window.reason });
  }

  async clear(credentialId: string, model?: string): Promise<void> {
    if (model !== undefined) {
      this.bans.delete(`${credentialId}:${model}`);
      return;
    }
    for (const key of [...this.bans.keys()]) if (key.startsWith(`${credentialId}:`)) this.bans.delete(key);
  }

  async list(): Promise<BanWindow[]> {
    const now = this.now();
    const out: BanWindow[] = [];
    for (const [key, ban] of this.bans) {
      if (ban.until <= now) {
        this.bans.delete(key);
        continue;
      }
      const sep = key.indexOf(':');
      out.push({ credentialId: key.slice(0, sep), model: key.slice(sep + 1), until: ban.until, reason: ban.reason });
    }
    return out;
  }
}

export function createCredentialStateRepository(coordination: Coordination): CredentialStateRepository {
  return coordination.mode === 'redis'
    ? new RedisCredentialStateRepository(coordination)
    : new MemoryCredentialStateRepository();
}

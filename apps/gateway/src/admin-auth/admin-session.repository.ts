import type { Coordination } from '../coordination/coordination.js';

/** Failed attempts of one subject inside the current window. */
export interface FailureWindow {
  count: number;
  /** milliseconds until the window ends (0 when there is no window) */
  resetInMs: number;
}

/**
 * Shared state of admin sessions, held in coordination so it is the same in every gateway process:
 * revoked token ids (until the token would have expired anyway), the session generation ("log out
 * everywhere" bumps it) and failed-password counters per client address.
 * Redis keys: `<prefix>admin:revoked:<jti>`, `<prefix>admin:generation`, `<prefix>admin:fail:<subject>`.
 */
export interface AdminSessionRepository {
  revoke(jti: string, ttlMs: number): Promise<void>;
  isRevoked(jti: string): Promise<boolean>;
  generation(): Promise<number>;
  bumpGeneration(): Promise<number>;
  failures(subject: string): Promise<FailureWindow>;
  /** counts one failure; the window starts at the first failure */
  addFailure(subject: string, windowMs: number): Promise<FailureWindow>;
  clearFailures(subject: string): Promise<void>;
}

export function createAdminSessionRepository(coordination: Coordination): AdminSessionRepository {
  const redis = coordination.redis;
  if (!redis) return new MemoryAdminSessionRepository();
  const key = (name: string) => `${coordination.prefix}admin:${name}`;
  return {
    async revoke(jti, ttlMs) {
      await redis.set(key(`revoked:${jti}`), '1', 'PX', Math.max(1, Math.ceil(ttlMs)));
    },
    async isRevoked(jti) {
      return (await redis.exists(key(`revoked:${jti}`))) === 1;
    },
    async generation() {
      return Number((await redis.get(key('generation'))) ?? 0);
    },
    async bumpGeneration() {
      return redis.incr(key('generation'));
    },
    async failures(subject) {
      const [[, count], [, ttl]] = (await redis.multi().get(key(`fail:${subject}`)).pttl(key(`fail:${subject}`)).exec()) as [
        [null, string | null],
        [null, number],
      ];
      return { count: Number(count ?? 0), resetInMs: Math.max(0, ttl) };
    },
    async addFailure(subject, windowMs) {
      const k = key(`fail:${subject}`);
      const [[, count], [, ttl]] = (await redis.multi().incr(k).pttl(k).exec()) as [[null, number], [null, number]];
      if (ttl < 0) {
        await redis.pexpire(k, windowMs);
        return { count, resetInMs: windowMs };
      }
      return { count, resetInMs: ttl };
    },
    async clearFailures(subject) {
      await redis.del(key(`fail:${subject}`));
    },
  };
}

/** The single-process stand-in (embedded default). */
export class MemoryAdminSessionRepository implements AdminSessionRepository {
  private readonly revoked = new Map<string, number>();
  private readonly failed = new Map<string, { count: number; resetAt: number }>();
  private gen = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async revoke(jti: string, ttlMs: number) {
    this.prune();
    this.revoked.set(jti, this.now() + ttlMs);
  }

  async isRevoked(jti: string) {
    const until = this.revoked.get(jti);
    return until !== undefined && until > this.now();
  }

  async generation() {
    return this.gen;
  }

  async bumpGeneration() {
    this.gen += 1;
    return this.gen;
  }

  async failures(subject: string): Promise<FailureWindow> {
    const entry = this.failed.get(subject);
    const now = this.now();
    if (!entry || entry.resetAt <= now) return { count: 0, resetInMs: 0 };
    return { count: entry.count, resetInMs: entry.resetAt - now };
  }

  async addFailure(subject: string, windowMs: number): Promise<FailureWindow> {
    const now = this.now();
    let entry = this.failed.get(subject);
    if (!entry || entry.resetAt <= now) {
      if (this.failed.size > 10_000) this.prune();
      entry = { count: 0, resetAt: now + windowMs };
      this.failed.set(subject, entry);
    }
    entry.count += 1;
    return { count: entry.count, resetInMs: entry.resetAt - now };
  }

  async clearFailures(subject: string) {
    this.failed.delete(subject);
  }

  private prune() {
    const now = this.now();
    for (const [jti, until] of this.revoked) if (until <= now) this.revoked.delete(jti);
    for (const [subject, entry] of this.failed) if (entry.resetAt <= now) this.failed.delete(subject);
  }
}

import type { Coordination } from './coordination.js';

export interface RateLimitResult {
  allowed: boolean;
  /** seconds until the window resets (when refused) */
  retryAfterSeconds: number;
}

/**
 * Fixed-window counters per subject (e.g. a client address on a public endpoint), shared through
 * Redis when configured so the limit holds across gateway processes.
 */
export class RateLimiter {
  private readonly local = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly coordination: Coordination) {}

  async hit(bucket: string, subject: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const redis = this.coordination.redis;
    if (redis) {
      const key = `${this.coordination.prefix}rl:${bucket}:${subject}`;
      const [[, count], [, ttl]] = (await redis.multi().incr(key).pttl(key).exec()) as [[null, number], [null, number]];
      if (ttl < 0) await redis.pexpire(key, windowMs);
      return { allowed: count <= limit, retryAfterSeconds: Math.max(1, Math.ceil((ttl < 0 ? windowMs : ttl) / 1000)) };
    }
    const now = Date.now();
    const id = `${bucket}:${subject}`;
    let entry = this.local.get(id);
    if (!entry || entry.resetAt <= now) {
      if (this.local.size > 50_000) this.local.clear();
      entry = { count: 0, resetAt: now + windowMs };
      this.local.set(id, entry);
    }
    entry.count += 1;
    return { allowed: entry.count <= limit, retryAfterSeconds: Math.max(1, Math.ceil((entry.resetAt - now) / 1000)) };
  }
}

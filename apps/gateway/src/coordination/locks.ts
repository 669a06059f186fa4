import { randomBytes } from 'node:crypto';
import type { Coordination } from './coordination.js';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * Short mutual-exclusion leases across processes (Redis `SET NX PX` with owner-checked release) or
 * within the process (memory mode). Used for work that must run once at a time per subject, such as
 * refreshing one credential's access token.
 */
export class Locks {
  private readonly local = new Map<string, Promise<void>>();

  constructor(private readonly coordination: Coordination) {}

  async withLock<T>(name: string, ttlMs: number, fn: () => Promise<T>, waitMs = ttlMs): Promise<T> {
    // serialise inside this process first, so only one local caller talks to Redis
    const previous = this.local.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const chained = previous.then(() => mine);
    this.local.set(name, chained);
    await previous;
    try {
      const redis = this.coordination.redis;
      if (!redis) return await fn();
      const key = `${this.coordination.prefix}lock:${name}`;
      const token = randomBytes(12).toString('hex');
      const deadline = Date.now() + waitMs;
      for (;;) {
        const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
        if (ok === 'OK') break;
        if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${name}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      try {
        return await fn();
      } finally {
        await redis.eval(RELEASE, 1, key, token).catch(() => {});
      }
    } finally {
      release();
      if (this.local.get(name) === chained) this.local.delete(name);
    }
  }
}

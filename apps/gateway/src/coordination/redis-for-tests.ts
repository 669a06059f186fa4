import { afterAll } from 'vitest';
import { createRedisCoordination, type Coordination } from './coordination.js';

/**
 * Specs that need the real Redis (REDIS_URL, else the local one): each call gives a coordination on a
 * prefix of its own; everything written under it is deleted after the spec file.
 */
export function redisForTests(label: string): () => Promise<Coordination> {
  const opened: Coordination[] = [];
  afterAll(async () => {
    for (const c of opened) {
      const keys = await c.redis!.keys(`${c.prefix}*`);
      if (keys.length > 0) await c.redis!.del(...keys);
      await c.close();
    }
  });
  return async () => {
    const c = await createRedisCoordination(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', `cligate-test:${label}:${process.pid}:${Date.now()}:${opened.length}:`);
    opened.push(c);
    return c;
  };
}

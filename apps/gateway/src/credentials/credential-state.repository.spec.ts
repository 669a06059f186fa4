import { describe, expect, it } from 'vitest';
import { createRedisCoordination } from '../coordination/coordination.js';
import { MemoryCredentialStateRepository, RedisCredentialStateRepository } from './credential-state.repository.js';

describe('MemoryCredentialStateRepository', () => {
  it('rotates every callsPerRotation calls', async () => {
    const repo = new MemoryCredentialStateRepository(() => 1_000);
    const ids = ['a', 'b', 'c'];
    const picks: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await repo.pick(ids, 'm', 2);
      if (r.kind === 'picked') picks.push(r.credentialId);
    }
    expect(picks).toEqual(['a', 'a', 'b', 'b', 'c', 'c', 'a']);
  });

  it('skips a credential banned for the model, not for other models', async () => {
    let now = 1_000;
    const repo = new MemoryCredentialStateRepository(() => now);
    await repo.ban({ credentialId: 'a', model: 'pro', until: 5_000, reason: '429' });
    expect(await repo.pick(['a', 'b'], 'pro', 1)).toEqual({ kind: 'picked', credentialId: 'b' });
    expect(await repo.pick(['a', 'b'], 'flash', 100)).toMatchObject({ kind: 'picked' });
    await repo.ban({ credentialId: 'b', model: 'pro', until: 3_000, reason: '429' });
    expect(await repo.pick(['a', 'b'], 'pro', 1)).toEqual({ kind: 'all-cooling', retryAfterMs: 2_000 });
    now = 3_000;
    expect(await repo.pick(['a', 'b'], 'pro', 1)).toEqual({ kind: 'picked', credentialId: 'b' });
    expect((await repo.list()).map((w) => w.credentialId)).toEqual(['a']);
  });
});

describe('RedisCredentialStateRepository (real Redis, two processes)', () => {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `cligate-test:state:${process.pid}:${Date.now()}:`;

  it('shares the rotation and the ban windows between processes, and a clear', async () => {
    const a = await createRedisCoordination(url, prefix);
    const b = await createRedisCoordination(url, prefix);
    try {
      const ra = new RedisCredentialStateRepository(a);
      const rb = new RedisCredentialStateRepository(b);
      const ids = ['c1', 'c2', 'c3'];
      // one shared counter: alternating processes still walk the pool in order
      const picks = [];
      for (let i = 0; i < 6; i++) picks.push(await (i % 2 === 0 ? ra : rb).pick(ids, 'm', 1, 'scope'));
      expect(picks.map((p) => (p.kind === 'picked' ? p.credentialId : p.kind))).toEqual(['c1', 'c2', 'c3', 'c1', 'c2', 'c3']);

      // with 3 calls per rotation a process holds a whole turn; the other process takes the next one
      const turns = [];
      for (const repo of [ra, ra, rb, ra, ra, rb]) {
        const p = await repo.pick(ids, 'm', 3, 'turns');
        turns.push(p.kind === 'picked' ? p.credentialId : p.kind);
      }
      expect(turns).toEqual(['c1', 'c1', 'c2', 'c1', 'c3', 'c2']);

      await ra.ban({ credentialId: 'c1', model: 'm', until: Date.now() + 60_000, reason: '429' });
      await ra.ban({ credentialId: 'c2', model: 'm', until: Date.now() + 30_000, reason: '429' });
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 3; i++) expect(await rb.pick(ids, 'm', 1, 'scope')).toEqual({ kind: 'picked', credentialId: 'c3' });
      // another model is not affected
      expect((await rb.pick(ids, 'other', 1, 'scope')).kind).toBe('picked');
      await ra.ban({ credentialId: 'c3', model: 'm', until: Date.now() + 45_000, reason: '429' });
      await new Promise((r) => setTimeout(r, 50));
      const cooling = await rb.pick(ids, 'm', 1, 'scope');
      expect(cooling.kind).toBe('all-cooling');
      expect(cooling.kind === 'all-cooling' && cooling.retryAfterMs).toBeGreaterThan(25_000);
      expect((await rb.list()).map((w) => w.credentialId).sort()).toEqual(['c1', 'c2', 'c3']);

      await rb.clear('c2');
      await new Promise((r) => setTimeout(r, 50));
      expect(await ra.pick(ids, 'm', 1, 'scope')).toEqual({ kind: 'picked', credentialId: 'c2' });

      // a process that starts later reads the windows already set
      const c = await createRedisCoordination(url, prefix);
      try {
        const rc = new RedisCredentialStateRepository(c);
        expect(await rc.pick(['c1', 'c3'], 'm', 1, 'scope')).toMatchObject({ kind: 'all-cooling' });
      } finally {
        await c.close();
      }
    } finally {
      await cleanup(a, prefix);
      await a.close();
      await b.close();
    }
  });
});

async function cleanup(coordination: Awaited<ReturnType<typeof createRedisCoordination>>, prefix: string): Promise<void> {
  const keys = await coordination.redis!.keys(`${prefix}*`);
  if (keys.length > 0) await coordination.redis!.del(...keys);
}

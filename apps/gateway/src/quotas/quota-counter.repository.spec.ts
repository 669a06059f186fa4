import { describe, expect, it } from 'vitest';
import { redisForTests } from '../coordination/redis-for-tests.js';
import { MemoryQuotaCounterRepository, RedisQuotaCounterRepository, type Lease, type QuotaCounterRepository } from './quota-counter.repository.js';

const redis = redisForTests('quota');

async function redisRepository(): Promise<QuotaCounterRepository> {
  const coordination = await redis();
  const repo = new RedisQuotaCounterRepository(coordination);
  await repo.beginRecoveryIfNeeded(1);
  await new Promise((r) => setTimeout(r, 5));
  return repo;
}

const NOW = 1_000_000;
const lease = (requestId: string, cost = 10): Lease => ({ keyId: 'key-1', requestId, cost });

describe.each([
  ['in memory', async () => new MemoryQuotaCounterRepository() as QuotaCounterRepository],
  ['Redis', redisRepository],
])('quota counters (%s)', (_name, make) => {
  it('refuses values read before an invalidation, so an edit cannot be undone by a slow reload', async () => {
    const repo = await make();
    expect(await repo.load('key-1', { total: 1000, used: 0, epoch: 0 }, await repo.generation('key-1'))).toBe('loaded');
    // a reload reads the generation and the old total; the admin lowers the total meanwhile
    const readAt = await repo.generation('key-1');
    await repo.invalidate('key-1');
    expect(await repo.load('key-1', { total: 1000, used: 0, epoch: 0 }, readAt)).toBe('moved');
    expect((await repo.reserve(lease('r1'), null, NOW)).kind).toBe('need-load');
    // read again after the edit
    expect(await repo.load('key-1', { total: 15, used: 0, epoch: 0 }, await repo.generation('key-1'))).toBe('loaded');
    expect((await repo.reserve(lease('r1'), null, NOW)).kind).toBe('reserved');
    expect((await repo.reserve(lease('r2'), null, NOW)).kind).toBe('over');
  });

  it('keeps a charge committed while a reload was reading older values', async () => {
    const repo = await make();
    await repo.load('key-1', { total: 100, used: 80, epoch: 0 }, await repo.generation('key-1'));
    expect((await repo.reserve(lease('r1'), null, NOW)).kind).toBe('reserved');
    await repo.invalidate('key-1');
    // the reload reads used = 80; r1's row commits (used 90) and settles before the reload lands
    const readAt = await repo.generation('key-1');
    await repo.commit(lease('r1'), { used: 90, epoch: 0 });
    expect(await repo.load('key-1', { total: 100, used: 80, epoch: 0 }, readAt)).toBe('loaded');
    expect(await repo.snapshot('key-1')).toEqual({ total: 100, used: 90, reserved: 0 });
    expect((await repo.reserve(lease('r2'), null, NOW)).kind).toBe('reserved');
    expect((await repo.reserve(lease('r3'), null, NOW)).kind).toBe('over');
  });

  it('a newer epoch (a rebuild) replaces used and refuses loads of the older one', async () => {
    const repo = await make();
    await repo.load('key-1', { total: 100, used: 90, epoch: 0 }, await repo.generation('key-1'));
    expect((await repo.reserve(lease('r1'), null, NOW)).kind).toBe('reserved');
    // rebuilt to 40 (epoch 1); r1 commits after it: used 50 of epoch 1
    await repo.commit(lease('r1'), { used: 50, epoch: 1 });
    expect((await repo.reserve(lease('r2'), null, NOW)).kind).toBe('need-load');
    const readAt = await repo.generation('key-1');
    expect(await repo.load('key-1', { total: 100, used: 90, epoch: 0 }, readAt)).toBe('older');
    expect(await repo.load('key-1', { total: 100, used: 40, epoch: 1 }, readAt)).toBe('loaded');
    expect(await repo.snapshot('key-1')).toEqual({ total: 100, used: 50, reserved: 0 });
    // a late commit of the old epoch changes nothing
    await repo.commit(lease('r0'), { used: 95, epoch: 0 });
    expect(await repo.snapshot('key-1')).toEqual({ total: 100, used: 50, reserved: 0 });
    // a database restored to before the rebuild: only a forced load takes its older epoch
    expect(await repo.load('key-1', { total: 100, used: 30, epoch: 0 }, readAt, true)).toBe('loaded');
    expect(await repo.snapshot('key-1')).toEqual({ total: 100, used: 30, reserved: 0 });
  });
});

describe('quota counters (Redis): renewal', () => {
  it('does not bring back a reservation released while a long renewal is on its way', async () => {
    const repo = await redisRepository();
    await repo.load('key-1', { total: 100_000, used: 0, epoch: 0 }, await repo.generation('key-1'));
    const leases = Array.from({ length: 450 }, (_, i) => lease(`r${i}`, 1));
    for (const l of leases) expect((await repo.reserve(l, null, NOW)).kind).toBe('reserved');
    // the heartbeat renews all 450 (three script calls); meanwhile the last request is released
    const renewing = repo.renew(leases, NOW);
    const releasing = repo.release(leases[449]!);
    await Promise.all([renewing, releasing]);
    expect((await repo.snapshot('key-1'))!.reserved).toBe(449);
  });

  it('counts a charge that commits after the store lost its data, before the key is loaded again', async () => {
    const repo = await redisRepository();
    // the store restarted empty; the process re-registers its reservation (heartbeat), then it commits
    await repo.renew([lease('r1')], NOW);
    const readAt = await repo.generation('key-1');
    await repo.commit(lease('r1'), { used: 90, epoch: 0 });
    // a reload that read used = 80 before that commit
    expect(await repo.load('key-1', { total: 100, used: 80, epoch: 0 }, readAt)).toBe('loaded');
    expect(await repo.snapshot('key-1')).toEqual({ total: 100, used: 90, reserved: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import type { ApiKeysRepository } from '../api-keys/api-keys.repository.js';
import { redisForTests } from '../coordination/redis-for-tests.js';
import { Locks } from '../coordination/locks.js';
import type { Logger } from '../logging/logger.js';
import type { ClientAccess } from '../relay/client-access.js';
import type { ModelCostsService } from './model-costs.service.js';
import { RedisQuotaCounterRepository } from './quota-counter.repository.js';
import { QuotaService } from './quota.service.js';

const TOTAL = 100_000;
const redis = redisForTests('quota-svc');

async function service(epoch = 0): Promise<{ quotas: QuotaService; counters: RedisQuotaCounterRepository }> {
  const coordination = await redis();
  const counters = new RedisQuotaCounterRepository(coordination);
  await counters.beginRecoveryIfNeeded(1);
  await new Promise((r) => setTimeout(r, 5));
  const keys = {
    usedOf: async (ids: string[]) => new Map(ids.map((id) => [id, { used: 0, total: TOTAL, epoch }])),
    committedCharges: async () => new Map<string, number>(),
  } as unknown as ApiKeysRepository;
  const costs = { lookup: () => ({ cost: 1 }) } as unknown as ModelCostsService;
  const logger = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Logger;
  return { quotas: new QuotaService(counters, keys, costs, new Locks(coordination), logger, coordination), counters };
}

const access: ClientAccess = { kind: 'api-key', keyId: 'key-1', prefix: 'sk-test', allowedModels: [], rpmLimit: null };

describe('QuotaService (Redis)', () => {
  it('settles a reservation once: a second release of a block part hands back nothing', async () => {
    const { quotas, counters } = await service();
    // the first reservation goes to Redis and brings a block of 32 units; the next ones come from it
    const first = await quotas.reserve(access, 'r1', 'm');
    const fromBlock = await quotas.reserve(access, 'r2', 'm');
    const redisHeld = (await counters.snapshot('key-1'))!.reserved;
    expect(redisHeld).toBe(33);
    await fromBlock.release();
    await fromBlock.release();
    await first.commit(undefined);
    await first.release();
    // every unit a request can still take from the block must be one Redis holds for it: 32
    let served = 0;
    for (let i = 0; i < 64; i++) {
      await quotas.reserve(access, `s${i}`, 'm');
      if ((await counters.snapshot('key-1'))!.reserved === 32) served++;
    }
    expect(served).toBe(32);
    await quotas.stop();
  });

  it('hands a block back within a heartbeat when its key was edited, even if the edit notice was missed', async () => {
    const { quotas, counters } = await service();
    await quotas.start();
    try {
      const first = await quotas.reserve(access, 'e1', 'm');
      await first.commit(undefined);
      const blocks = (quotas as unknown as { blocks: Map<string, unknown> }).blocks;
      const block = blocks.get('key-1');
      expect(block).toBeDefined();
      // an admin edit: the counters are invalidated, but this process never hears of it
      await counters.invalidate('key-1');
      // the block stays in use (a request every 250 ms, so it never goes idle; 28 of its 31 units at
      // most, so it never runs dry either) until it is handed back
      for (let i = 0; i < 28 && blocks.get('key-1') === block; i++) {
        await new Promise((r) => setTimeout(r, 250));
        await (await quotas.reserve(access, `e-${i}`, 'm')).commit(undefined);
      }
      expect(blocks.get('key-1')).not.toBe(block);
    } finally {
      await quotas.stop();
    }
  });

  it('reloads from a database that is behind the counter store (restored from a backup) instead of refusing forever', async () => {
    const { quotas, counters } = await service(0);
    // the store holds epoch 3 (rebuilds the restored database no longer has)
    await counters.load('key-1', { total: TOTAL, used: 500, epoch: 3 }, await counters.generation('key-1'));
    await counters.invalidate('key-1');
    const r = await quotas.reserve(access, 'after-restore', 'm');
    expect(r.cost).toBe(1);
    expect(await counters.snapshot('key-1')).toMatchObject({ used: 0, total: TOTAL });
    await quotas.stop();
  });
});

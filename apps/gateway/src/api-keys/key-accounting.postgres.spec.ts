import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryCoordination } from '../coordination/coordination.js';
import { CryptoRepository } from '../crypto/crypto.repository.js';
import { defaultMigrationsDir, migrateDatabase, openPostgres, type Database } from '../database/database.js';
import { UsageLedgerRepository, type UsageEntry } from '../usage/usage-ledger.repository.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';

/** Accounting against a real Postgres (its locking and snapshot rules are what these tests are about). */
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const name = `cligate_accounting_${randomBytes(4).toString('hex')}`;
let url: string;
let db: Database;
let keys: ApiKeysService;
let repository: ApiKeysRepository;
let ledger: UsageLedgerRepository;

async function admin<T>(fn: (c: pg.Client) => Promise<T>, target = ADMIN_URL): Promise<T> {
  const c = new pg.Client({ connectionString: target });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  url = u.toString();
  db = await openPostgres(url, { ledgerSyncCommit: true });
  await migrateDatabase(db, defaultMigrationsDir());
  repository = new ApiKeysRepository(db);
  ledger = new UsageLedgerRepository(db.ledgerSql);
  keys = new ApiKeysService(repository, new CryptoRepository(randomBytes(32), randomBytes(32)), createMemoryCoordination(), async () => {});
});

afterAll(async () => {
  await db?.close();
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
});

function entry(apiKeyId: string | null, cost: number): UsageEntry {
  return {
    requestId: randomUUID(),
    apiKeyId,
    credentialId: null,
    requestedModel: 'gemini-2.5-flash',
    model: 'gemini-2.5-flash',
    protocol: 'openai',
    stream: false,
    status: 200,
    cost,
    policy: 'charged',
    promptTokens: 1,
    completionTokens: 1,
    reasoningTokens: 0,
    cachedTokens: 0,
    totalTokens: 2,
    attempts: 1,
    latencyMs: 3,
    errorCode: null,
    createdAt: new Date(),
  };
}

describe('usage ledger and key accounting (real Postgres)', () => {
  it('writes a batch that names a key deleted while its request ran: that row keeps no key, the others charge', async () => {
    const live = (await keys.create({ total_quota: 100 })).row;
    const gone = (await keys.create({ total_quota: 100 })).row;
    await keys.delete(gone.id);
    const rows = [entry(live.id, 3), entry(gone.id, 5), entry(null, 0)];
    const committed = await ledger.insertBatch(rows);
    expect(committed).toEqual([{ apiKeyId: live.id, usedQuota: 3, quotaEpoch: 0 }]);
    const stored = await db.sql.query<{ request_id: string; api_key_id: string | null; cost: number }>(
      'SELECT request_id, api_key_id, cost FROM usage_records WHERE request_id = ANY($1::text[]) ORDER BY cost',
      [rows.map((r) => r.requestId)],
    );
    expect(stored).toEqual([
      { request_id: rows[2]!.requestId, api_key_id: null, cost: 0 },
      { request_id: rows[0]!.requestId, api_key_id: live.id, cost: 3 },
      { request_id: rows[1]!.requestId, api_key_id: null, cost: 5 },
    ]);
    // replaying the batch charges nothing twice
    expect(await ledger.insertBatch(rows)).toEqual([]);
    expect((await repository.findById(live.id))!.usedQuota).toBe(3n);
  });

  it('a rebuild that waits for a batch charging the key counts that batch', async () => {
    const key = (await keys.create({ total_quota: 1000 })).row;
    await ledger.insertBatch([entry(key.id, 4)]);
    // a ledger batch in flight: its row is written and the key updated, not yet committed
    const batch = new pg.Client({ connectionString: url });
    await batch.connect();
    try {
      await batch.query('BEGIN');
      await batch.query(`INSERT INTO usage_records (request_id, api_key_id, requested_model, model, protocol, stream, status, cost, policy, created_at)
        VALUES ($1, $2, 'm', 'm', 'openai', false, 200, 7, 'charged', now())`, [randomUUID(), key.id]);
      await batch.query('UPDATE api_keys SET used_quota = used_quota + 7 WHERE id = $1', [key.id]);
      const rebuilding = keys.rebuild(key.id);
      // commit only once the rebuild is waiting for the key's row lock (the race under test)
      const deadline = Date.now() + 20_000;
      for (;;) {
        const waiting = await admin((c) => c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [name]));
        if (waiting.rows[0].n > 0) break;
        if (Date.now() > deadline) throw new Error('the rebuild never waited for the row lock');
        await new Promise((r) => setTimeout(r, 20));
      }
      await batch.query('COMMIT');
      const rebuilt = await rebuilding;
      expect(rebuilt.usedQuota).toBe(11n);
      expect(rebuilt.quotaEpoch).toBe(1);
    } finally {
      await batch.end();
    }
  });

  it('counts every one of many concurrent additions to a key\'s total, and refuses one that would go negative', async () => {
    const key = (await keys.create({ total_quota: 1000 })).row;
    await Promise.all(Array.from({ length: 20 }, () => keys.update(key.id, { add_quota: 5 })));
    expect((await repository.findById(key.id))!.totalQuota).toBe(1100n);
    await expect(keys.update(key.id, { add_quota: -1101 })).rejects.toMatchObject({ code: 'invalid_request' });
    expect((await keys.update(key.id, { add_quota: -100, description: 'trimmed' })).totalQuota).toBe(1000n);
    expect((await keys.update(key.id, { total_quota: 50, add_quota: 5 })).totalQuota).toBe(55n);
    // the addition and the edit's other fields land together, or not at all
    await expect(keys.update(key.id, { add_quota: -56, description: 'never' })).rejects.toMatchObject({ code: 'invalid_request' });
    expect((await repository.findById(key.id))!.description).toBe('trimmed');
  });
});

import type { Database } from '../database/database.js';
import type { ApiKey, Prisma } from '../generated/prisma/client.js';

export type ApiKeyRow = ApiKey;

/** A key id as the database writes it (checked before it is spliced into a statement). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The only code touching Prisma for issued client keys. */
export class ApiKeysRepository {
  constructor(private readonly db: Database) {}

  findByHash(keyHash: string): Promise<ApiKeyRow | null> {
    return this.db.prisma.apiKey.findUnique({ where: { keyHash } });
  }

  findById(id: string): Promise<ApiKeyRow | null> {
    return this.db.prisma.apiKey.findUnique({ where: { id } });
  }

  list(): Promise<ApiKeyRow[]> {
    return this.db.prisma.apiKey.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });
  }

  create(data: Prisma.ApiKeyCreateInput): Promise<ApiKeyRow> {
    return this.db.prisma.apiKey.create({ data });
  }

  update(id: string, data: Prisma.ApiKeyUpdateInput): Promise<ApiKeyRow> {
    return this.db.prisma.apiKey.update({ where: { id }, data });
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.prisma.apiKey.deleteMany({ where: { id } });
    return r.count > 0;
  }

  /** Per-model quota units charged to each key (the `model_stats` of gcli2api). */
  async modelStats(keyIds: string[]): Promise<Map<string, Record<string, number>>> {
    const out = new Map<string, Record<string, number>>();
    if (keyIds.length === 0) return out;
    const rows = await this.db.sql.query<{ api_key_id: string; requested_model: string; units: string }>(
      `SELECT api_key_id, requested_model, sum(cost)::text AS units FROM usage_records
       WHERE api_key_id = ANY($1::uuid[]) AND cost > 0 GROUP BY api_key_id, requested_model`,
      [keyIds],
    );
    for (const row of rows) {
      const stats = out.get(row.api_key_id) ?? {};
      stats[row.requested_model] = Number(row.units);
      out.set(row.api_key_id, stats);
    }
    return out;
  }

  /** Recent requests of a key, newest first. */
  recent(keyId: string, limit: number) {
    return this.db.prisma.usageRecord.findMany({
      where: { apiKeyId: keyId },
      orderBy: { createdAt: 'desc' },
      take: limit,
      select: { createdAt: true, requestedModel: true, cost: true, status: true, policy: true },
    });
  }

  /**
   * Recomputes a key's used quota from its usage rows (the ledger is the source of truth) and bumps
   * the epoch so every process reloads its counters instead of merging with stale ones.
   */
  async rebuildUsed(id: string): Promise<ApiKeyRow | null> {
    if (!UUID.test(id)) return null;
    // Two statements in one transaction: the row lock first (waiting for a ledger batch that is
    // charging the key), then the sum, read with a snapshot taken after that batch committed. In one
    // statement the sum would be read with the snapshot from before the wait and lose the batch.
    await this.db.sql.exec(
      `SELECT 1 FROM api_keys WHERE id = '${id}'::uuid FOR UPDATE;
       UPDATE api_keys k SET used_quota = COALESCE((SELECT sum(cost) FROM usage_records u WHERE u.api_key_id = k.id), 0)
         + COALESCE((SELECT sum(d.cost) FROM usage_daily d WHERE d.api_key_id = k.id::text
             AND d.day < (SELECT (s.value #>> '{}')::date FROM settings s WHERE s.key = '_usage_pruned_before')), 0),
         quota_epoch = quota_epoch + 1, updated_at = now()
       WHERE k.id = '${id}'::uuid`,
    );
    return this.findById(id);
  }

  /**
   * Applies an edit that adds to the key's total, in one statement: the addition is made by the
   * database (two admins adding at once both count) together with the edit's other fields; false when
   * the total would become negative or the key is gone.
   */
  async updateAdding(id: string, add: bigint, data: Prisma.ApiKeyUpdateManyMutationInput): Promise<boolean> {
    const r = await this.db.prisma.apiKey.updateMany({
      where: { id, totalQuota: { gte: -add } },
      data: { ...data, totalQuota: { increment: add } },
    });
    return r.count > 0;
  }

  /** The committed used quota and epoch of keys (for reconciling counters). */
  async usedOf(ids: string[]): Promise<Map<string, { used: number; total: number; epoch: number }>> {
    const rows = await this.db.sql.query<{ id: string; used_quota: string; total_quota: string; quota_epoch: number }>(
      `SELECT id, used_quota::text, total_quota::text, quota_epoch FROM api_keys WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, { used: Number(r.used_quota), total: Number(r.total_quota), epoch: Number(r.quota_epoch) }]));
  }

  /** Which of these request ids have a committed usage row, with the cost charged. */
  async committedCharges(requestIds: string[]): Promise<Map<string, number>> {
    if (requestIds.length === 0) return new Map();
    const rows = await this.db.sql.query<{ request_id: string; cost: number }>(
      `SELECT request_id, cost FROM usage_records WHERE request_id = ANY($1::text[])`,
      [requestIds],
    );
    return new Map(rows.map((r) => [r.request_id, Number(r.cost)]));
  }
}

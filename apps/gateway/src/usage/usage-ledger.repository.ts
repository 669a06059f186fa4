import type { SqlExecutor } from '../database/migration-applier.js';

/** How a request's charge was settled (written on every usage row). */
export type ChargePolicy =
  /** answered; charged the model's cost */
  | 'charged'
  /** failed before the upstream produced anything; nothing charged */
  | 'refunded'
  /** the client went away after the upstream started answering; charged */
  | 'abandoned_charged'
  /** not metered against a key (admin password) */
  | 'free';

export interface UsageEntry {
  requestId: string;
  apiKeyId: string | null;
  credentialId: string | null;
  requestedModel: string;
  model: string;
  protocol: string;
  stream: boolean;
  status: number;
  cost: number;
  policy: ChargePolicy;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  totalTokens: number;
  attempts: number;
  latencyMs: number;
  errorCode: string | null;
  createdAt: Date;
}

export interface KeyUsageAfterCommit {
  apiKeyId: string;
  usedQuota: number;
  quotaEpoch: number;
}

/**
 * One statement writes a batch of usage rows and adds their costs to the keys' used quota, atomically:
 * a request id already present is skipped (ON CONFLICT DO NOTHING), so replaying a batch after a fault
 * never charges twice, and the key counters always equal the sum of their rows.
 */
const INSERT_BATCH = `
WITH ins AS (
  INSERT INTO usage_records (request_id, api_key_id, credential_id, requested_model, model, protocol, stream, status,
    cost, policy, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, total_tokens, attempts, latency_ms,
    error_code, created_at)
  SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::int[],
    $9::int[], $10::text[], $11::int[], $12::int[], $13::int[], $14::int[], $15::int[], $16::int[], $17::int[],
    $18::text[], $19::timestamptz[])
  ON CONFLICT (request_id) DO NOTHING
  RETURNING api_key_id, cost, created_at
), agg AS (
  SELECT api_key_id, sum(cost)::bigint AS total, max(created_at) AS last_at FROM ins
  WHERE api_key_id IS NOT NULL GROUP BY api_key_id
)
UPDATE api_keys k SET used_quota = k.used_quota + agg.total, last_used_at = agg.last_at
FROM agg WHERE k.id = agg.api_key_id
RETURNING k.id AS api_key_id, k.used_quota::text AS used_quota, k.quota_epoch`;

export class UsageLedgerRepository {
  constructor(private readonly sql: SqlExecutor) {}

  async insertBatch(entries: readonly UsageEntry[]): Promise<KeyUsageAfterCommit[]> {
    const cols: unknown[][] = Array.from({ length: 19 }, () => []);
    for (const e of entries) {
      const row = [
        e.requestId,
        e.apiKeyId,
        e.credentialId,
        e.requestedModel,
        e.model,
        e.protocol,
        e.stream,
        e.status,
        e.cost,
        e.policy,
        e.promptTokens,
        e.completionTokens,
        e.reasoningTokens,
        e.cachedTokens,
        e.totalTokens,
        e.attempts,
        e.latencyMs,
        e.errorCode,
        e.createdAt.toISOString(),
      ];
      for (let i = 0; i < row.length; i++) cols[i]!.push(row[i]);
    }
    const rows = await this.sql.query<{ api_key_id: string; used_quota: string; quota_epoch: number }>(INSERT_BATCH, cols, 'cligate_usage_insert_batch');
    return rows.map((r) => ({ apiKeyId: r.api_key_id, usedQuota: Number(r.used_quota), quotaEpoch: Number(r.quota_epoch) }));
  }
}

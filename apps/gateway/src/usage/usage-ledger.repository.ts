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

const RECORD = `request_id text, api_key_id uuid, credential_id uuid, requested_model text, model text, protocol text,
  stream bool, status int, cost int, policy text, prompt_tokens int, completion_tokens int, reasoning_tokens int,
  cached_tokens int, total_tokens int, attempts int, latency_ms int, error_code text, created_at timestamptz`;

/**
 * One statement writes a batch of usage rows and adds their costs to the keys' used quota, atomically:
 * a request id already present is skipped (ON CONFLICT DO NOTHING), so replaying a batch after a fault
 * never charges twice, and the key counters always equal the sum of their rows. The batch travels as
 * one JSON parameter (serialised natively; 19 array parameters cost the driver an escaping pass per
 * element). `apiKeyId` is the expression that gives a row its key.
 */
function insertBatchSql(apiKeyId: string): string {
  return `
WITH ins AS (
  INSERT INTO usage_records (request_id, api_key_id, credential_id, requested_model, model, protocol, stream, status,
    cost, policy, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, total_tokens, attempts, latency_ms,
    error_code, created_at)
  SELECT r.request_id, ${apiKeyId}, r.credential_id, r.requested_model, r.model, r.protocol, r.stream, r.status, r.cost,
    r.policy, r.prompt_tokens, r.completion_tokens, r.reasoning_tokens, r.cached_tokens, r.total_tokens, r.attempts,
    r.latency_ms, r.error_code, r.created_at
  FROM json_to_recordset($1::json) AS r(${RECORD})
  ON CONFLICT (request_id) DO NOTHING
  RETURNING api_key_id, cost, created_at
), agg AS (
  SELECT api_key_id, sum(cost)::bigint AS total, max(created_at) AS last_at FROM ins
  WHERE api_key_id IS NOT NULL GROUP BY api_key_id
)
UPDATE api_keys k SET used_quota = k.used_quota + agg.total, last_used_at = agg.last_at
FROM agg WHERE k.id = agg.api_key_id
RETURNING k.id AS api_key_id, k.used_quota::text AS used_quota, k.quota_epoch`;
}

const INSERT_BATCH = insertBatchSql('r.api_key_id');
/**
 * The same for a batch that names a key deleted while its request ran (the foreign key refused the
 * batch): such rows are kept without their key, as the key's deletion does to the rows it already
 * had, and the batch's other rows go in as usual.
 */
const INSERT_BATCH_ORPHANS = insertBatchSql('(SELECT k.id FROM api_keys k WHERE k.id = r.api_key_id)');

/** Deadlock and serialization failure: the statement is idempotent, so it is simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const FOREIGN_KEY_VIOLATION = '23503';
const MAX_TRIES = 3;

interface CommittedRow {
  api_key_id: string;
  used_quota: string;
  quota_epoch: number;
}

export class UsageLedgerRepository {
  constructor(private readonly sql: SqlExecutor) {}

  async insertBatch(entries: readonly UsageEntry[]): Promise<KeyUsageAfterCommit[]> {
    const batch: Record<string, unknown>[] = [];
    for (const e of entries) {
      batch.push({
        request_id: e.requestId,
        api_key_id: e.apiKeyId,
        credential_id: e.credentialId,
        requested_model: e.requestedModel,
        model: e.model,
        protocol: e.protocol,
        stream: e.stream,
        status: e.status,
        cost: e.cost,
        policy: e.policy,
        prompt_tokens: e.promptTokens,
        completion_tokens: e.completionTokens,
        reasoning_tokens: e.reasoningTokens,
        cached_tokens: e.cachedTokens,
        total_tokens: e.totalTokens,
        attempts: e.attempts,
        latency_ms: e.latencyMs,
        error_code: e.errorCode,
        created_at: e.createdAt,
      });
    }
    const json = JSON.stringify(batch);
    let orphans = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const rows = orphans
          ? await this.sql.query<CommittedRow>(INSERT_BATCH_ORPHANS, [json])
          : await this.sql.query<CommittedRow>(INSERT_BATCH, [json], 'cligate_usage_insert_batch');
        return rows.map((r) => ({ apiKeyId: r.api_key_id, usedQuota: Number(r.used_quota), quotaEpoch: Number(r.quota_epoch) }));
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt >= MAX_TRIES) throw error;
        if (code === FOREIGN_KEY_VIOLATION) orphans = true;
        else if (!RETRYABLE.has(code as string)) throw error;
      }
    }
  }
}

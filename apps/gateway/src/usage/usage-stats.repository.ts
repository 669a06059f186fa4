import type { Database } from '../database/database.js';

export type UsageGroup = 'day' | 'model' | 'key' | 'credential';

export interface UsageFilter {
  since: Date;
  keyId?: string;
  credentialId?: string;
}

export interface UsageGroupRow {
  group: string | null;
  label: string | null;
  requests: number;
  errors: number;
  cost: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

const GROUP_SQL: Record<UsageGroup, { expr: string; label: string; join: string }> = {
  day: { expr: "to_char(date_trunc('day', u.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD')", label: 'NULL', join: '' },
  model: { expr: 'u.requested_model', label: 'NULL', join: '' },
  key: { expr: 'u.api_key_id::text', label: 'max(k.prefix)', join: 'LEFT JOIN api_keys k ON k.id = u.api_key_id' },
  credential: { expr: 'u.credential_id::text', label: 'max(c.email)', join: 'LEFT JOIN credentials c ON c.id = u.credential_id' },
};

/** Usage statistics straight from the ledger (usage_records), grouped in SQL. */
export class UsageStatsRepository {
  constructor(private readonly db: Database) {}

  private where(filter: UsageFilter, params: unknown[]): string {
    const clauses = [`u.created_at >= $${params.push(filter.since.toISOString())}::timestamptz`];
    if (filter.keyId) clauses.push(`u.api_key_id = $${params.push(filter.keyId)}::uuid`);
    if (filter.credentialId) clauses.push(`u.credential_id = $${params.push(filter.credentialId)}::uuid`);
    return clauses.join(' AND ');
  }

  async grouped(group: UsageGroup, filter: UsageFilter): Promise<UsageGroupRow[]> {
    const g = GROUP_SQL[group];
    const params: unknown[] = [];
    const rows = await this.db.sql.query<Record<string, string | null>>(
      `SELECT ${g.expr} AS "group", ${g.label} AS label, count(*)::text AS requests,
         count(*) FILTER (WHERE u.status >= 400)::text AS errors, coalesce(sum(u.cost), 0)::text AS cost,
         coalesce(sum(u.prompt_tokens), 0)::text AS prompt_tokens, coalesce(sum(u.completion_tokens), 0)::text AS completion_tokens,
         coalesce(sum(u.total_tokens), 0)::text AS total_tokens
       FROM usage_records u ${g.join} WHERE ${this.where(filter, params)}
       GROUP BY 1 ORDER BY 1`,
      params,
    );
    return rows.map((r) => ({
      group: r.group ?? null,
      label: r.label ?? null,
      requests: Number(r.requests),
      errors: Number(r.errors),
      cost: Number(r.cost),
      prompt_tokens: Number(r.prompt_tokens),
      completion_tokens: Number(r.completion_tokens),
      total_tokens: Number(r.total_tokens),
    }));
  }

  async totals(since: Date, todayStart: Date) {
    const rows = await this.db.sql.query<Record<string, string>>(
      `SELECT count(*)::text AS total_requests, coalesce(sum(cost), 0)::text AS total_cost,
         coalesce(sum(total_tokens), 0)::text AS total_tokens,
         count(*) FILTER (WHERE created_at >= $2::timestamptz)::text AS requests_today,
         count(DISTINCT api_key_id)::text AS active_keys, count(DISTINCT credential_id)::text AS credentials
       FROM usage_records WHERE created_at >= $1::timestamptz`,
      [since.toISOString(), todayStart.toISOString()],
    );
    const r = rows[0]!;
    return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)]));
  }

  /** Raw rows for CSV export, oldest first, capped. */
  async rows(filter: UsageFilter, limit: number) {
    const params: unknown[] = [];
    const where = this.where(filter, params);
    return this.db.sql.query<Record<string, unknown>>(
      `SELECT u.created_at, u.request_id, u.api_key_id, k.prefix AS key_prefix, u.credential_id, u.requested_model, u.model,
         u.protocol, u.stream, u.status, u.cost, u.policy, u.prompt_tokens, u.completion_tokens, u.reasoning_tokens,
         u.cached_tokens, u.total_tokens, u.attempts, u.latency_ms, u.error_code
       FROM usage_records u LEFT JOIN api_keys k ON k.id = u.api_key_id
       WHERE ${where} ORDER BY u.created_at, u.id LIMIT $${params.push(limit)}`,
      params,
    );
  }
}

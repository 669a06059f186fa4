import type { Database } from '../database/database.js';

const WATERMARK_KEY = '_usage_pruned_before';

const ROLLUP = `
INSERT INTO usage_daily (day, api_key_id, credential_id, model, requests, errors, cost, prompt_tokens, completion_tokens, total_tokens, updated_at)
SELECT (u.created_at AT TIME ZONE 'UTC')::date, coalesce(u.api_key_id::text, ''), coalesce(u.credential_id::text, ''), u.requested_model,
  count(*), count(*) FILTER (WHERE u.status >= 400), coalesce(sum(u.cost), 0), coalesce(sum(u.prompt_tokens), 0),
  coalesce(sum(u.completion_tokens), 0), coalesce(sum(u.total_tokens), 0), now()
FROM usage_records u
WHERE u.created_at >= $1::date AND u.created_at < $2::date
GROUP BY 1, 2, 3, 4
ON CONFLICT (day, api_key_id, credential_id, model) DO UPDATE SET
  requests = EXCLUDED.requests, errors = EXCLUDED.errors, cost = EXCLUDED.cost, prompt_tokens = EXCLUDED.prompt_tokens,
  completion_tokens = EXCLUDED.completion_tokens, total_tokens = EXCLUDED.total_tokens, updated_at = now()`;

/** SQL of the maintenance jobs (daily rollup, pruning, candidates for refresh and probes). */
export class MaintenanceRepository {
  constructor(private readonly db: Database) {}

  /** Recomputes usage_daily for the UTC days in [from, to): idempotent. */
  async rollup(from: string, to: string): Promise<number> {
    const rows = await this.db.sql.query<{ n: string }>(`WITH r AS (${ROLLUP} RETURNING 1) SELECT count(*)::text AS n FROM r`, [from, to]);
    return Number(rows[0]?.n ?? 0);
  }

  async watermark(): Promise<string | null> {
    const row = await this.db.prisma.setting.findUnique({ where: { key: WATERMARK_KEY } });
    return typeof row?.value === 'string' ? row.value : null;
  }

  /**
   * Rolls up every day before `cutoff` that still has rows, then deletes those rows and moves the
   * watermark, in one transaction: statistics and key rebuilds stay exact after pruning.
   */
  async prune(cutoff: string): Promise<number> {
    return this.db.prisma.$transaction(async (tx) => {
      const oldest = await tx.$queryRawUnsafe<Array<{ day: string | null }>>(
        `SELECT to_char(min(created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day FROM usage_records WHERE created_at < $1::date`,
        cutoff,
      );
      const from = oldest[0]?.day;
      if (!from) return 0;
      await tx.$executeRawUnsafe(ROLLUP, from, cutoff);
      const deleted = await tx.$executeRawUnsafe(`DELETE FROM usage_records WHERE created_at < $1::date`, cutoff);
      await tx.setting.upsert({ where: { key: WATERMARK_KEY }, create: { key: WATERMARK_KEY, value: cutoff }, update: { value: cutoff } });
      return deleted;
    });
  }

  /** Enabled credentials whose access token expires within `withinMs` (or is unknown). */
  async expiringCredentials(kind: string, withinMs: number): Promise<string[]> {
    const rows = await this.db.prisma.credential.findMany({
      where: { kind, enabled: true, OR: [{ accessTokenExpiresAt: null }, { accessTokenExpiresAt: { lt: new Date(Date.now() + withinMs) } }] },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  async credentialsWithoutEmail(kind: string): Promise<Array<{ id: string; proxyUrl: string | null }>> {
    return this.db.prisma.credential.findMany({ where: { kind, enabled: true, email: null }, select: { id: true, proxyUrl: true } });
  }

  /** Cooldowns that ended in the last day (durable copies), to probe once; `kind`: of that credential kind only. */
  async endedCooldowns(now: Date, kind?: string): Promise<Array<{ credentialId: string; model: string }>> {
    return this.db.prisma.credentialCooldown.findMany({
      where: { until: { lte: now, gt: new Date(now.getTime() - 86_400_000) }, ...(kind ? { credential: { kind } } : {}) },
      select: { credentialId: true, model: true },
      take: 50,
    });
  }

  /** Credentials auto-banned for a status that heals by itself (429, 5xx). */
  async transientlyDisabled(kind: string): Promise<Array<{ id: string }>> {
    const rows = await this.db.prisma.credential.findMany({
      where: { kind, enabled: false, disabledReason: { startsWith: 'auto-ban: upstream answered ' } },
      select: { id: true, disabledReason: true },
    });
    return rows.filter((r) => /^auto-ban: upstream answered (429|5\d\d)\b/.test(r.disabledReason ?? '')).map((r) => ({ id: r.id }));
  }
}

import type { ApiKeyRow } from './api-keys.repository.js';

/** gcli2api V2's key item, plus our fields; the key itself only as its display form. */
export function presentKey(row: ApiKeyRow, modelStats: Record<string, number> = {}) {
  const total = Number(row.totalQuota);
  const used = Number(row.usedQuota);
  return {
    id: row.id,
    api_key: row.prefix,
    prefix: row.prefix,
    total_quota: total,
    used_quota: used,
    remaining_quota: Math.max(0, total - used),
    usage_percentage: total > 0 ? Math.round((used / total) * 10_000) / 100 : 0,
    created_at: row.createdAt.toISOString(),
    description: row.description,
    enabled: row.enabled,
    expires_at: row.expiresAt?.toISOString() ?? null,
    allowed_models: row.allowedModels,
    rpm_limit: row.rpmLimit,
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    model_stats: modelStats,
  };
}

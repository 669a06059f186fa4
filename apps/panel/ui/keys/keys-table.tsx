'use client';

import type { ApiKeyItem } from '../../lib/api/types';
import { keyStatus, modelShares } from '../../lib/format/keys';
import { formatNumber, formatPercent } from '../../lib/format/numbers';
import { formatDateTime, formatRelative } from '../../lib/format/time';
import { useI18n } from '../../lib/i18n/i18n';
import { Badge } from '../shared/badge';
import { Button } from '../shared/button';
import { ProgressBar } from '../shared/progress-bar';

const STATUS_TONE = { active: 'green', disabled: 'gray', expired: 'amber', exhausted: 'red' } as const;

function ModelUsage({ stats }: { stats: Record<string, number> }) {
  const { lang } = useI18n();
  const shares = modelShares(stats);
  if (shares.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <ul className="flex flex-col gap-0.5 text-xs">
      {shares.slice(0, 4).map((s) => (
        <li key={s.model} className="flex justify-between gap-2">
          <span className="truncate font-mono text-slate-700" title={s.model}>
            {s.model}
          </span>
          <span className="tabular-nums text-slate-900">{formatNumber(s.units, lang)}</span>
        </li>
      ))}
      {shares.length > 4 && <li className="text-slate-400">+{shares.length - 4}</li>}
    </ul>
  );
}

/** Every key with its quota bar, per-model usage, last use and the edit / enable / delete buttons. */
export function KeysTable({ keys, now, busyId, onEdit, onToggle, onDelete }: { keys: ApiKeyItem[]; now: number; busyId: string | null; onEdit(k: ApiKeyItem): void; onToggle(k: ApiKeyItem): void; onDelete(k: ApiKeyItem): void }) {
  const { t, lang } = useI18n();
  return (
    <ul className="divide-y divide-slate-100">
      {keys.map((k) => {
        const status = keyStatus(k, now);
        return (
          <li key={k.id} className="grid gap-3 py-4 md:grid-cols-[minmax(0,1.3fr)_minmax(0,1.4fr)_minmax(0,1fr)_auto] md:items-start" data-testid="key-row" data-prefix={k.prefix} data-id={k.id}>
            <div className="min-w-0">
              <div className="flex flex-wrap items-center gap-2">
                <code className="font-mono text-sm text-slate-900">{k.api_key}</code>
                <Badge tone={STATUS_TONE[status]} data-testid="key-status" data-status={status}>
                  {t(`keys.status.${status}`)}
                </Badge>
              </div>
              {k.description && <div className="mt-1 truncate text-sm text-slate-600">{k.description}</div>}
              <div className="mt-1 text-xs text-slate-500">
                {t('keys.col.lastUsed')}: {k.last_used_at ? formatRelative(k.last_used_at, now, lang) : t('common.never')} · {t('keys.col.expires')}:{' '}
                {k.expires_at ? formatDateTime(k.expires_at, lang) : t('common.never')}
              </div>
            </div>
            <div>
              <div className="flex justify-between text-xs text-slate-600">
                <span data-testid="key-used" data-used={k.used_quota}>
                  {t('keys.used', { used: formatNumber(k.used_quota, lang), total: formatNumber(k.total_quota, lang) })}
                </span>
                <span className="tabular-nums">{formatPercent(k.usage_percentage)}</span>
              </div>
              <ProgressBar percent={k.usage_percentage} className="mt-1" label={t('keys.col.usage')} />
              <div className="mt-1 text-xs text-slate-500">{t('keys.remaining', { n: formatNumber(k.remaining_quota, lang) })}</div>
            </div>
            <div className="text-xs">
              <div className="mb-1 text-slate-500">{t('keys.col.models')}</div>
              <ModelUsage stats={k.model_stats} />
              <div className="mt-2 text-slate-500">
                {k.allowed_models.length ? k.allowed_models.join(', ') : t('keys.allModels')} · {k.rpm_limit ? t('keys.rpm', { n: k.rpm_limit }) : t('keys.noRpm')}
              </div>
            </div>
            <div className="flex flex-wrap gap-1 md:justify-end">
              <Button size="sm" onClick={() => onEdit(k)} data-testid="key-edit">
                {t('common.edit')}
              </Button>
              <Button size="sm" onClick={() => onToggle(k)} busy={busyId === k.id} data-testid="key-toggle">
                {k.enabled ? t('keys.action.disable') : t('keys.action.enable')}
              </Button>
              <Button size="sm" variant="ghost" className="text-red-600 hover:bg-red-50" onClick={() => onDelete(k)} data-testid="key-delete">
                {t('common.delete')}
              </Button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

'use client';

import type { KeyQueryAnswer } from '../../lib/api/types';
import { keyStatus, modelShares } from '../../lib/format/keys';
import { formatNumber, formatPercent } from '../../lib/format/numbers';
import { formatDateTime } from '../../lib/format/time';
import { useI18n } from '../../lib/i18n/i18n';
import { Badge } from '../shared/badge';
import { Card, StatCard } from '../shared/card';
import { ProgressBar } from '../shared/progress-bar';
import { Alert } from '../shared/states';

const STATUS_TONE = { active: 'green', disabled: 'gray', expired: 'amber', exhausted: 'red' } as const;

/** What a key's owner sees: totals, a usage bar, per-model usage and recent requests. */
export function KeyQueryResult({ answer, now }: { answer: KeyQueryAnswer; now: number }) {
  const { t, lang } = useI18n();
  const status = keyStatus(answer, now);
  const shares = modelShares(answer.model_stats);
  return (
    <div className="flex flex-col gap-4" data-testid="query-result">
      <Card
        title={
          <span className="flex flex-wrap items-center gap-2">
            <code className="font-mono text-sm">{answer.api_key}</code>
            <Badge tone={STATUS_TONE[status]}>{t(`keys.status.${status}`)}</Badge>
          </span>
        }
      >
        {answer.description && <p className="mb-3 text-sm text-slate-600">{answer.description}</p>}
        {!answer.enabled && (
          <div className="mb-3">
            <Alert tone="warning">{t('query.disabledNote')}</Alert>
          </div>
        )}
        <div className="grid grid-cols-3 gap-3">
          <StatCard label={t('query.total')} value={formatNumber(answer.total_quota, lang)} data-testid="query-total" />
          <StatCard label={t('query.used')} value={formatNumber(answer.used_quota, lang)} data-testid="query-used" data-value={answer.used_quota} />
          <StatCard label={t('query.remaining')} value={formatNumber(answer.remaining_quota, lang)} tone={answer.remaining_quota <= 0 ? 'bad' : 'good'} data-testid="query-remaining" />
        </div>
        <div className="mt-4 flex items-center gap-3">
          <ProgressBar percent={answer.usage_percentage} label={t('query.used')} />
          <span className="shrink-0 text-sm tabular-nums text-slate-700">{formatPercent(answer.usage_percentage)}</span>
        </div>
        <dl className="mt-4 grid grid-cols-2 gap-2 text-sm">
          <dt className="text-slate-500">{t('query.created')}</dt>
          <dd>{formatDateTime(answer.created_at, lang)}</dd>
          <dt className="text-slate-500">{t('query.expires')}</dt>
          <dd>{answer.expires_at ? formatDateTime(answer.expires_at, lang) : t('common.never')}</dd>
        </dl>
      </Card>
      <Card title={t('query.perModel')}>
        {shares.length === 0 ? (
          <p className="text-sm text-slate-500">{t('query.noModels')}</p>
        ) : (
          <ul className="flex flex-col gap-2" data-testid="query-models">
            {shares.map((s) => (
              <li key={s.model} className="text-sm" data-testid="query-model" data-model={s.model}>
                <div className="flex justify-between gap-2">
                  <span className="truncate font-mono text-xs">{s.model}</span>
                  <span className="tabular-nums">
                    {formatNumber(s.units, lang)} · {formatPercent(s.share, 0)}
                  </span>
                </div>
                <ProgressBar percent={s.share} tone="brand" className="mt-1" />
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title={t('query.recent')}>
        {answer.recent.length === 0 ? (
          <p className="text-sm text-slate-500">{t('query.noRecent')}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" data-testid="query-recent">
              <thead className="text-left text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="py-1 pr-3">{t('query.col.time')}</th>
                  <th className="py-1 pr-3">{t('query.col.model')}</th>
                  <th className="py-1 pr-3 text-right">{t('query.col.cost')}</th>
                  <th className="py-1">{t('query.col.status')}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {answer.recent.map((r, i) => (
                  <tr key={`${r.at}-${i}`} data-testid="query-recent-row">
                    <td className="whitespace-nowrap py-1.5 pr-3">{formatDateTime(r.at, lang)}</td>
                    <td className="py-1.5 pr-3 font-mono text-xs">{r.model}</td>
                    <td className="py-1.5 pr-3 text-right tabular-nums">{formatNumber(r.cost, lang)}</td>
                    <td className="py-1.5">{String(r.status)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}

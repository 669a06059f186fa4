'use client';

import { api } from '../../lib/api/client';
import type { AntigravityAccountModels, AntigravityModel } from '../../lib/api/types';
import { accountSummary, providerName, quotaPercent, quotaState, sortModels, type QuotaState } from '../../lib/format/antigravity';
import { formatNumber } from '../../lib/format/numbers';
import { formatDateTime, formatRelative } from '../../lib/format/time';
import { useAction } from '../../lib/hooks/use-action';
import { useNow } from '../../lib/hooks/use-now';
import { useResource } from '../../lib/hooks/use-resource';
import { useI18n } from '../../lib/i18n/i18n';
import { Badge } from '../shared/badge';
import { Button } from '../shared/button';
import { Dialog } from '../shared/dialog';
import { ProgressBar } from '../shared/progress-bar';
import { Alert, EmptyState, ErrorState, LoadingState } from '../shared/states';

const BAR_TONE: Record<QuotaState, 'ok' | 'warn' | 'critical' | 'brand'> = { ok: 'ok', low: 'warn', exhausted: 'critical', unknown: 'brand' };

function Percent({ fraction }: { fraction: number | null }) {
  const { t, lang } = useI18n();
  const p = quotaPercent(fraction);
  return <>{p === null ? t('quota.unknown') : `${formatNumber(p, lang)}%`}</>;
}

function ModelRow({ model, now }: { model: AntigravityModel; now: number }) {
  const { t, lang } = useI18n();
  const state = quotaState(model, now);
  const percent = quotaPercent(model.remaining_fraction);
  return (
    <tr className="align-top" data-testid="ag-model" data-model={model.id} data-remaining={model.remaining_fraction ?? ''} data-state={state}>
      <td className="py-2 pr-3">
        <div className="font-medium text-slate-900">{model.display_name ?? model.id}</div>
        <div className="font-mono text-xs text-slate-500">{model.id}</div>
      </td>
      <td className="whitespace-nowrap py-2 pr-3 text-slate-600">{providerName(model.provider) ?? '—'}</td>
      <td className="min-w-[9rem] py-2 pr-3">
        <div className="flex items-center gap-2">
          <ProgressBar percent={percent ?? 0} tone={BAR_TONE[state]} label={model.id} className="w-20" />
          <span className="whitespace-nowrap tabular-nums" data-testid="ag-model-remaining">
            <Percent fraction={model.remaining_fraction} />
          </span>
        </div>
        {state === 'exhausted' && (
          <Badge tone="red" className="mt-1" data-testid="ag-model-exhausted">
            {t('quota.state.exhausted')}
          </Badge>
        )}
        {state === 'low' && (
          <Badge tone="amber" className="mt-1">
            {t('quota.state.low')}
          </Badge>
        )}
      </td>
      <td className="whitespace-nowrap py-2 text-slate-600" title={model.reset_time ? formatDateTime(model.reset_time, lang) : undefined} data-testid="ag-model-reset">
        {model.reset_time ? formatRelative(model.reset_time, now, lang) : '—'}
      </td>
    </tr>
  );
}

function Account({ account, now, single }: { account: AntigravityAccountModels; now: number; single: boolean }) {
  const { t, lang } = useI18n();
  const summary = accountSummary(account, now);
  const models = sortModels(account.models);
  return (
    <section className="flex flex-col gap-2" data-testid="ag-account" data-filename={account.filename} data-email={account.email ?? ''}>
      {!single && (
        <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1 border-b border-slate-100 pb-1">
          <span className="font-semibold text-slate-900">{account.email ?? account.filename}</span>
          {account.project_id && <span className="font-mono text-xs text-slate-500">{account.project_id}</span>}
          {account.disabled && <Badge tone="gray">{t('quota.disabled')}</Badge>}
          {summary.models > 0 && (
            <span className="text-xs text-slate-600" data-testid="ag-account-summary">
              {t('quota.summary', {
                models: formatNumber(summary.models, lang),
                exhausted: formatNumber(summary.exhausted, lang),
                lowest: summary.lowest === null ? '—' : `${formatNumber(quotaPercent(summary.lowest) ?? 0, lang)}%`,
              })}
            </span>
          )}
        </div>
      )}
      <div className="flex flex-wrap gap-2 text-xs text-slate-500">
        {single && account.disabled && <Badge tone="gray">{t('quota.disabled')}</Badge>}
        {account.fetched_at && (
          <span data-testid="ag-account-listed" title={formatDateTime(account.fetched_at, lang)}>
            {t('quota.listed', { time: formatRelative(account.fetched_at, now, lang) })}
          </span>
        )}
      </div>
      {account.error && (
        <Alert tone="error" data-testid="ag-account-error">
          {t('quota.error', { message: account.error })}
        </Alert>
      )}
      {models.length > 0 ? (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="py-1.5 pr-3">{t('quota.col.model')}</th>
                <th className="py-1.5 pr-3">{t('quota.col.provider')}</th>
                <th className="py-1.5 pr-3">{t('quota.col.remaining')}</th>
                <th className="py-1.5">{t('quota.col.reset')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {models.map((m) => (
                <ModelRow key={m.id} model={m} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="text-slate-600" data-testid="ag-account-empty">
          {account.fetched_at ? t('quota.noModels') : t('quota.notListed')}
        </p>
      )}
    </section>
  );
}

/**
 * Antigravity accounts' models and quotas (GET /antigravity/models): one account (from its row) or
 * all of them, with "list again now" (POST /antigravity/models/refresh).
 */
export function AntigravityQuotaDialog({ filename, name, onClose, onRefreshed }: { filename?: string; name?: string; onClose(): void; onRefreshed?(): void }) {
  const { t } = useI18n();
  const now = useNow(15_000);
  const models = useResource((signal) => api.antigravity.models(signal), 'antigravity-models');
  const { busy, run } = useAction();
  const accounts = (models.data?.credentials ?? []).filter((c) => !filename || c.filename === filename);

  async function refresh() {
    const answer = await run(
      () => api.antigravity.refresh(),
      (r) => t('quota.refreshed', { refreshed: r.refreshed, failed: r.failed }),
    );
    if (answer) {
      // read again rather than take the answer: a first load still on its way would overwrite it
      await models.reload();
      // exhausted models become cooldowns of the account: the table shows them
      onRefreshed?.();
    }
  }

  return (
    <Dialog
      open
      wide
      title={filename ? t('quota.titleOne', { name: name ?? filename }) : t('quota.title')}
      onClose={onClose}
      data-testid="ag-quota-dialog"
      footer={
        <>
          <Button className="mr-auto" busy={busy} onClick={() => void refresh()} data-testid="ag-quota-refresh">
            {t('quota.refresh')}
          </Button>
          <Button onClick={onClose}>{t('common.close')}</Button>
        </>
      }
    >
      <p className="mb-4 text-slate-600">{t('quota.subtitle')}</p>
      {models.loading && !models.data ? (
        <LoadingState />
      ) : models.error && !models.data ? (
        <ErrorState error={models.error} onRetry={() => void models.reload()} />
      ) : accounts.length === 0 ? (
        <EmptyState title={t('quota.empty')} />
      ) : (
        <div className="flex flex-col gap-6">
          {accounts.map((a) => (
            <Account key={a.filename} account={a} now={now} single={!!filename} />
          ))}
        </div>
      )}
    </Dialog>
  );
}

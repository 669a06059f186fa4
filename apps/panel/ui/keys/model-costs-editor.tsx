'use client';

import { useState } from 'react';
import { api } from '../../lib/api/client';
import { useAction } from '../../lib/hooks/use-action';
import { useModelCosts } from '../../lib/hooks/use-keys';
import { formatNumber } from '../../lib/format/numbers';
import { useI18n } from '../../lib/i18n/i18n';
import { Button } from '../shared/button';
import { Card } from '../shared/card';
import { Input } from '../shared/field';
import { EmptyState, ErrorState, LoadingState } from '../shared/states';

/** The model cost table: units charged per request, per model; unlisted models cost the default. */
export function ModelCostsEditor() {
  const { t, lang } = useI18n();
  const costs = useModelCosts();
  const { busy, run } = useAction();
  const [model, setModel] = useState('');
  const [cost, setCost] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    const n = Number(cost);
    if (!model.trim() || cost.trim() === '' || !Number.isFinite(n) || n < 0) return setError(t('costs.invalid'));
    setError(null);
    const ok = await run(() => api.costs.set(model.trim(), n), t('costs.saved', { model: model.trim() }));
    if (ok) {
      setModel('');
      setCost('');
      await costs.reload();
    }
  }

  const entries = Object.entries(costs.data?.model_costs ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Card title={t('costs.title')}>
      {costs.loading && !costs.data ? (
        <LoadingState />
      ) : costs.error && !costs.data ? (
        <ErrorState error={costs.error} onRetry={() => void costs.reload()} />
      ) : (
        <>
          <p className="mb-3 text-sm text-slate-600">{t('costs.subtitle', { cost: costs.data?.default_cost ?? 1 })}</p>
          {entries.length === 0 ? (
            <EmptyState title={t('costs.empty')} />
          ) : (
            <table className="mb-4 w-full text-sm" data-testid="costs-table">
              <thead className="text-left text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="py-1">{t('costs.model')}</th>
                  <th className="py-1 text-right">{t('costs.cost')}</th>
                  <th />
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {entries.map(([name, value]) => (
                  <tr key={name} data-testid="cost-row" data-model={name}>
                    <td className="py-1.5 font-mono text-xs">{name}</td>
                    <td className="py-1.5 text-right tabular-nums">{formatNumber(value, lang)}</td>
                    <td className="py-1.5 text-right">
                      <Button size="sm" variant="ghost" onClick={() => { setModel(name); setCost(String(value)); }}>
                        {t('common.edit')}
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        className="text-red-600"
                        onClick={() => void run(() => api.costs.remove(name), t('costs.removed', { model: name })).then(() => costs.reload())}
                      >
                        {t('common.delete')}
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <form onSubmit={save} className="flex flex-col gap-2 sm:flex-row">
            <Input placeholder={t('costs.model')} value={model} onChange={(e) => setModel(e.target.value)} aria-label={t('costs.model')} data-testid="cost-model" />
            <Input placeholder={t('costs.cost')} inputMode="decimal" value={cost} onChange={(e) => setCost(e.target.value)} aria-label={t('costs.cost')} className="sm:!w-40" data-testid="cost-value" />
            <Button type="submit" busy={busy} data-testid="cost-save">
              {t('costs.add')}
            </Button>
          </form>
          {error && <p className="mt-2 text-sm text-red-600">{error}</p>}
        </>
      )}
    </Card>
  );
}

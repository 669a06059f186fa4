'use client';

import { useState } from 'react';
import type { UsageRow } from '../../../../lib/api/types';
import { fillDays, topN } from '../../../../lib/format/charts';
import { formatCompact, formatNumber } from '../../../../lib/format/numbers';
import { useUsage } from '../../../../lib/hooks/use-usage';
import { useI18n } from '../../../../lib/i18n/i18n';
import { BarChart, BarList } from '../../../../ui/usage/bar-chart';
import { Card, PageHeader, StatCard } from '../../../../ui/shared/card';
import { Select } from '../../../../ui/shared/field';
import { EmptyState, ErrorState, LoadingState } from '../../../../ui/shared/states';

type Metric = 'requests' | 'cost' | 'tokens';

const metricOf = (metric: Metric) => (r: UsageRow) => (metric === 'tokens' ? r.total_tokens : metric === 'cost' ? r.cost : r.requests);

function emptyRow(group: string | null): UsageRow {
  return { group, requests: 0, cost: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
}

function sumRows(rows: UsageRow[], group: string): UsageRow {
  return rows.reduce(
    (acc, r) => ({
      ...acc,
      requests: acc.requests + r.requests,
      cost: acc.cost + r.cost,
      prompt_tokens: acc.prompt_tokens + r.prompt_tokens,
      completion_tokens: acc.completion_tokens + r.completion_tokens,
      total_tokens: acc.total_tokens + r.total_tokens,
    }),
    emptyRow(group),
  );
}

export function UsagePageClient() {
  const { t, lang } = useI18n();
  const [days, setDays] = useState(30);
  const [metric, setMetric] = useState<Metric>('requests');
  const usage = useUsage(days);
  const value = metricOf(metric);
  const fmt = (v: number) => formatNumber(v, lang);

  const categorical = (rows: UsageRow[], name: (r: UsageRow) => string) =>
    topN(rows, value, 10, (rest) => ({ ...sumRows(rest, '__other__'), label: t('usage.other', { n: rest.length }) })).map((r) => ({
      label: r.group === '__other__' ? (r.label ?? '') : name(r),
      value: value(r),
      title: `${r.label ?? r.group ?? ''}: ${fmt(r.requests)} ${t('usage.metric.requests')}, ${fmt(r.cost)} ${t('usage.metric.cost')}, ${fmt(r.total_tokens)} ${t('usage.metric.tokens')}`,
    }));

  const report = usage.data;
  return (
    <>
      <PageHeader
        title={t('usage.title')}
        subtitle={t('usage.subtitle')}
        actions={
          <>
            <Select className="!w-auto" value={days} onChange={(e) => setDays(Number(e.target.value))} aria-label={t('usage.range', { days })} data-testid="usage-days">
              {[7, 30, 90].map((d) => (
                <option key={d} value={d}>
                  {t('usage.range', { days: d })}
                </option>
              ))}
            </Select>
            <Select className="!w-auto" value={metric} onChange={(e) => setMetric(e.target.value as Metric)} aria-label="metric" data-testid="usage-metric">
              <option value="requests">{t('usage.metric.requests')}</option>
              <option value="cost">{t('usage.metric.cost')}</option>
              <option value="tokens">{t('usage.metric.tokens')}</option>
            </Select>
          </>
        }
      />
      {usage.loading && !report ? (
        <LoadingState />
      ) : usage.error && !report ? (
        <ErrorState error={usage.error} onRetry={() => void usage.reload()} />
      ) : report ? (
        <>
          <div className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
            <StatCard label={t('usage.metric.requests')} value={formatNumber(report.totals.total_requests, lang)} data-testid="usage-total-requests" />
            <StatCard label={t('usage.metric.cost')} value={formatNumber(report.totals.total_cost, lang)} />
            <StatCard label={t('usage.metric.tokens')} value={formatCompact(report.totals.total_tokens, lang)} />
            <StatCard label={t('usage.totals.today')} value={formatNumber(report.totals.requests_today, lang)} />
            <StatCard label={t('usage.totals.activeKeys')} value={formatNumber(report.totals.active_keys, lang)} />
            <StatCard label={t('usage.totals.credentials')} value={formatNumber(report.totals.credentials, lang)} />
          </div>
          <div className="grid gap-6 lg:grid-cols-2">
            <Card title={`${t('usage.chart.day')} · ${t(`usage.metric.${metric}`)}`} className="lg:col-span-2">
              {report.byGroup.day.length === 0 ? (
                <EmptyState title={t('usage.empty')} />
              ) : (
                <BarChart
                  data-testid="chart-day"
                  integer={metric !== 'cost'}
                  format={(v) => formatCompact(v, lang)}
                  points={fillDays(report.byGroup.day, days, new Date(), emptyRow).map((r) => ({
                    label: (r.group ?? '').slice(5),
                    value: value(r),
                    title: `${r.group}: ${fmt(r.requests)} ${t('usage.metric.requests')}, ${fmt(r.cost)} ${t('usage.metric.cost')}, ${fmt(r.total_tokens)} ${t('usage.metric.tokens')}`,
                  }))}
                />
              )}
            </Card>
            {(
              [
                ['model', (r: UsageRow) => r.group ?? t('usage.unknown')],
                ['key', (r: UsageRow) => r.label ?? (r.group ? r.group.slice(0, 8) : t('usage.noKey'))],
                ['credential', (r: UsageRow) => r.label ?? r.group?.slice(0, 8) ?? t('usage.unknown')],
              ] as const
            ).map(([group, name]) => (
              <Card key={group} title={`${t(`usage.chart.${group}`)} · ${t(`usage.metric.${metric}`)}`}>
                {report.byGroup[group].length === 0 ? (
                  <EmptyState title={t('usage.empty')} />
                ) : (
                  <BarList rows={categorical(report.byGroup[group], name)} format={fmt} data-testid={`chart-${group}`} />
                )}
              </Card>
            ))}
          </div>
        </>
      ) : null}
    </>
  );
}

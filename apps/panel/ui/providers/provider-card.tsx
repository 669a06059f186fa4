'use client';

import type { ProviderItem } from '../../lib/api/types';
import { useI18n } from '../../lib/i18n/i18n';
import { Badge } from '../shared/badge';
import { Button } from '../shared/button';
import { Toggle } from '../shared/field';
import { ProviderTestResult, type ProviderTestOutcome } from './provider-test-result';

interface Props {
  provider: ProviderItem;
  busy: string | null;
  test?: ProviderTestOutcome;
  onToggle(enabled: boolean): void;
  onTest(): void;
  onDismissTest(): void;
  onEdit(): void;
  onAddKeys(): void;
  onDelete(): void;
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-1 sm:grid-cols-[8rem_1fr] sm:gap-3">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="min-w-0 text-sm text-slate-800">{children}</dd>
    </div>
  );
}

/** One admin-defined provider: what it serves, where, with how many keys, and what can be done to it. */
export function ProviderCard({ provider: p, busy, test, ...on }: Props) {
  const { t } = useI18n();
  const is = (a: string) => busy === `${p.name}:${a}`;
  const headerNames = Object.keys(p.headers);
  return (
    <li className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="provider-row" data-name={p.name} data-enabled={String(p.enabled)}>
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="font-mono text-base font-semibold text-slate-900" data-testid="provider-name">
          {p.name}
        </h3>
        <Badge tone="blue" data-testid="provider-wire" data-wire={p.wire}>
          {t(`providers.wire.${p.wire}`)}
        </Badge>
        <Badge tone={p.enabled ? 'green' : 'gray'} data-testid="provider-state">
          {p.enabled ? t('providers.enabled') : t('providers.disabled')}
        </Badge>
        <div className="ml-auto flex items-center gap-2">
          <Toggle checked={p.enabled} disabled={is('toggle')} onChange={on.onToggle} label={t('providers.toggle', { name: p.name })} data-testid="provider-toggle" />
        </div>
      </div>
      <dl className="mt-3 flex flex-col gap-2">
        <Row label={t('providers.field.baseUrl')}>
          <span className="break-all font-mono text-xs" data-testid="provider-base-url">
            {p.base_url}
          </span>
        </Row>
        <Row label={t('providers.field.models')}>
          {p.models.length === 0 ? (
            <span className="text-amber-700">{t('providers.noModels')}</span>
          ) : (
            <ul className="flex flex-wrap gap-1" data-testid="provider-models">
              {p.models.map((m) => (
                <li key={m.id} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800" data-testid="provider-model" data-id={m.id} data-upstream={m.upstream}>
                  {m.id}
                  {m.upstream !== m.id && <span className="text-slate-500"> → {m.upstream}</span>}
                </li>
              ))}
            </ul>
          )}
        </Row>
        <Row label={t('providers.field.prefix')}>
          {p.prefix ? (
            <code className="text-xs" data-testid="provider-prefix">
              {p.prefix}/
            </code>
          ) : (
            <span className="text-slate-400">{t('providers.noPrefix')}</span>
          )}
        </Row>
        {headerNames.length > 0 && (
          <Row label={t('providers.field.headers')}>
            <span className="font-mono text-xs" data-testid="provider-headers">
              {headerNames.map((h) => `${h}: ${p.headers[h]}`).join(' · ')}
            </span>
          </Row>
        )}
        {p.proxy && (
          <Row label={t('providers.field.proxy')}>
            <span className="break-all font-mono text-xs" data-testid="provider-proxy">
              {p.proxy}
            </span>
          </Row>
        )}
        <Row label={t('providers.field.keys')}>
          <span data-testid="provider-keys" data-enabled={p.keys.enabled} data-total={p.keys.total} className={p.keys.enabled === 0 ? 'text-amber-700' : undefined}>
            {t('providers.keys', { enabled: p.keys.enabled, total: p.keys.total })}
          </span>
        </Row>
      </dl>
      <div className="mt-3 flex flex-wrap gap-1">
        <Button size="sm" onClick={on.onTest} busy={is('test')} data-testid="provider-test">
          {t('providers.action.test')}
        </Button>
        <Button size="sm" onClick={on.onAddKeys} data-testid="provider-add-keys">
          {t('providers.action.addKeys')}
        </Button>
        {/* a full load: the credentials page reads its filter from the address */}
        <a
          href="/dashboard/?kind=openai-compat"
          className="inline-flex items-center rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-800 hover:bg-slate-50"
          data-testid="provider-show-keys"
        >
          {t('providers.action.keys')}
        </a>
        <Button size="sm" onClick={on.onEdit} data-testid="provider-edit">
          {t('common.edit')}
        </Button>
        <Button size="sm" variant="ghost" className="text-red-600 hover:bg-red-50" onClick={on.onDelete} data-testid="provider-delete">
          {t('common.delete')}
        </Button>
      </div>
      {test && <ProviderTestResult provider={p} outcome={test} onDismiss={on.onDismissTest} />}
    </li>
  );
}

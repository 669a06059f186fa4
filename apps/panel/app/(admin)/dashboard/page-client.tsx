'use client';

import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../../../lib/api/client';
import type { CooldownFilter, CredentialItem, CredentialsQuery, StatusFilter } from '../../../lib/api/types';
import { DEFAULT_CREDENTIALS_QUERY, useCredentialActions, useCredentials, type BulkAction } from '../../../lib/hooks/use-credentials';
import { useAccountSignIn } from '../../../lib/hooks/use-account-sign-in';
import { useNow } from '../../../lib/hooks/use-now';
import { useResource } from '../../../lib/hooks/use-resource';
import { kindOptions } from '../../../lib/format/credentials';
import { formatNumber } from '../../../lib/format/numbers';
import { useI18n } from '../../../lib/i18n/i18n';
import { AddAccountDialog } from '../../../ui/credentials/add-account-dialog';
import { AddKeyForm } from '../../../ui/credentials/add-key-form';
import { AntigravityQuotaDialog } from '../../../ui/credentials/antigravity-quota-dialog';
import { useKindLabel } from '../../../ui/credentials/credential-badges';
import { CredentialsTable } from '../../../ui/credentials/credentials-table';
import { ProxyDialog } from '../../../ui/credentials/proxy-dialog';
import { UploadDropzone } from '../../../ui/credentials/upload-dropzone';
import { Button } from '../../../ui/shared/button';
import { Card, PageHeader, StatCard } from '../../../ui/shared/card';
import { ConfirmDialog } from '../../../ui/shared/dialog';
import { Input, Select } from '../../../ui/shared/field';
import { Pagination } from '../../../ui/shared/pagination';
import { EmptyState, ErrorState, LoadingState } from '../../../ui/shared/states';

export function DashboardPageClient() {
  const { t, lang } = useI18n();
  const now = useNow(1_000);
  const [query, setQuery] = useState<CredentialsQuery>(DEFAULT_CREDENTIALS_QUERY);
  const [searchText, setSearchText] = useState('');
  const credentials = useCredentials(query);
  const totals = useResource((signal) => api.usage.aggregated(1, signal), 'today', { intervalMs: 30_000 });
  const actions = useCredentialActions(credentials.reload);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirmDelete, setConfirmDelete] = useState<string[] | null>(null);
  const [proxyFor, setProxyFor] = useState<CredentialItem | null>(null);
  const kindLabel = useKindLabel();
  const [addingAccount, setAddingAccount] = useState(false);
  const closeAddAccount = useCallback(() => setAddingAccount(false), []);
  const signIn = useAccountSignIn(() => void credentials.reload());
  /** the Antigravity account whose models and quotas are shown ('all': every account) */
  const [quotaFor, setQuotaFor] = useState<CredentialItem | 'all' | null>(null);
  const closeQuota = useCallback(() => setQuotaFor(null), []);

  // a link may open the page on one kind (the providers page links to its keys: ?kind=openai-compat&search=…)
  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const kind = params.get('kind') ?? '';
    const search = params.get('search') ?? '';
    if (kind || search) {
      setQuery((q) => ({ ...q, kind, search, offset: 0 }));
      setSearchText(search);
    }
  }, []);

  // search as you type, a moment after the last key
  useEffect(() => {
    const timer = setTimeout(() => setQuery((q) => (q.search === searchText ? q : { ...q, search: searchText, offset: 0 })), 300);
    return () => clearTimeout(timer);
  }, [searchText]);

  const page = credentials.data;
  const items = page?.items ?? [];
  // drop selections that are no longer on the page
  useEffect(() => {
    setSelected((s) => {
      const names = new Set(items.map((i) => i.filename));
      const kept = [...s].filter((n) => names.has(n));
      return kept.length === s.size ? s : new Set(kept);
    });
  }, [items]);

  const selectedList = useMemo(() => [...selected], [selected]);
  const runBulk = (action: BulkAction) => {
    if (action === 'delete') setConfirmDelete(selectedList);
    else void actions.bulk(selectedList, action).then(() => setSelected(new Set()));
  };
  const onAction = (item: CredentialItem, action: BulkAction, model?: string) => {
    if (action === 'delete') setConfirmDelete([item.filename]);
    else void actions.single(item, action, model);
  };

  return (
    <>
      <PageHeader
        title={t('creds.title')}
        subtitle={t('creds.subtitle')}
        actions={
          <>
            <Button variant="primary" onClick={() => setAddingAccount(true)} data-testid="creds-add-account">
              {t('creds.addAccount')}
            </Button>
            {(page?.stats.kinds?.antigravity ?? 0) > 0 && (
              <Button onClick={() => setQuotaFor('all')} data-testid="creds-ag-quotas">
                {t('creds.agQuotas')}
              </Button>
            )}
            <Button onClick={() => void credentials.reload()} busy={credentials.refreshing && !!page}>
              {t('common.refresh')}
            </Button>
            <Button onClick={() => void actions.downloadAll()} busy={actions.busy === 'download-all'} disabled={!page || page.stats.total === 0} data-testid="download-all">
              {t('creds.downloadAll')}
            </Button>
          </>
        }
      />
      <div className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
        <StatCard label={t('creds.stats.total')} value={page ? formatNumber(page.stats.total, lang) : '…'} data-testid="stat-total" />
        <StatCard label={t('creds.stats.normal')} value={page ? formatNumber(page.stats.normal, lang) : '…'} tone="good" />
        <StatCard label={t('creds.stats.disabled')} value={page ? formatNumber(page.stats.disabled, lang) : '…'} tone={page?.stats.disabled ? 'bad' : 'default'} data-testid="stat-disabled" />
        <StatCard label={t('creds.stats.cooling')} value={page ? formatNumber(page.stats.cooling, lang) : '…'} tone={page?.stats.cooling ? 'warn' : 'default'} />
        <StatCard label={t('creds.stats.requestsToday')} value={totals.data ? formatNumber(totals.data.data.requests_today, lang) : '—'} />
      </div>

      <div className="mb-6 grid gap-6 xl:grid-cols-2">
        <UploadDropzone onUploaded={() => void credentials.reload()} />
        <AddKeyForm onAdded={() => void credentials.reload()} />
      </div>

      <Card>
        <div className="mb-4 flex flex-wrap items-end gap-3">
          <Input className="!w-full sm:!w-72" placeholder={t('creds.search')} value={searchText} onChange={(e) => setSearchText(e.target.value)} aria-label={t('creds.search')} data-testid="creds-search" />
          <Select
            className="!w-auto"
            aria-label={t('creds.filter.kind')}
            value={query.kind}
            onChange={(e) => setQuery((q) => ({ ...q, kind: e.target.value, offset: 0 }))}
            data-testid="creds-kind-filter"
          >
            <option value="">{`${t('creds.filter.kind')}: ${t('common.all')}`}</option>
            {kindOptions(page?.stats.kinds).map((k) => (
              <option key={k} value={k}>
                {page?.stats.kinds ? `${kindLabel(k)} (${formatNumber(page.stats.kinds[k] ?? 0, lang)})` : kindLabel(k)}
              </option>
            ))}
          </Select>
          <Select
            className="!w-auto"
            aria-label={t('creds.filter.status')}
            value={query.status_filter}
            onChange={(e) => setQuery((q) => ({ ...q, status_filter: e.target.value as StatusFilter, offset: 0 }))}
            data-testid="creds-status-filter"
          >
            <option value="all">{`${t('creds.filter.status')}: ${t('common.all')}`}</option>
            <option value="enabled">{t('creds.filter.enabled')}</option>
            <option value="disabled">{t('creds.filter.disabled')}</option>
          </Select>
          <Select
            className="!w-auto"
            aria-label={t('creds.filter.cooldown')}
            value={query.cooldown_filter}
            onChange={(e) => setQuery((q) => ({ ...q, cooldown_filter: e.target.value as CooldownFilter, offset: 0 }))}
          >
            <option value="all">{`${t('creds.filter.cooldown')}: ${t('common.all')}`}</option>
            <option value="in_cooldown">{t('creds.filter.inCooldown')}</option>
            <option value="no_cooldown">{t('creds.filter.noCooldown')}</option>
          </Select>
        </div>

        {selected.size > 0 && (
          <div className="mb-3 flex flex-wrap items-center gap-2 rounded-lg bg-blue-50 px-3 py-2 text-sm" data-testid="bulk-bar">
            <span className="font-medium text-blue-900">{t('creds.bulk.selected', { n: selected.size })}</span>
            {(['enable', 'disable', 'test', 'fetch_email', 'clear_cooldown'] as const).map((a) => (
              <Button key={a} size="sm" onClick={() => runBulk(a)} busy={actions.busy === `bulk:${a}`} data-testid={`bulk-${a}`}>
                {t(
                  a === 'fetch_email'
                    ? 'creds.action.fetchEmail'
                    : a === 'clear_cooldown'
                      ? 'creds.action.clearCooldown'
                      : (`creds.action.${a}` as const),
                )}
              </Button>
            ))}
            <Button size="sm" variant="danger" onClick={() => runBulk('delete')} data-testid="bulk-delete">
              {t('creds.action.delete')}
            </Button>
            {actions.progress && <span className="tabular-nums text-blue-900">{t('creds.bulk.progress', { done: actions.progress.done, total: actions.progress.total })}</span>}
            <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>
              {t('creds.bulk.clear')}
            </Button>
          </div>
        )}

        {credentials.loading && !page ? (
          <LoadingState />
        ) : credentials.error && !page ? (
          <ErrorState error={credentials.error} onRetry={() => void credentials.reload()} />
        ) : page && page.total === 0 && page.stats.total === 0 && !query.kind ? (
          <EmptyState title={t('creds.empty.title')} body={t('creds.empty.body')} />
        ) : page && items.length === 0 ? (
          <EmptyState title={t('creds.noMatch')} />
        ) : (
          <>
            <CredentialsTable
              items={items}
              now={now}
              selected={selected}
              busy={actions.busy}
              onSelect={(name, on) =>
                setSelected((s) => {
                  const next = new Set(s);
                  if (on) next.add(name);
                  else next.delete(name);
                  return next;
                })
              }
              onSelectAll={(on) => setSelected(on ? new Set(items.map((i) => i.filename)) : new Set())}
              onAction={onAction}
              onDownload={(item) => void actions.download(item.filename)}
              onDelete={(item) => setConfirmDelete([item.filename])}
              onProxy={setProxyFor}
              onQuota={setQuotaFor}
              tests={actions.tests}
              onDismissTest={actions.dismissTest}
            />
            {page && (
              <div className="mt-4">
                <Pagination
                  offset={page.offset}
                  limit={query.limit}
                  count={items.length}
                  total={page.total}
                  onOffset={(offset) => setQuery((q) => ({ ...q, offset }))}
                  onLimit={(limit) => setQuery((q) => ({ ...q, limit, offset: 0 }))}
                />
              </div>
            )}
          </>
        )}
      </Card>

      {proxyFor && (
        <ProxyDialog
          item={proxyFor}
          busy={actions.busy === `${proxyFor.filename}:proxy`}
          onClose={() => setProxyFor(null)}
          onSave={(proxy) => void actions.setProxy(proxyFor, proxy).then((saved) => saved && setProxyFor(null))}
        />
      )}

      {addingAccount && <AddAccountDialog signIn={signIn} onClose={closeAddAccount} />}

      {quotaFor && (
        <AntigravityQuotaDialog
          filename={quotaFor === 'all' ? undefined : quotaFor.filename}
          name={quotaFor === 'all' ? undefined : (quotaFor.user_email ?? quotaFor.filename)}
          onClose={closeQuota}
          onRefreshed={() => void credentials.reload()}
        />
      )}

      <ConfirmDialog
        open={confirmDelete !== null}
        title={t('creds.confirmDelete.title')}
        body={t('creds.confirmDelete.body', { n: confirmDelete?.length ?? 0 })}
        confirmLabel={t('creds.action.delete')}
        busy={actions.busy === 'bulk:delete'}
        onClose={() => setConfirmDelete(null)}
        onConfirm={() => {
          const names = confirmDelete ?? [];
          void actions.bulk(names, 'delete').then(() => {
            setConfirmDelete(null);
            setSelected(new Set());
          });
        }}
      />
    </>
  );
}

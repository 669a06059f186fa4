'use client';

import type { CredentialItem, TestAnswer } from '../../lib/api/types';
import type { BulkAction } from '../../lib/hooks/use-credentials';
import { formatNumber } from '../../lib/format/numbers';
import { formatRelative } from '../../lib/format/time';
import { useI18n } from '../../lib/i18n/i18n';
import { CooldownList } from './cooldown-list';
import { CredentialActions } from './credential-actions';
import { KindBadge, KindCell, StateBadge, TierBadge } from './credential-badges';
import { CredentialTestResult } from './test-result';

interface Props {
  items: CredentialItem[];
  now: number;
  selected: ReadonlySet<string>;
  busy: string | null;
  onSelect(filename: string, on: boolean): void;
  onSelectAll(on: boolean): void;
  onAction(item: CredentialItem, action: BulkAction, model?: string): void;
  onDownload(item: CredentialItem): void;
  onDelete(item: CredentialItem): void;
  onProxy(item: CredentialItem): void;
  /** models and quotas of an account of a kind that reports them (Antigravity) */
  onQuota(item: CredentialItem): void;
  /** the last test of each credential (by file name) */
  tests: Readonly<Record<string, TestAnswer>>;
  onDismissTest(filename: string): void;
}

function LastError({ item }: { item: CredentialItem }) {
  if (!item.last_error) return <span className="text-slate-400">—</span>;
  return (
    <div className="max-w-xs text-xs" title={item.last_error.message ?? undefined}>
      <span className="font-mono font-semibold text-red-700">{item.last_error.code}</span>{' '}
      <span className="line-clamp-2 text-slate-600">{item.last_error.message}</span>
    </div>
  );
}

function Account({ item }: { item: CredentialItem }) {
  const { t } = useI18n();
  return (
    <div className="min-w-0">
      <div className="truncate font-medium text-slate-900" title={item.user_email ?? undefined}>
        {item.user_email ?? <span className="italic text-slate-400">{t('creds.noEmail')}</span>}
      </div>
      <div className="truncate font-mono text-xs text-slate-500" title={item.filename}>
        {item.filename}
      </div>
    </div>
  );
}

/** The pool as a table on wide screens and as cards on phones. */
export function CredentialsTable(props: Props) {
  const { t, lang } = useI18n();
  const { items, now, selected } = props;
  const allSelected = items.length > 0 && items.every((i) => selected.has(i.filename));
  const checkbox = (item: CredentialItem) => (
    <input
      type="checkbox"
      className="h-4 w-4 accent-brand"
      checked={selected.has(item.filename)}
      onChange={(e) => props.onSelect(item.filename, e.target.checked)}
      aria-label={t('creds.select', { name: item.user_email ?? item.filename })}
    />
  );
  const actions = (item: CredentialItem) => (
    <>
      <CredentialActions
        item={item}
        busy={props.busy}
        onAction={(a) => props.onAction(item, a)}
        onDownload={() => props.onDownload(item)}
        onDelete={() => props.onDelete(item)}
        onProxy={() => props.onProxy(item)}
        onQuota={() => props.onQuota(item)}
      />
      {props.tests[item.filename] && <CredentialTestResult result={props.tests[item.filename]!} onDismiss={() => props.onDismissTest(item.filename)} />}
    </>
  );
  return (
    <>
      <div className="hidden overflow-x-auto md:block">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="w-8 py-2 pr-2">
                <input type="checkbox" className="h-4 w-4 accent-brand" checked={allSelected} onChange={(e) => props.onSelectAll(e.target.checked)} aria-label={t('creds.selectAll')} />
              </th>
              <th className="py-2 pr-3">{t('creds.col.account')}</th>
              <th className="py-2 pr-3">{t('creds.col.kind')}</th>
              <th className="py-2 pr-3">{t('creds.col.project')}</th>
              <th className="py-2 pr-3">{t('creds.col.tier')}</th>
              <th className="py-2 pr-3">{t('creds.col.state')}</th>
              <th className="py-2 pr-3">{t('creds.col.cooldowns')}</th>
              <th className="py-2 pr-3">{t('creds.col.lastError')}</th>
              <th className="py-2 pr-3">{t('creds.col.lastSuccess')}</th>
              <th className="py-2 pr-3 text-right">{t('creds.col.calls')}</th>
              <th className="py-2">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {items.map((item) => (
              <tr key={item.id} className="align-top" data-testid="cred-row" data-filename={item.filename} data-email={item.user_email ?? ''} data-kind={item.backend_type}>
                <td className="py-3 pr-2">{checkbox(item)}</td>
                <td className="max-w-[16rem] py-3 pr-3">
                  <Account item={item} />
                </td>
                <td className="py-3 pr-3">
                  <KindCell item={item} />
                </td>
                <td className="py-3 pr-3 font-mono text-xs text-slate-700">{item.project_id ?? '—'}</td>
                <td className="py-3 pr-3">
                  <TierBadge tier={item.tier} kind={item.backend_type} />
                </td>
                <td className="py-3 pr-3">
                  <StateBadge item={item} />
                </td>
                <td className="py-3 pr-3">
                  <CooldownList item={item} now={now} onClear={(model) => props.onAction(item, 'clear_cooldown', model)} />
                </td>
                <td className="py-3 pr-3">
                  <LastError item={item} />
                </td>
                <td className="whitespace-nowrap py-3 pr-3 text-slate-600">{item.last_success ? formatRelative(item.last_success, now, lang) : t('common.never')}</td>
                <td className="py-3 pr-3 text-right tabular-nums">{formatNumber(item.call_count, lang)}</td>
                <td className="min-w-[14rem] py-3">{actions(item)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="flex flex-col gap-3 md:hidden">
        {items.map((item) => (
          <li key={item.id} className="rounded-lg border border-slate-200 p-3" data-testid="cred-card" data-filename={item.filename} data-kind={item.backend_type}>
            <div className="flex items-start gap-2">
              {checkbox(item)}
              <Account item={item} />
              <div className="ml-auto flex shrink-0 gap-1">
                <TierBadge tier={item.tier} kind={item.backend_type} />
                <StateBadge item={item} />
              </div>
            </div>
            <dl className="mt-2 grid grid-cols-2 gap-x-3 gap-y-1 text-xs">
              <dt className="text-slate-500">{t('creds.col.kind')}</dt>
              <dd className="flex flex-wrap gap-1">
                <KindBadge kind={item.backend_type} />
                {item.provider && <span className="font-mono">{item.provider}</span>}
              </dd>
              <dt className="text-slate-500">{t('creds.col.project')}</dt>
              <dd className="truncate font-mono">{item.project_id ?? '—'}</dd>
              <dt className="text-slate-500">{t('creds.col.lastSuccess')}</dt>
              <dd>{item.last_success ? formatRelative(item.last_success, now, lang) : t('common.never')}</dd>
              <dt className="text-slate-500">{t('creds.col.calls')}</dt>
              <dd className="tabular-nums">{formatNumber(item.call_count, lang)}</dd>
            </dl>
            {Object.keys(item.model_cooldowns).length > 0 && (
              <div className="mt-2">
                <CooldownList item={item} now={now} onClear={(model) => props.onAction(item, 'clear_cooldown', model)} />
              </div>
            )}
            {item.last_error && (
              <div className="mt-2">
                <LastError item={item} />
              </div>
            )}
            <div className="mt-3">{actions(item)}</div>
          </li>
        ))}
      </ul>
    </>
  );
}

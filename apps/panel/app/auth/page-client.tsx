'use client';

import { useEffect, useState } from 'react';
import { api } from '../../lib/api/client';
import { sessionToken } from '../../lib/api/session';
import { useResource } from '../../lib/hooks/use-resource';
import { useI18n } from '../../lib/i18n/i18n';
import { DonationFlow } from '../../ui/donation/donation-flow';
import { PublicShell } from '../../ui/layout/public-shell';
import { EmptyState, ErrorState, LoadingState } from '../../ui/shared/states';

/** The login-free donation page (gcli2api's /auth). */
export function DonationPageClient() {
  const { t } = useI18n();
  const info = useResource((signal) => api.donation.info(signal), 'donation-info');
  // a gateway without the endpoint (or an error) leaves the default kind only
  const types = useResource((signal) => api.donation.accountTypes(signal).catch(() => ({ types: [] })), 'donation-account-types');
  // an admin with a panel session in this tab (the credentials page links here): the gateway lets the
  // session through whether donations are open or need a password
  const [admin, setAdmin] = useState(false);
  useEffect(() => setAdmin(sessionToken() !== null), []);
  const data = info.data && admin ? { ...info.data, enabled: true, password_required: false } : info.data;
  return (
    <PublicShell>
      <h1 className="text-2xl font-semibold text-slate-900">{t('donate.title')}</h1>
      <p className="mt-1 text-sm text-slate-600">{t('donate.subtitle')}</p>
      <div className="mt-6">
        {info.loading && !info.data ? (
          <LoadingState />
        ) : info.error && !info.data ? (
          <ErrorState error={info.error} onRetry={() => void info.reload()} />
        ) : data && !data.enabled ? (
          <div data-testid="donation-closed">
            <EmptyState title={t('donate.closed.title')} body={t('donate.closed.body')} />
          </div>
        ) : data ? (
          <DonationFlow info={data} types={types.data?.types ?? []} admin={admin} />
        ) : null}
      </div>
    </PublicShell>
  );
}

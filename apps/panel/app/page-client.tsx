'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { sessionToken } from '../lib/api/session';
import { useI18n } from '../lib/i18n/i18n';
import type { MessageKey } from '../lib/i18n/translate';
import { PublicShell } from '../ui/layout/public-shell';
import { CopyButton } from '../ui/shared/copy-button';

const ENTRIES: Array<{ href: string; title: MessageKey; body: MessageKey; id: string }> = [
  { href: '/auth/', title: 'home.donate.title', body: 'home.donate.body', id: 'donate' },
  { href: '/api-key-query/', title: 'home.query.title', body: 'home.query.body', id: 'query' },
  { href: '/login/', title: 'home.admin.title', body: 'home.admin.body', id: 'admin' },
];

/** The front door: an admin with a session goes to the dashboard; everyone else picks what to do. */
export function HomePageClient() {
  const { t } = useI18n();
  const router = useRouter();
  const [origin, setOrigin] = useState('');
  useEffect(() => {
    if (sessionToken()) router.replace('/dashboard/');
    setOrigin(window.location.origin);
  }, [router]);
  return (
    <PublicShell>
      <h1 className="text-3xl font-semibold text-slate-900">{t('app.name')}</h1>
      <p className="mt-2 text-slate-600">{t('app.tagline')}</p>
      <div className="mt-8 grid gap-4 sm:grid-cols-3">
        {ENTRIES.map((e) => (
          <Link key={e.id} href={e.href} data-testid={`home-${e.id}`} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm transition hover:border-brand hover:shadow">
            <div className="font-semibold text-slate-900">{t(e.title)}</div>
            <div className="mt-1 text-sm text-slate-600">{t(e.body)}</div>
          </Link>
        ))}
      </div>
      <section className="mt-8 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <h2 className="font-semibold text-slate-900">{t('home.api.title')}</h2>
        <p className="mt-1 text-sm text-slate-600">{t('home.api.body')}</p>
        <div className="mt-3 flex flex-wrap items-center gap-2">
          <code className="rounded bg-slate-100 px-2 py-1 font-mono text-sm">{origin ? `${origin}/v1` : '/v1'}</code>
          {origin && <CopyButton text={`${origin}/v1`} />}
        </div>
      </section>
    </PublicShell>
  );
}

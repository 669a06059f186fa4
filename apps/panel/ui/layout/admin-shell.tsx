'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useAdminSession } from '../../lib/hooks/use-admin-session';
import { useI18n } from '../../lib/i18n/i18n';
import type { MessageKey } from '../../lib/i18n/translate';
import { Button } from '../shared/button';
import { LanguageSwitcher } from '../shared/language-switcher';
import { LoadingState } from '../shared/states';

const NAV: Array<{ href: string; key: MessageKey; id: string }> = [
  { href: '/dashboard/', key: 'nav.credentials', id: 'credentials' },
  { href: '/dashboard/providers/', key: 'nav.providers', id: 'providers' },
  { href: '/dashboard/usage/', key: 'nav.usage', id: 'usage' },
  { href: '/api-key-admin/', key: 'nav.keys', id: 'keys' },
  { href: '/dashboard/settings/', key: 'nav.settings', id: 'settings' },
  { href: '/dashboard/logs/', key: 'nav.logs', id: 'logs' },
  { href: '/dashboard/jobs/', key: 'nav.jobs', id: 'jobs' },
];

function isActive(pathname: string, href: string): boolean {
  const p = pathname.endsWith('/') ? pathname : `${pathname}/`;
  return href === '/dashboard/' ? p === '/dashboard/' : p.startsWith(href);
}

/** Frame of the admin pages: checks the session (else to the login page) and shows the navigation. */
export function AdminShell({ children }: { children: React.ReactNode }) {
  const { t } = useI18n();
  const pathname = usePathname() ?? '/';
  const { state, logout } = useAdminSession();
  return (
    <div className="min-h-screen">
      <header className="sticky top-0 z-40 border-b border-slate-200 bg-white/95 backdrop-blur">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2">
          <Link href="/dashboard/" className="text-lg font-semibold text-brand">
            {t('app.name')}
          </Link>
          <nav className="order-3 -mx-4 flex w-full gap-1 overflow-x-auto px-4 pb-1 text-sm md:order-none md:mx-0 md:w-auto md:px-0 md:pb-0" aria-label="main">
            {NAV.map((item) => (
              <Link
                key={item.href}
                href={item.href}
                data-testid={`nav-${item.id}`}
                aria-current={isActive(pathname, item.href) ? 'page' : undefined}
                className={`whitespace-nowrap rounded-md px-3 py-1.5 ${isActive(pathname, item.href) ? 'bg-slate-900 text-white' : 'text-slate-600 hover:bg-slate-100 hover:text-slate-900'}`}
              >
                {t(item.key)}
              </Link>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-2">
            <Link href="/auth/" className="hidden text-sm text-slate-600 hover:text-slate-900 lg:inline">
              {t('nav.donate')}
            </Link>
            <LanguageSwitcher />
            <Button size="sm" variant="ghost" onClick={() => void logout()} data-testid="logout">
              {t('nav.logout')}
            </Button>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-6">{state === 'authenticated' ? children : <LoadingState label={t('session.checking')} />}</main>
    </div>
  );
}

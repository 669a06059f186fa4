'use client';

import Link from 'next/link';
import { useI18n } from '../../lib/i18n/i18n';
import { LanguageSwitcher } from '../shared/language-switcher';

/** Header and frame of the pages anyone may open (home, login, donation, key lookup). */
export function PublicShell({ children, wide = false }: { children: React.ReactNode; wide?: boolean }) {
  const { t } = useI18n();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className={`mx-auto flex items-center justify-between gap-3 px-4 py-3 ${wide ? 'max-w-6xl' : 'max-w-3xl'}`}>
          <Link href="/" className="text-lg font-semibold text-brand">
            {t('app.name')}
          </Link>
          <nav className="flex items-center gap-3 text-sm">
            <Link className="hidden text-slate-600 hover:text-slate-900 sm:inline" href="/auth/">
              {t('nav.donate')}
            </Link>
            <Link className="hidden text-slate-600 hover:text-slate-900 sm:inline" href="/api-key-query/">
              {t('nav.query')}
            </Link>
            <LanguageSwitcher />
          </nav>
        </div>
      </header>
      <main className={`mx-auto px-4 py-8 ${wide ? 'max-w-6xl' : 'max-w-3xl'}`}>{children}</main>
    </div>
  );
}

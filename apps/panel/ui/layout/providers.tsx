'use client';

import { I18nProvider } from '../../lib/i18n/i18n';
import { ToastProvider } from '../shared/toast';

export function Providers({ children }: { children: React.ReactNode }) {
  return (
    <I18nProvider>
      <ToastProvider>{children}</ToastProvider>
    </I18nProvider>
  );
}

'use client';

import { ApiError } from '../../lib/api/http';
import { useI18n } from '../../lib/i18n/i18n';
import { Button } from './button';
import { Spinner } from './spinner';

export function LoadingState({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="flex items-center justify-center gap-2 py-10 text-sm text-slate-500" role="status" data-testid="loading">
      <Spinner />
      {label ?? t('common.loading')}
    </div>
  );
}

export function EmptyState({ title, body, children }: { title: string; body?: string; children?: React.ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center gap-1 py-10 text-center" data-testid="empty">
      <div className="text-sm font-medium text-slate-700">{title}</div>
      {body && <div className="max-w-md text-sm text-slate-500">{body}</div>}
      {children}
    </div>
  );
}

/** A readable message for any error of the API client. */
export function useErrorMessage(): (error: unknown) => string {
  const { t } = useI18n();
  return (error) => {
    if (error instanceof ApiError) {
      if (error.isNetwork) return t('common.networkError');
      if (error.status === 404 && /^No route for/.test(error.message)) return t('common.notAvailable');
      return error.message;
    }
    return error instanceof Error ? error.message : String(error);
  };
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const message = useErrorMessage()(error);
  return (
    <div className="flex flex-col items-center gap-3 py-8 text-center" role="alert" data-testid="error">
      <div className="text-sm font-medium text-red-700">{t('common.error')}</div>
      <div className="max-w-lg text-sm text-slate-600">{message}</div>
      {onRetry && (
        <Button size="sm" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      )}
    </div>
  );
}

export function Alert({ tone = 'info', children, ...rest }: { tone?: 'info' | 'success' | 'warning' | 'error'; children: React.ReactNode } & React.HTMLAttributes<HTMLDivElement>) {
  const color = {
    info: 'border-blue-200 bg-blue-50 text-blue-900',
    success: 'border-green-200 bg-green-50 text-green-900',
    warning: 'border-amber-200 bg-amber-50 text-amber-900',
    error: 'border-red-200 bg-red-50 text-red-900',
  }[tone];
  return (
    <div className={`rounded-lg border px-3 py-2 text-sm ${color}`} role={tone === 'error' ? 'alert' : 'status'} {...rest}>
      {children}
    </div>
  );
}

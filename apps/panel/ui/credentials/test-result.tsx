'use client';

import type { TestAnswer } from '../../lib/api/types';
import { useI18n } from '../../lib/i18n/i18n';

/** The last test of a credential: passed or failed, the upstream's status and message, models listed. */
export function CredentialTestResult({ result, onDismiss }: { result: TestAnswer; onDismiss(): void }) {
  const { t } = useI18n();
  const models = result.models ?? [];
  return (
    <div
      className={`mt-2 flex items-start gap-2 rounded-md border px-2 py-1.5 text-xs ${result.success ? 'border-green-200 bg-green-50 text-green-900' : 'border-red-200 bg-red-50 text-red-900'}`}
      data-testid="cred-test-result"
      data-success={String(result.success)}
      data-status={result.status}
    >
      <div className="min-w-0 flex-1">
        <div className="font-medium">
          {result.success ? t('creds.test.passed') : t('creds.test.failedShort')}
          {result.status ? ` · HTTP ${result.status}` : ''}
        </div>
        <div className="break-words" data-testid="cred-test-message">
          {result.message}
        </div>
        {models.length > 0 && (
          <div className="mt-0.5 break-words text-slate-600" title={models.join(', ')}>
            {t('creds.test.models', { n: models.length })}: {models.slice(0, 8).join(', ')}
            {models.length > 8 ? ', …' : ''}
          </div>
        )}
      </div>
      <button type="button" className="text-slate-400 hover:text-slate-700" aria-label={t('creds.test.dismiss')} title={t('creds.test.dismiss')} onClick={onDismiss}>
        ✕
      </button>
    </div>
  );
}

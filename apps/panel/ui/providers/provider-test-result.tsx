'use client';

import type { ProviderItem, ProviderTestAnswer } from '../../lib/api/types';
import { useI18n } from '../../lib/i18n/i18n';

export type ProviderTestOutcome = { answer: ProviderTestAnswer } | { error: string };

/** What "test" found: reachable or not, the upstream's message, and its model list against ours. */
export function ProviderTestResult({ provider, outcome, onDismiss }: { provider: ProviderItem; outcome: ProviderTestOutcome; onDismiss(): void }) {
  const { t } = useI18n();
  const answer = 'answer' in outcome ? outcome.answer : null;
  const success = answer?.success ?? false;
  const listed = answer?.models ?? [];
  const configured = new Set(provider.models.map((m) => m.upstream));
  const missing = answer?.success ? [...configured].filter((m) => !listed.includes(m)) : [];
  return (
    <div
      className={`mt-3 rounded-lg border px-3 py-2 text-sm ${success ? 'border-green-200 bg-green-50 text-green-900' : 'border-red-200 bg-red-50 text-red-900'}`}
      data-testid="provider-test-result"
      data-success={String(success)}
    >
      <div className="flex items-start gap-2">
        <div className="min-w-0 flex-1">
          <div className="font-medium" data-testid="provider-test-status">
            {answer ? (answer.success ? t('providers.test.ok', { status: answer.status }) : t('providers.test.failed', { status: answer.status })) : t('providers.test.error')}
          </div>
          <div className="break-words" data-testid="provider-test-message">
            {answer ? answer.message : 'error' in outcome ? outcome.error : ''}
          </div>
        </div>
        <button type="button" className="text-slate-400 hover:text-slate-700" aria-label={t('common.close')} title={t('common.close')} onClick={onDismiss}>
          ✕
        </button>
      </div>
      {answer?.success && (
        <div className="mt-2">
          <div className="text-xs font-medium text-slate-700">{t('providers.test.models', { n: listed.length })}</div>
          {listed.length === 0 ? (
            <div className="text-xs text-slate-600">{t('providers.test.noModels')}</div>
          ) : (
            <ul className="mt-1 flex max-h-40 flex-wrap gap-1 overflow-y-auto" data-testid="provider-test-models">
              {listed.map((m) => (
                <li
                  key={m}
                  data-testid="provider-test-model"
                  data-model={m}
                  data-configured={String(configured.has(m))}
                  className={`rounded px-1.5 py-0.5 font-mono text-xs ring-1 ring-inset ${configured.has(m) ? 'bg-white text-green-800 ring-green-300' : 'bg-white/60 text-slate-600 ring-slate-200'}`}
                  title={configured.has(m) ? t('providers.test.configured') : undefined}
                >
                  {configured.has(m) ? '✓ ' : ''}
                  {m}
                </li>
              ))}
            </ul>
          )}
          {missing.length > 0 && (
            <div className="mt-1 text-xs text-amber-800" data-testid="provider-test-missing">
              {t('providers.test.missing', { list: missing.join(', ') })}
            </div>
          )}
        </div>
      )}
    </div>
  );
}

'use client';

import type { JobFailure } from '../../lib/api/types';
import { recentFailures } from '../../lib/format/jobs';
import { formatDateTime, formatRelative } from '../../lib/format/time';
import { useI18n } from '../../lib/i18n/i18n';
import { Badge } from '../shared/badge';
import { EmptyState } from '../shared/states';
import { useJobText } from './job-card';

/** Runs that failed after their last retry, newest first (one row per failure, wraps on phones). */
export function FailuresList({ failed, now }: { failed: JobFailure[]; now: number }) {
  const { t, lang } = useI18n();
  const jobText = useJobText();
  const list = recentFailures(failed, 50);
  if (list.length === 0) return <EmptyState title={t('jobs.failures.empty')} />;
  return (
    <ul className="divide-y divide-slate-100" data-testid="job-failures-list">
      {list.map((f, i) => (
        <li key={`${f.name}-${f.at}-${i}`} className="flex flex-col gap-1 py-2.5 sm:flex-row sm:items-start sm:gap-4" data-testid="job-failure" data-name={f.name}>
          <div className="flex shrink-0 flex-wrap items-center gap-2 sm:w-64">
            <span className="font-medium text-slate-900">{jobText(f.name).title}</span>
            <Badge tone="red">{t('jobs.failures.attempts', { n: f.attempts })}</Badge>
          </div>
          <p className="min-w-0 flex-1 break-words font-mono text-xs text-red-700 sm:pt-0.5">{f.error}</p>
          <time className="shrink-0 text-xs text-slate-500 sm:pt-0.5" dateTime={f.at} title={formatDateTime(f.at, lang)}>
            {formatRelative(f.at, now, lang)}
          </time>
        </li>
      ))}
    </ul>
  );
}

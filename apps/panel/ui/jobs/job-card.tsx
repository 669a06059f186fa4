'use client';

import type { JobInfo } from '../../lib/api/types';
import { formatDuration, formatInterval, jobHealth, type JobHealth } from '../../lib/format/jobs';
import { formatNumber } from '../../lib/format/numbers';
import { formatDateTime, formatRelative } from '../../lib/format/time';
import type { JobRun } from '../../lib/hooks/use-jobs';
import { useI18n } from '../../lib/i18n/i18n';
import { isMessageKey } from '../../lib/i18n/translate';
import { Badge, type Tone } from '../shared/badge';
import { Button } from '../shared/button';
import { Spinner } from '../shared/spinner';
import { ResultList } from './result-list';

const HEALTH_TONE: Record<JobHealth, Tone> = { never: 'gray', ok: 'green', failing: 'red' };

/** The readable name and description of a job (its id when the panel does not know it). */
export function useJobText(): (name: string) => { title: string; description: string | null } {
  const { t } = useI18n();
  return (name) => {
    const titleKey = `jobs.name.${name}`;
    const descKey = `jobs.desc.${name}`;
    return { title: isMessageKey(titleKey) ? t(titleKey) : name, description: isMessageKey(descKey) ? t(descKey) : null };
  };
}

function Fact({ label, children, ...rest }: { label: string; children: React.ReactNode } & React.HTMLAttributes<HTMLElement>) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="truncate text-sm font-medium tabular-nums text-slate-900" {...rest}>
        {children}
      </dd>
    </div>
  );
}

/** What "Run now" is doing or did: elapsed time while running, then the result or the error. */
function RunOutcome({ run, now, onDismiss }: { run: JobRun; now: number; onDismiss(): void }) {
  const { t } = useI18n();
  if (run.status === 'running') {
    return (
      <div className="flex items-center gap-2 text-sm text-blue-800" role="status" data-testid="job-run-progress">
        <Spinner className="h-3.5 w-3.5" />
        <span className="tabular-nums">{t('jobs.running', { elapsed: formatDuration(Math.max(0, now - run.startedAt)) })}</span>
        <span className="h-1 flex-1 overflow-hidden rounded-full bg-blue-100" aria-hidden="true">
          <span className="block h-full w-1/3 animate-pulse rounded-full bg-brand" />
        </span>
      </div>
    );
  }
  const ok = run.status === 'success';
  const duration = formatDuration(run.finishedAt - run.startedAt);
  return (
    <div
      className={`rounded-lg border px-3 py-2 text-sm ${ok ? 'border-green-200 bg-green-50' : 'border-red-200 bg-red-50'}`}
      role={ok ? 'status' : 'alert'}
      data-testid="job-run-result"
      data-outcome={run.status}
    >
      <div className="mb-1 flex items-center justify-between gap-2">
        <span className={`font-medium ${ok ? 'text-green-800' : 'text-red-800'}`}>{ok ? t('jobs.run.success', { duration }) : t('jobs.run.failed', { duration })}</span>
        <button type="button" className="text-slate-400 hover:text-slate-700" onClick={onDismiss} aria-label={t('common.close')} title={t('common.close')}>
          ✕
        </button>
      </div>
      {ok ? (
        <ResultList result={run.result} empty={t('jobs.noDetails')} data-testid="job-run-output" />
      ) : (
        <p className="break-words font-mono text-xs text-red-800" data-testid="job-run-error">
          {run.error}
        </p>
      )}
    </div>
  );
}

/** One background job: what it does, how often, its last run, and "Run now". */
export function JobCard({ job, run, now, onRun, onDismiss }: { job: JobInfo; run: JobRun | undefined; now: number; onRun(): void; onDismiss(): void }) {
  const { t, lang } = useI18n();
  const text = useJobText()(job.name);
  const health = jobHealth(job);
  const running = run?.status === 'running';
  return (
    <article className="flex min-w-0 flex-col gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="job-card" data-name={job.name} data-health={health}>
      <header className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <h3 className="text-base font-semibold text-slate-900" data-testid="job-title">
            {text.title}
          </h3>
          <div className="truncate font-mono text-xs text-slate-500">{job.name}</div>
        </div>
        <Badge tone={HEALTH_TONE[health]} data-testid="job-health">
          {t(`jobs.health.${health}`)}
        </Badge>
      </header>
      {text.description && <p className="text-sm text-slate-600">{text.description}</p>}

      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 sm:grid-cols-4">
        <Fact label={t('jobs.field.interval')} data-testid="job-interval" title={`${job.everyMs} ms`}>
          {formatInterval(job.everyMs, lang)}
        </Fact>
        <Fact label={t('jobs.field.lastRun')} data-testid="job-last-run" title={job.lastRunAt ? formatDateTime(job.lastRunAt, lang) : undefined}>
          {job.lastRunAt ? formatRelative(job.lastRunAt, now, lang) : t('common.never')}
        </Fact>
        <Fact label={t('jobs.field.runs')} data-testid="job-runs" data-value={job.runs}>
          {formatNumber(job.runs, lang)}
        </Fact>
        <Fact label={t('jobs.field.failures')} data-testid="job-failures" data-value={job.failures}>
          <span className={job.failures > 0 ? 'text-red-700' : undefined}>{formatNumber(job.failures, lang)}</span>
        </Fact>
      </dl>

      <div>
        <div className="mb-1 text-xs text-slate-500">{t('jobs.field.lastResult')}</div>
        <ResultList result={job.lastResult} empty={job.lastRunAt ? t('jobs.noDetails') : t('jobs.notRunYet')} data-testid="job-last-result" />
      </div>

      {job.lastError && (
        <div className="rounded-md bg-red-50 px-3 py-2 ring-1 ring-inset ring-red-200">
          <div className="text-xs font-medium text-red-800">{t('jobs.field.lastError')}</div>
          <p className="line-clamp-3 break-words font-mono text-xs text-red-700" title={job.lastError} data-testid="job-last-error">
            {job.lastError}
          </p>
        </div>
      )}

      <div className="mt-auto flex flex-col gap-2 border-t border-slate-100 pt-3">
        <div>
          <Button size="sm" variant="primary" busy={running} onClick={onRun} data-testid="job-run" aria-label={`${t('jobs.run')}: ${text.title}`}>
            {t('jobs.run')}
          </Button>
        </div>
        {run && <RunOutcome run={run} now={now} onDismiss={onDismiss} />}
      </div>
    </article>
  );
}

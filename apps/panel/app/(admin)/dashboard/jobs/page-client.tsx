'use client';

import { orderedCounts } from '../../../../lib/format/jobs';
import { formatNumber } from '../../../../lib/format/numbers';
import { formatRelative } from '../../../../lib/format/time';
import { JOBS_REFRESH_MS, useJobRuns, useJobs } from '../../../../lib/hooks/use-jobs';
import { useNow } from '../../../../lib/hooks/use-now';
import { useI18n } from '../../../../lib/i18n/i18n';
import { isMessageKey } from '../../../../lib/i18n/translate';
import { FailuresList } from '../../../../ui/jobs/failures-list';
import { JobCard } from '../../../../ui/jobs/job-card';
import { Badge } from '../../../../ui/shared/badge';
import { Button } from '../../../../ui/shared/button';
import { Card, PageHeader, StatCard } from '../../../../ui/shared/card';
import { Alert, EmptyState, ErrorState, LoadingState, useErrorMessage } from '../../../../ui/shared/states';

export function JobsPageClient() {
  const { t, lang } = useI18n();
  const now = useNow(1_000);
  const jobs = useJobs();
  const runs = useJobRuns(jobs.reload);
  const describe = useErrorMessage();
  const status = jobs.data;

  const countLabel = (state: string) => {
    const key = `jobs.count.${state}`;
    return isMessageKey(key) ? t(key) : state;
  };

  return (
    <>
      <PageHeader
        title={t('jobs.title')}
        subtitle={t('jobs.subtitle')}
        actions={
          <div className="flex flex-wrap items-center gap-3">
            <span className="text-xs text-slate-500" data-testid="jobs-refresh-info">
              {t('jobs.autoRefresh', { seconds: JOBS_REFRESH_MS / 1000 })}
              {jobs.updatedAt !== null && ` · ${t('jobs.updated', { time: formatRelative(Math.min(jobs.updatedAt, now), now, lang) })}`}
            </span>
            <Button onClick={() => void jobs.reload()} busy={jobs.refreshing && !!status} data-testid="jobs-refresh">
              {t('common.refresh')}
            </Button>
          </div>
        }
      />

      {jobs.loading && !status ? (
        <LoadingState />
      ) : jobs.error && !status ? (
        <ErrorState error={jobs.error} onRetry={() => void jobs.reload()} />
      ) : status ? (
        <div className="flex flex-col gap-6">
          {jobs.error && (
            <Alert tone="warning" data-testid="jobs-refresh-error">
              {t('jobs.refreshFailed', { message: describe(jobs.error) })}
            </Alert>
          )}

          <Card
            title={t('jobs.queue.title')}
            actions={
              <Badge tone={status.backend === 'bullmq' ? 'blue' : 'gray'} data-testid="jobs-backend" data-backend={status.backend}>
                {t(status.backend === 'bullmq' ? 'jobs.backend.bullmq' : 'jobs.backend.in-process')}
              </Badge>
            }
            data-testid="jobs-queue"
          >
            <p className="mb-4 text-sm text-slate-600">{t(status.backend === 'bullmq' ? 'jobs.backendNote.bullmq' : 'jobs.backendNote.in-process')}</p>
            {orderedCounts(status.counts).length === 0 ? (
              <p className="text-sm text-slate-500">{t('jobs.noCounts')}</p>
            ) : (
              <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
                {orderedCounts(status.counts).map(({ state, count }) => (
                  <StatCard
                    key={state}
                    label={countLabel(state)}
                    value={formatNumber(count, lang)}
                    tone={state === 'failed' && count > 0 ? 'bad' : (state === 'active' || state === 'running') && count > 0 ? 'good' : 'default'}
                    data-testid="job-count"
                    data-state={state}
                    data-value={count}
                  />
                ))}
              </div>
            )}
          </Card>

          <section aria-labelledby="jobs-list-title">
            <h2 id="jobs-list-title" className="mb-3 text-base font-semibold text-slate-900">
              {t('jobs.list.title', { n: status.jobs.length })}
            </h2>
            {status.jobs.length === 0 ? (
              <div className="rounded-xl border border-slate-200 bg-white shadow-sm">
                <EmptyState title={t('jobs.empty.title')} body={t('jobs.empty.body')} />
              </div>
            ) : (
              <div className="grid gap-4 lg:grid-cols-2" data-testid="jobs-list">
                {status.jobs.map((job) => (
                  <JobCard
                    key={job.name}
                    job={job}
                    run={runs.runs[job.name]}
                    now={now}
                    onRun={() => void runs.run(job.name)}
                    onDismiss={() => runs.dismiss(job.name)}
                  />
                ))}
              </div>
            )}
          </section>

          <Card
            title={t('jobs.failures.title')}
            actions={<span className="text-xs text-slate-500">{t('jobs.failures.hint')}</span>}
            data-testid="jobs-failures"
          >
            <FailuresList failed={status.failed} now={now} />
          </Card>
        </div>
      ) : null}
    </>
  );
}

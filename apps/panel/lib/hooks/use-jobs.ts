'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { JobsStatus } from '../api/types';
import { useErrorMessage } from '../../ui/shared/states';
import { useResource } from './use-resource';

/** How often the jobs view reloads the queue state. */
export const JOBS_REFRESH_MS = 10_000;

/** The queue state and the jobs (GET /jobs/status), refreshed every 10 s; `updatedAt`: the last good answer. */
export function useJobs() {
  const resource = useResource<JobsStatus>((signal) => api.jobs.status(signal), 'jobs', { intervalMs: JOBS_REFRESH_MS });
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  useEffect(() => {
    if (resource.data) setUpdatedAt(Date.now());
  }, [resource.data]);
  return { ...resource, updatedAt };
}

/** A "Run now" of one job: running since `startedAt`, or finished with its result or error. */
export type JobRun =
  | { status: 'running'; startedAt: number }
  | { status: 'success'; startedAt: number; finishedAt: number; result: Record<string, unknown> | null }
  | { status: 'error'; startedAt: number; finishedAt: number; error: string };

/**
 * "Run now" for any number of jobs at once (each job one run at a time). The outcome of each stays
 * until it is dismissed or the job is run again; `onFinished` reloads the queue state.
 */
export function useJobRuns(onFinished: () => Promise<void> | void) {
  const [runs, setRuns] = useState<Record<string, JobRun>>({});
  const describe = useErrorMessage();
  const running = useRef(new Set<string>());
  const finished = useRef(onFinished);
  finished.current = onFinished;

  const run = useCallback(
    async (name: string) => {
      if (running.current.has(name)) return;
      running.current.add(name);
      const startedAt = Date.now();
      setRuns((r) => ({ ...r, [name]: { status: 'running', startedAt } }));
      let outcome: JobRun;
      try {
        const answer = await api.jobs.run(name);
        outcome = { status: 'success', startedAt, finishedAt: Date.now(), result: answer?.result ?? null };
      } catch (error) {
        outcome = { status: 'error', startedAt, finishedAt: Date.now(), error: describe(error) };
      } finally {
        running.current.delete(name);
      }
      setRuns((r) => ({ ...r, [name]: outcome }));
      await finished.current();
    },
    [describe],
  );

  const dismiss = useCallback((name: string) => {
    setRuns((r) => {
      if (!r[name] || r[name].status === 'running') return r;
      const { [name]: _gone, ...rest } = r;
      return rest;
    });
  }, []);

  return { runs, run, dismiss };
}

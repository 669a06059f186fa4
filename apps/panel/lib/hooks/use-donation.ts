'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { ApiError } from '../api/http';
import type { DonationFailure, DonationStart, DonationSuccess } from '../api/types';

export type DonationPhase = 'idle' | 'starting' | 'waiting' | 'submitting' | 'done' | 'failed';

function failureOf(error: unknown): DonationFailure {
  if (error instanceof ApiError) {
    const body = (error.body ?? {}) as Partial<DonationFailure>;
    return {
      detail: error.isNetwork ? 'network' : error.message,
      code: error.isNetwork ? 'network' : error.code,
      requires_manual_project_id: body.requires_manual_project_id === true,
      ...(typeof body.validation_url === 'string' ? { validation_url: body.validation_url } : {}),
    };
  }
  return { detail: (error as Error).message, code: 'unknown', requires_manual_project_id: false };
}

/**
 * The donation flow of the /auth page: start (consent link and state), then either the pasted
 * callback URL or the loopback callback (noticed by polling the state's status) finishes it.
 */
export function useDonation() {
  const [phase, setPhase] = useState<DonationPhase>('idle');
  const [flow, setFlow] = useState<DonationStart | null>(null);
  const [startedAt, setStartedAt] = useState<number>(0);
  const [result, setResult] = useState<DonationSuccess | null>(null);
  const [failure, setFailure] = useState<DonationFailure | null>(null);
  const phaseRef = useRef(phase);
  phaseRef.current = phase;

  const start = useCallback(async (input: { type?: string; project_id?: string; password?: string }) => {
    setPhase('starting');
    setFailure(null);
    setResult(null);
    try {
      const started = await api.donation.start(input);
      setFlow(started);
      setStartedAt(Date.now());
      setPhase('waiting');
    } catch (error) {
      setFailure(failureOf(error));
      setPhase('idle');
    }
  }, []);

  const submit = useCallback(async (callbackUrl: string, projectId?: string) => {
    setPhase('submitting');
    setFailure(null);
    try {
      const done = await api.donation.callbackUrl({ callback_url: callbackUrl.trim(), ...(projectId ? { project_id: projectId } : {}) });
      setResult(done);
      setPhase('done');
    } catch (error) {
      setFailure(failureOf(error));
      setPhase('failed');
    }
  }, []);

  const reset = useCallback(() => {
    setPhase('idle');
    setFlow(null);
    setResult(null);
    setFailure(null);
  }, []);

  // the loopback callback may finish the flow without this page: watch the state
  useEffect(() => {
    if (!flow || phase !== 'waiting') return;
    const controller = new AbortController();
    const timer = setInterval(() => {
      api.donation.status(flow.state, controller.signal).then(
        (s) => {
          if (phaseRef.current !== 'waiting') return;
          if (s.result) {
            setResult(s.result);
            setPhase('done');
          } else if (s.status === 'error' && s.error) {
            setFailure(s.error);
            setPhase('failed');
          }
        },
        () => {},
      );
    }, 2_500);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [flow, phase]);

  return { phase, flow, startedAt, result, failure, start, submit, reset };
}

'use client';

import { useCallback, useState } from 'react';
import { api } from '../api/client';
import type { AccountSignInStart, UploadResult } from '../api/types';
import { signInName } from '../format/accounts';
import { useErrorMessage } from '../../ui/shared/states';

export type SignInPhase = 'idle' | 'starting' | 'waiting' | 'submitting' | 'done';

/**
 * An admin's sign-in of a subscription account (Claude Code, Codex / ChatGPT): start → the consent
 * link and state → the user signs in and pastes what the last page shows → the stored account (or the
 * gateway's reason). Kept by the page, so closing the dialog does not lose a started sign-in.
 */
export function useAccountSignIn(onAdded: () => void) {
  const describe = useErrorMessage();
  const [kind, setKindState] = useState<string | null>(null);
  const [phase, setPhase] = useState<SignInPhase>('idle');
  const [flow, setFlow] = useState<AccountSignInStart | null>(null);
  const [startedAt, setStartedAt] = useState(0);
  const [result, setResult] = useState<UploadResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reset = useCallback(() => {
    setPhase('idle');
    setFlow(null);
    setResult(null);
    setError(null);
  }, []);

  /** Choosing another kind drops a sign-in in progress. */
  const setKind = useCallback(
    (next: string) => {
      setKindState((current) => {
        if (current !== next) reset();
        return next;
      });
    },
    [reset],
  );

  const start = useCallback(
    async (forKind: string) => {
      setPhase('starting');
      setError(null);
      setResult(null);
      try {
        const started = await api.accounts.start(signInName(forKind));
        setFlow(started);
        setStartedAt(Date.now());
        setPhase('waiting');
      } catch (e) {
        setError(describe(e));
        setPhase('idle');
      }
    },
    [describe],
  );

  const submit = useCallback(
    async (pasted: string) => {
      if (!flow) return;
      setPhase('submitting');
      setError(null);
      try {
        const done = await api.accounts.complete(signInName(flow.type), { state: flow.state, pasted: pasted.trim() });
        setResult(done);
        setPhase('done');
        onAdded();
      } catch (e) {
        // the sign-in stays open: a corrected paste (or the right code) can still finish it
        setError(describe(e));
        setPhase('waiting');
      }
    },
    [flow, describe, onAdded],
  );

  return { kind, setKind, phase, flow, startedAt, result, error, start, submit, reset };
}

export type AccountSignIn = ReturnType<typeof useAccountSignIn>;

'use client';

import { useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import { api } from '../api/client';
import { UNAUTHORIZED_EVENT } from '../api/http';
import { onSessionChange, sessionToken } from '../api/session';

export type SessionState = 'checking' | 'authenticated' | 'anonymous';

/** Where the login page sends the admin back to. */
export function loginUrl(next: string, expired = false): string {
  const params = new URLSearchParams({ next });
  if (expired) params.set('expired', '1');
  return `/login/?${params.toString()}`;
}

/**
 * Admin pages: checks the stored token once with the gateway and sends the visitor to the login page
 * when there is none, it was rejected, or any admin call later answers 401.
 */
export function useAdminSession(): { state: SessionState; logout(): Promise<void> } {
  const router = useRouter();
  const [state, setState] = useState<SessionState>('checking');

  useEffect(() => {
    const here = () => `${window.location.pathname}${window.location.search}`;
    const toLogin = (expired: boolean) => {
      setState('anonymous');
      router.replace(loginUrl(here(), expired));
    };
    if (!sessionToken()) {
      toLogin(false);
      return;
    }
    const controller = new AbortController();
    api.auth.session(controller.signal).then(
      () => setState('authenticated'),
      (e: Error) => {
        if (e.name === 'AbortError') return;
        // network trouble is not a logout: let the page show its own error states
        if ((e as { status?: number }).status === 401) toLogin(true);
        else setState('authenticated');
      },
    );
    const onUnauthorized = () => toLogin(true);
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    const off = onSessionChange(() => {
      if (!sessionToken()) toLogin(false);
    });
    return () => {
      controller.abort();
      window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
      off();
    };
  }, [router]);

  return {
    state,
    async logout() {
      await api.auth.logout().catch(() => {});
      router.replace('/login/');
    },
  };
}

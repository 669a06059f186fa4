'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { api } from '../../lib/api/client';
import { ApiError } from '../../lib/api/http';
import { useI18n } from '../../lib/i18n/i18n';
import { PublicShell } from '../../ui/layout/public-shell';
import { Button } from '../../ui/shared/button';
import { Card } from '../../ui/shared/card';
import { Field, Input } from '../../ui/shared/field';
import { Alert, useErrorMessage } from '../../ui/shared/states';

/** Only same-site paths are followed after login. */
function safeNext(raw: string | null): string {
  return raw && raw.startsWith('/') && !raw.startsWith('//') && !raw.startsWith('/login') ? raw : '/dashboard/';
}

export function LoginPageClient() {
  const { t } = useI18n();
  const router = useRouter();
  const describe = useErrorMessage();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    setExpired(new URLSearchParams(window.location.search).get('expired') === '1');
  }, []);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!password) return;
    setBusy(true);
    setError(null);
    try {
      await api.auth.login(password);
      router.replace(safeNext(new URLSearchParams(window.location.search).get('next')));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(t('login.wrong'));
      else if (err instanceof ApiError && err.status === 429) setError(t('login.tooMany', { seconds: err.retryAfter ?? 60 }));
      else setError(describe(err));
      setBusy(false);
    }
  }

  return (
    <PublicShell>
      <div className="mx-auto max-w-sm">
        <Card title={t('login.title')}>
          <form onSubmit={submit} className="flex flex-col gap-4">
            <p className="text-sm text-slate-600">{t('login.subtitle')}</p>
            {expired && !error && <Alert tone="warning">{t('session.expired')}</Alert>}
            <Field label={t('login.password')} htmlFor="password">
              <Input
                id="password"
                type="password"
                autoComplete="current-password"
                autoFocus
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                data-testid="login-password"
              />
            </Field>
            {error && (
              <Alert tone="error" data-testid="login-error">
                {error}
              </Alert>
            )}
            <Button type="submit" variant="primary" busy={busy} disabled={!password} data-testid="login-submit">
              {busy ? t('login.submitting') : t('login.submit')}
            </Button>
            <p className="text-xs text-slate-500">{t('login.defaultHint')}</p>
          </form>
        </Card>
      </div>
    </PublicShell>
  );
}

'use client';

import { useEffect, useState } from 'react';
import { api } from '../../lib/api/client';
import { ApiError } from '../../lib/api/http';
import type { KeyQueryAnswer } from '../../lib/api/types';
import { cleanPastedKey } from '../../lib/format/keys';
import { useNow } from '../../lib/hooks/use-now';
import { useI18n } from '../../lib/i18n/i18n';
import { PublicShell } from '../../ui/layout/public-shell';
import { KeyQueryResult } from '../../ui/query/key-query-result';
import { Button } from '../../ui/shared/button';
import { Card } from '../../ui/shared/card';
import { Input } from '../../ui/shared/field';
import { Alert, useErrorMessage } from '../../ui/shared/states';

const REMEMBER_KEY = 'cligate.query-key';

/** Self-service quota check. The key stays in the page; it is stored only if the user ticks "remember". */
export function KeyQueryPageClient() {
  const { t } = useI18n();
  const describe = useErrorMessage();
  const now = useNow(60_000);
  const [key, setKey] = useState('');
  const [show, setShow] = useState(false);
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<KeyQueryAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function check(value = key) {
    const clean = cleanPastedKey(value);
    if (!clean) return;
    setBusy(true);
    setError(null);
    try {
      const result = await api.keys.query(clean);
      setAnswer(result);
      try {
        if (remember) window.localStorage.setItem(REMEMBER_KEY, clean);
      } catch {
        // storage unavailable
      }
    } catch (err) {
      setAnswer(null);
      setError(err instanceof ApiError && (err.status === 404 || err.status === 401) ? t('query.notFound') : describe(err));
    } finally {
      setBusy(false);
    }
  }

  useEffect(() => {
    let saved: string | null = null;
    try {
      saved = window.localStorage.getItem(REMEMBER_KEY);
    } catch {
      saved = null;
    }
    if (saved) {
      setKey(saved);
      setRemember(true);
      void check(saved);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <PublicShell>
      <h1 className="text-2xl font-semibold text-slate-900">{t('query.title')}</h1>
      <p className="mt-1 text-sm text-slate-600">{t('query.subtitle')}</p>
      <Card className="mt-6">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void check();
          }}
          className="flex flex-col gap-3"
        >
          <label htmlFor="query-key" className="text-sm font-medium text-slate-700">
            {t('query.key')}
          </label>
          <div className="flex flex-col gap-2 sm:flex-row">
            <Input
              id="query-key"
              type={show ? 'text' : 'password'}
              autoComplete="off"
              spellCheck={false}
              placeholder="sk-…"
              value={key}
              onChange={(e) => setKey(e.target.value)}
              className="font-mono"
              data-testid="query-key-input"
            />
            <div className="flex gap-2">
              <Button onClick={() => setShow((s) => !s)}>{show ? t('common.hide') : t('common.show')}</Button>
              <Button type="submit" variant="primary" busy={busy} disabled={!key.trim()} data-testid="query-submit">
                {busy ? t('query.checking') : t('query.submit')}
              </Button>
            </div>
          </div>
          <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
            <label className="flex items-center gap-2 text-slate-700">
              <input
                type="checkbox"
                className="h-4 w-4 accent-brand"
                checked={remember}
                onChange={(e) => {
                  setRemember(e.target.checked);
                  if (!e.target.checked) {
                    try {
                      window.localStorage.removeItem(REMEMBER_KEY);
                    } catch {
                      // storage unavailable
                    }
                  }
                }}
              />
              {t('query.remember')}
            </label>
          </div>
          {error && (
            <Alert tone="error" data-testid="query-error">
              {error}
            </Alert>
          )}
        </form>
      </Card>
      {answer && (
        <div className="mt-6">
          <KeyQueryResult answer={answer} now={now} />
        </div>
      )}
    </PublicShell>
  );
}

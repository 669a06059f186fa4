'use client';

import { useEffect, useRef, useState } from 'react';
import type { AccountType, DonationInfo } from '../../lib/api/types';
import { pasteKind, requestedType } from '../../lib/format/accounts';
import { tierLabel } from '../../lib/format/credentials';
import { isProjectId, looksLikeCallbackUrl } from '../../lib/format/donation';
import { formatCountdown } from '../../lib/format/time';
import { useDonation } from '../../lib/hooks/use-donation';
import { useNow } from '../../lib/hooks/use-now';
import { useI18n } from '../../lib/i18n/i18n';
import { isMessageKey } from '../../lib/i18n/translate';
import { Button } from '../shared/button';
import { Card } from '../shared/card';
import { CopyButton } from '../shared/copy-button';
import { Field, Input, Select, Textarea } from '../shared/field';
import { Spinner } from '../shared/spinner';
import { Alert } from '../shared/states';

function Step({ n, title, active, children }: { n: number; title: string; active: boolean; children: React.ReactNode }) {
  return (
    <div className={`flex gap-3 ${active ? '' : 'opacity-60'}`}>
      <div className={`flex h-7 w-7 shrink-0 items-center justify-center rounded-full text-sm font-semibold ${active ? 'bg-brand text-white' : 'bg-slate-200 text-slate-600'}`}>{n}</div>
      <div className="min-w-0 flex-1">
        <div className="font-medium text-slate-900">{title}</div>
        <div className="mt-2">{children}</div>
      </div>
    </div>
  );
}

/** Account kinds that sign in with Google and can name a Google Cloud project. */
const GOOGLE_KINDS = new Set(['gemini-cli', 'antigravity']);

/** Choose the account kind → get the consent link → sign in → paste the address (or let the local callback finish). */
export function DonationFlow({ info, types, admin = false }: { info: DonationInfo; types: AccountType[]; admin?: boolean }) {
  const { t } = useI18n();
  const now = useNow(1_000);
  const d = useDonation();
  const [type, setType] = useState('gemini-cli');
  const typeLabel = (k: AccountType) => {
    const key = `donate.type.${k.type}`;
    return isMessageKey(key) ? t(key) : k.label;
  };
  // a link may choose the account type (/auth/?type=antigravity, from the credentials page), once the types are known
  const [preselected, setPreselected] = useState<AccountType | null>(null);
  const applied = useRef(false);
  useEffect(() => {
    if (applied.current || types.length === 0) return;
    applied.current = true;
    const wanted = requestedType(window.location.search, types);
    if (wanted) {
      setType(wanted);
      setPreselected(types.find((k) => k.type === wanted) ?? null);
    }
  }, [types]);
  const google = GOOGLE_KINDS.has(type);
  // the kind of the started flow (the selector may have moved since)
  const flowGoogle = GOOGLE_KINDS.has(d.flow?.type ?? type);
  const [projectId, setProjectId] = useState('');
  const [password, setPassword] = useState('');
  const [callback, setCallback] = useState('');
  const [retryProject, setRetryProject] = useState('');
  const projectProblem = projectId.trim() && !isProjectId(projectId) ? t('donate.projectInvalid') : null;
  const callbackProblem = callback.trim() && !looksLikeCallbackUrl(callback) ? t('donate.callbackInvalid') : null;
  const remaining = d.flow ? Math.min(d.flow.expires_in, Math.max(0, d.flow.expires_in - Math.floor((now - d.startedAt) / 1000))) : 0;

  if (d.phase === 'done' && d.result) {
    const c = d.result.credentials;
    return (
      <Card data-testid="donation-result" data-status={d.result.status}>
        <div className="flex flex-col gap-3">
          <div className="text-lg font-semibold text-green-700">✓ {d.result.status === 'updated' ? t('donate.updated.title') : t('donate.success.title')}</div>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-500">{t('donate.field.email')}</dt>
            <dd data-testid="donation-email">{c.email ?? '—'}</dd>
            <dt className="text-slate-500">{t('donate.field.project')}</dt>
            <dd className="font-mono" data-testid="donation-project">
              {c.project_id ?? '—'}
            </dd>
            <dt className="text-slate-500">{t('donate.field.tier')}</dt>
            <dd>{c.tier ? `${tierLabel(c.tier)} (${c.tier})` : '—'}</dd>
            <dt className="text-slate-500">{t('donate.field.file')}</dt>
            <dd className="font-mono text-xs">{c.filename}</dd>
          </dl>
          <p className="text-sm text-slate-600">{d.result.message}</p>
          <div>
            <Button
              onClick={() => {
                setCallback('');
                setRetryProject('');
                d.reset();
              }}
            >
              {t('donate.again')}
            </Button>
          </div>
        </div>
      </Card>
    );
  }

  const failure = d.failure;
  const failureKey = failure ? `donate.error.${failure.code}` : '';
  return (
    <Card>
      <div className="flex flex-col gap-6">
        <Step n={1} title={t('donate.step1')} active={d.phase === 'idle' || d.phase === 'starting'}>
          {d.flow ? (
            <Button
              size="sm"
              onClick={() => {
                setCallback('');
                d.reset();
              }}
            >
              {t('donate.restart')}
            </Button>
          ) : (
            <form
              className="flex flex-col gap-3"
              onSubmit={(e) => {
                e.preventDefault();
                if (google && projectProblem) return;
                void d.start({
                  ...(type !== 'gemini-cli' ? { type } : {}),
                  ...(google && projectId.trim() ? { project_id: projectId.trim() } : {}),
                  ...(info.password_required ? { password } : {}),
                });
              }}
            >
              {admin && (
                <p className="text-sm text-slate-600" data-testid="donation-admin-note">
                  {t('donate.adminNote')}
                </p>
              )}
              {preselected && preselected.type === type && (
                <p className="text-sm text-slate-600" data-testid="donation-preselected">
                  {t('donate.preselected', { type: typeLabel(preselected) })}
                </p>
              )}
              {types.length > 1 && (
                <Field label={t('donate.type')} hint={t('donate.typeHint')} htmlFor="donation-type">
                  <Select id="donation-type" value={type} onChange={(e) => setType(e.target.value)} data-testid="donation-type">
                    {types.map((k) => (
                      <option key={k.type} value={k.type}>
                        {typeLabel(k)}
                      </option>
                    ))}
                  </Select>
                </Field>
              )}
              {info.password_required && (
                <Field label={t('donate.password')} hint={t('donate.passwordHint')} htmlFor="donation-password">
                  <Input id="donation-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="donation-password" />
                </Field>
              )}
              {google && (
                <Field label={t('donate.project')} hint={t('donate.projectHint')} error={projectProblem} htmlFor="donation-project">
                  <Input id="donation-project" value={projectId} placeholder="my-project-123" onChange={(e) => setProjectId(e.target.value)} data-testid="donation-project-input" />
                </Field>
              )}
              <div>
                <Button type="submit" variant="primary" busy={d.phase === 'starting'} disabled={info.password_required && !password} data-testid="donation-start">
                  {d.phase === 'starting' ? t('donate.starting') : t('donate.start')}
                </Button>
              </div>
            </form>
          )}
        </Step>

        <Step n={2} title={flowGoogle ? t('donate.step2') : t('donate.step2Vendor')} active={d.phase === 'waiting'}>
          {d.flow ? (
            <div className="flex flex-col gap-2">
              <div className="flex flex-wrap gap-2">
                <a
                  href={d.flow.auth_url}
                  target="_blank"
                  rel="noopener noreferrer"
                  className="inline-flex items-center rounded-md bg-brand px-3.5 py-2 text-sm font-medium text-white hover:bg-blue-700"
                  data-testid="donation-auth-url"
                >
                  {flowGoogle ? t('donate.open') : t('donate.openVendor')} ↗
                </a>
                <CopyButton text={d.flow.auth_url} label={t('donate.copyLink')} />
              </div>
              <p className="text-xs text-slate-500">{t('donate.expires', { time: formatCountdown(remaining) })}</p>
              {d.flow.loopback && <p className="text-sm text-slate-600">{t('donate.loopback')}</p>}
              {d.phase === 'waiting' && (
                <p className="flex items-center gap-2 text-sm text-slate-500">
                  <Spinner className="h-3.5 w-3.5" /> {t('donate.waiting')}
                </p>
              )}
            </div>
          ) : (
            <p className="text-sm text-slate-500">—</p>
          )}
        </Step>

        <Step n={3} title={t('donate.step3')} active={d.flow !== null}>
          {d.flow ? (
            <form
              className="flex flex-col gap-3"
              onSubmit={(e) => {
                e.preventDefault();
                if (!callback.trim() || callbackProblem) return;
                void d.submit(callback);
              }}
            >
              <p className="text-sm text-slate-600">
                {pasteKind(d.flow.redirect_uri) === 'code' ? t('donate.afterSignInCode') : t('donate.afterSignIn', { uri: d.flow.redirect_uri })}
              </p>
              <Field label={t('donate.callback')} error={callbackProblem} htmlFor="donation-callback">
                <Textarea
                  id="donation-callback"
                  rows={3}
                  spellCheck={false}
                  className="font-mono text-xs"
                  placeholder={pasteKind(d.flow.redirect_uri) === 'code' ? 'code#state' : `${d.flow.redirect_uri}?state=…&code=…`}
                  value={callback}
                  onChange={(e) => setCallback(e.target.value)}
                  data-testid="donation-callback-input"
                />
              </Field>
              <div className="flex flex-wrap items-center gap-3">
                <Button type="submit" variant="primary" busy={d.phase === 'submitting'} disabled={!callback.trim() || !!callbackProblem} data-testid="donation-submit">
                  {t('donate.submit')}
                </Button>
                {d.phase === 'submitting' && (
                  <span className="text-sm text-slate-600" data-testid="donation-progress">
                    {t('donate.submitting')}
                  </span>
                )}
              </div>
            </form>
          ) : (
            <p className="text-sm text-slate-500">—</p>
          )}
        </Step>

        {failure && (
          <div data-testid="donation-error" data-code={failure.code}>
            <Alert tone="error">
              <div className="font-semibold">{t('donate.error.title')}</div>
              <div className="mt-1">{isMessageKey(failureKey) ? t(failureKey) : failure.code === 'network' ? t('common.networkError') : null}</div>
              {failure.code !== 'network' && <div className="mt-1 text-xs opacity-80">{failure.detail}</div>}
              {failure.validation_url && (
                <a className="mt-1 inline-block underline" href={failure.validation_url} target="_blank" rel="noopener noreferrer">
                  {t('donate.verify')} ↗
                </a>
              )}
            </Alert>
            {failure.requires_manual_project_id && d.flow && (
              <form
                className="mt-3 flex flex-col gap-2 sm:flex-row sm:items-end"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (!isProjectId(retryProject)) return;
                  void d.submit(callback, retryProject.trim());
                }}
              >
                <Field label={t('donate.project')} htmlFor="donation-retry-project" error={retryProject.trim() && !isProjectId(retryProject) ? t('donate.projectInvalid') : null}>
                  <Input id="donation-retry-project" value={retryProject} placeholder="my-project-123" onChange={(e) => setRetryProject(e.target.value)} data-testid="donation-retry-project" />
                </Field>
                <Button type="submit" variant="primary" busy={d.phase === 'submitting'} disabled={!isProjectId(retryProject)} data-testid="donation-retry">
                  {t('donate.retryWithProject')}
                </Button>
              </form>
            )}
          </div>
        )}
      </div>
    </Card>
  );
}

'use client';

import { useEffect, useState } from 'react';
import { api } from '../../lib/api/client';
import { DONATION_PAGE_KINDS, donationPageLink, isDonationPageKind, pasteKind, signInKinds } from '../../lib/format/accounts';
import { formatCountdown } from '../../lib/format/time';
import type { AccountSignIn } from '../../lib/hooks/use-account-sign-in';
import { useNow } from '../../lib/hooks/use-now';
import { useResource } from '../../lib/hooks/use-resource';
import { useI18n } from '../../lib/i18n/i18n';
import { Button } from '../shared/button';
import { CopyButton } from '../shared/copy-button';
import { Dialog } from '../shared/dialog';
import { Field, Select, Textarea } from '../shared/field';
import { Alert } from '../shared/states';
import { useKindLabel } from './credential-badges';

function Step({ n, title, active, children }: { n: number; title: string; active: boolean; children: React.ReactNode }) {
  return (
    <li className={`flex gap-3 ${active ? '' : 'opacity-60'}`}>
      <div className={`flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${active ? 'bg-brand text-white' : 'bg-slate-200 text-slate-600'}`}>{n}</div>
      <div className="min-w-0 flex-1">
        <div className="font-medium text-slate-900">{title}</div>
        <div className="mt-1.5">{children}</div>
      </div>
    </li>
  );
}

/**
 * "Add an account": Claude Code and Codex (ChatGPT) accounts are signed in right here (open the link,
 * consent, paste the `code#state` or the final address); Google accounts (Gemini CLI, Antigravity)
 * are sent to the /auth page with their type chosen.
 */
export function AddAccountDialog({ signIn, onClose }: { signIn: AccountSignIn; onClose(): void }) {
  const { t } = useI18n();
  const kindLabel = useKindLabel();
  const now = useNow(1_000);
  const listed = useResource((signal) => api.accounts.types(signal).catch(() => ({ types: [] })), 'oauth-account-types');
  const kinds = [...signInKinds(listed.data?.types), ...DONATION_PAGE_KINDS];
  const kind = signIn.kind ?? kinds[0]!;
  const [pasted, setPasted] = useState('');
  const { flow, phase, result, error } = signIn;

  // a new sign-in starts with an empty field
  useEffect(() => setPasted(''), [flow?.state]);

  // the clock ticks on its own: a tick from before the start must not add time
  const remaining = flow ? Math.min(flow.expires_in, Math.max(0, flow.expires_in - Math.floor((now - signIn.startedAt) / 1000))) : 0;
  const google = isDonationPageKind(kind);

  return (
    <Dialog
      open
      wide
      title={t('account.title')}
      onClose={onClose}
      data-testid="account-dialog"
      footer={
        <Button onClick={onClose} data-testid="account-close">
          {t('common.close')}
        </Button>
      }
    >
      <div className="flex flex-col gap-4">
        <Field label={t('account.kind')} hint={t('account.kindHint')} htmlFor="account-kind">
          <Select id="account-kind" value={kind} onChange={(e) => signIn.setKind(e.target.value)} data-testid="account-kind">
            {kinds.map((k) => (
              <option key={k} value={k}>
                {kindLabel(k)}
              </option>
            ))}
          </Select>
        </Field>

        {google ? (
          <div className="flex flex-col items-start gap-3" data-testid="account-google">
            <p>{t('account.google.body', { kind: kindLabel(kind) })}</p>
            <a
              href={donationPageLink(kind)}
              className="inline-flex items-center rounded-md bg-brand px-3.5 py-2 text-sm font-medium text-white hover:bg-blue-700"
              data-testid="account-donation-link"
            >
              {t('account.google.open', { kind: kindLabel(kind) })} →
            </a>
          </div>
        ) : phase === 'done' && result ? (
          <div className="flex flex-col gap-3" data-testid="account-result" data-status={result.status}>
            <Alert tone="success">✓ {result.status === 'updated' ? t('account.updated') : t('account.success')}</Alert>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
              <dt className="text-slate-500">{t('account.field.email')}</dt>
              <dd data-testid="account-email">{result.credential?.email ?? '—'}</dd>
              <dt className="text-slate-500">{t('account.field.project')}</dt>
              <dd className="break-all font-mono text-xs" data-testid="account-project">
                {result.credential?.project_id ?? '—'}
              </dd>
              <dt className="text-slate-500">{t('account.field.tier')}</dt>
              <dd data-testid="account-tier">{result.credential?.tier ?? '—'}</dd>
              <dt className="text-slate-500">{t('account.field.file')}</dt>
              <dd className="break-all font-mono text-xs" data-testid="account-file">
                {result.credential?.filename ?? result.filename}
              </dd>
            </dl>
            <p className="text-slate-600">{result.message}</p>
            <div>
              <Button onClick={signIn.reset} data-testid="account-again">
                {t('account.again')}
              </Button>
            </div>
          </div>
        ) : (
          <ol className="flex flex-col gap-4" data-testid="account-steps">
            <Step n={1} title={t('account.step1')} active={!flow}>
              {flow ? (
                <Button size="sm" onClick={signIn.reset} data-testid="account-restart">
                  {t('account.restart')}
                </Button>
              ) : (
                <Button variant="primary" busy={phase === 'starting'} onClick={() => void signIn.start(kind)} data-testid="account-start">
                  {t('account.start')}
                </Button>
              )}
            </Step>
            <Step n={2} title={t('account.step2')} active={!!flow}>
              {flow ? (
                <div className="flex flex-col gap-2">
                  <div className="flex flex-wrap gap-2">
                    <a
                      href={flow.auth_url}
                      target="_blank"
                      rel="noopener noreferrer"
                      className="inline-flex items-center rounded-md bg-brand px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-700"
                      data-testid="account-auth-url"
                    >
                      {t('account.open')} ↗
                    </a>
                    <CopyButton text={flow.auth_url} label={t('account.copyLink')} />
                  </div>
                  <p className="text-slate-600">{t('account.signInHint')}</p>
                  <p className="text-xs text-slate-500" data-testid="account-expires">
                    {t('account.expires', { time: formatCountdown(remaining) })}
                  </p>
                </div>
              ) : (
                <p className="text-slate-500">—</p>
              )}
            </Step>
            <Step n={3} title={t('account.step3')} active={!!flow}>
              {flow ? (
                <form
                  className="flex flex-col gap-2"
                  onSubmit={(e) => {
                    e.preventDefault();
                    if (pasted.trim()) void signIn.submit(pasted);
                  }}
                >
                  <p className="text-slate-600" data-testid="account-paste-hint" data-paste={pasteKind(flow.redirect_uri)}>
                    {pasteKind(flow.redirect_uri) === 'code' ? t('account.pasteCode') : t('account.pasteAddress', { uri: flow.redirect_uri })}
                  </p>
                  <Field label={t('account.pasted')} htmlFor="account-pasted">
                    <Textarea
                      id="account-pasted"
                      rows={3}
                      spellCheck={false}
                      autoComplete="off"
                      className="font-mono text-xs"
                      placeholder={pasteKind(flow.redirect_uri) === 'code' ? 'code#state' : `${flow.redirect_uri}?code=…&state=…`}
                      value={pasted}
                      onChange={(e) => setPasted(e.target.value)}
                      data-testid="account-pasted"
                    />
                  </Field>
                  <div className="flex flex-wrap items-center gap-3">
                    <Button type="submit" variant="primary" busy={phase === 'submitting'} disabled={!pasted.trim()} data-testid="account-submit">
                      {t('account.submit')}
                    </Button>
                    {phase === 'submitting' && <span className="text-slate-600">{t('account.submitting')}</span>}
                  </div>
                </form>
              ) : (
                <p className="text-slate-500">—</p>
              )}
            </Step>
          </ol>
        )}

        {!google && error && (
          <div data-testid="account-error">
            <Alert tone="error">
              <div className="font-semibold">{t('account.error.title')}</div>
              <div className="mt-1 break-words" data-testid="account-error-message">
                {error}
              </div>
              {flow && <div className="mt-1 text-xs opacity-80">{t('account.error.retry')}</div>}
            </Alert>
          </div>
        )}
      </div>
    </Dialog>
  );
}

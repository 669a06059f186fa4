'use client';

import { useState } from 'react';
import type { CredentialItem } from '../../lib/api/types';
import { isProxyUrl } from '../../lib/format/credentials';
import { useI18n } from '../../lib/i18n/i18n';
import { Button } from '../shared/button';
import { Dialog } from '../shared/dialog';
import { Field, Input } from '../shared/field';

/**
 * The credential's own outbound proxy (POST /creds/proxy). The gateway never shows a stored proxy
 * (it may hold a password): the dialog says whether one is set and takes a new one, or removes it.
 */
export function ProxyDialog({ item, busy, onSave, onClose }: { item: CredentialItem; busy: boolean; onSave(proxy: string | null): void; onClose(): void }) {
  const { t } = useI18n();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const name = item.user_email ?? item.filename;

  function save() {
    const v = value.trim();
    if (!v || !isProxyUrl(v)) return setError(t('creds.proxy.invalid'));
    setError(null);
    onSave(v);
  }

  return (
    <Dialog
      open
      title={t('creds.proxy.title', { name })}
      onClose={onClose}
      data-testid="proxy-dialog"
      footer={
        <>
          {item.proxy && (
            <Button variant="ghost" className="mr-auto text-red-600 hover:bg-red-50" busy={busy} onClick={() => onSave(null)} data-testid="proxy-remove">
              {t('creds.proxy.remove')}
            </Button>
          )}
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button variant="primary" busy={busy} onClick={save} data-testid="proxy-save">
            {t('common.save')}
          </Button>
        </>
      }
    >
      <p className="mb-3">{t('creds.proxy.body')}</p>
      <p className="mb-3 text-slate-600" data-testid="proxy-current" data-set={String(Boolean(item.proxy))}>
        {item.proxy ? t('creds.proxy.current') : t('creds.proxy.none')}
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <Field label={t('creds.proxy.url')} htmlFor="cred-proxy-url" hint={t('creds.proxy.hint')} error={error}>
          <Input
            id="cred-proxy-url"
            value={value}
            autoComplete="off"
            spellCheck={false}
            placeholder="socks5://127.0.0.1:1080"
            onChange={(e) => setValue(e.target.value)}
            data-testid="proxy-input"
          />
        </Field>
      </form>
    </Dialog>
  );
}

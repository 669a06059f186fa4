'use client';

import { useState } from 'react';
import { api } from '../../lib/api/client';
import type { ProviderItem, UploadResult } from '../../lib/api/types';
import { isProxyUrl } from '../../lib/format/credentials';
import { parseKeysText } from '../../lib/format/providers';
import { useI18n } from '../../lib/i18n/i18n';
import { Badge } from '../shared/badge';
import { Button } from '../shared/button';
import { Dialog } from '../shared/dialog';
import { Field, Input, Textarea } from '../shared/field';
import { useErrorMessage } from '../shared/states';

const STATUS_TONE = { success: 'green', updated: 'blue', error: 'red' } as const;

/** POST /providers/{name}/keys: keys pasted one per line, with an optional label and proxy. */
export function AddKeysDialog({ provider, onClose, onAdded }: { provider: ProviderItem; onClose(): void; onAdded(): void }) {
  const { t } = useI18n();
  const describe = useErrorMessage();
  const [keys, setKeys] = useState('');
  const [label, setLabel] = useState('');
  const [proxy, setProxy] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [results, setResults] = useState<UploadResult[] | null>(null);

  async function save() {
    const list = parseKeysText(keys);
    if (list.length === 0 || list.some((k) => k.length < 8)) return setError(t('providers.addKeys.none'));
    if (!isProxyUrl(proxy)) return setError(t('creds.proxy.invalid'));
    setError(null);
    setBusy(true);
    try {
      const r = await api.providers.addKeys(provider.name, { api_keys: list, ...(label.trim() ? { label: label.trim() } : {}), ...(proxy.trim() ? { proxy: proxy.trim() } : {}) });
      setResults(r.results);
      setKeys('');
      onAdded();
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  const ok = results?.filter((r) => r.status !== 'error').length ?? 0;
  return (
    <Dialog
      open
      title={t('providers.addKeys.title', { name: provider.name })}
      onClose={onClose}
      data-testid="provider-keys-dialog"
      footer={
        <>
          <Button onClick={onClose} data-testid="provider-keys-close">
            {results ? t('common.done') : t('common.cancel')}
          </Button>
          <Button variant="primary" busy={busy} onClick={() => void save()} data-testid="provider-keys-save">
            {t('providers.action.addKeys')}
          </Button>
        </>
      }
    >
      <div className="grid gap-3">
        <Field label={t('providers.addKeys.keys')} htmlFor="provider-keys-input" hint={t('providers.addKeys.hint')}>
          <Textarea
            id="provider-keys-input"
            rows={3}
            className="font-mono"
            spellCheck={false}
            autoComplete="off"
            value={keys}
            onChange={(e) => setKeys(e.target.value)}
            data-testid="provider-keys-input"
          />
        </Field>
        <Field label={t('providers.addKeys.label')} htmlFor="provider-keys-label" hint={t('providers.addKeys.labelHint')}>
          <Input id="provider-keys-label" value={label} maxLength={120} onChange={(e) => setLabel(e.target.value)} data-testid="provider-keys-label" />
        </Field>
        <Field label={t('addKey.proxy')} htmlFor="provider-keys-proxy" hint={t('addKey.proxyHint')}>
          <Input id="provider-keys-proxy" value={proxy} spellCheck={false} placeholder="socks5://127.0.0.1:1080" onChange={(e) => setProxy(e.target.value)} />
        </Field>
      </div>
      {error && (
        <p className="mt-3 text-sm text-red-600" role="alert">
          {error}
        </p>
      )}
      {results && (
        <div className="mt-3" data-testid="provider-keys-results">
          <div className="mb-1 text-sm font-medium text-slate-700">{t('providers.addKeys.done', { ok, total: results.length, name: provider.name })}</div>
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200">
            {results.map((r, i) => (
              <li key={`${r.filename}-${i}`} className="flex flex-wrap items-center gap-2 px-3 py-1.5 text-xs" data-testid="provider-keys-result" data-status={r.status}>
                <Badge tone={STATUS_TONE[r.status]}>{t(`upload.status.${r.status}`)}</Badge>
                <span className="font-mono text-slate-800">{r.credential?.email ?? r.filename}</span>
                <span className="text-slate-600">{r.message}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Dialog>
  );
}

'use client';

import { useState } from 'react';
import { api } from '../../lib/api/client';
import { API_KEY_KINDS, isProxyUrl } from '../../lib/format/credentials';
import { useAction } from '../../lib/hooks/use-action';
import { useProviders } from '../../lib/hooks/use-providers';
import { useI18n } from '../../lib/i18n/i18n';
import { Button } from '../shared/button';
import { Card } from '../shared/card';
import { Field, Input, Select } from '../shared/field';
import { useKindLabel } from './credential-badges';

/** POST /creds/add: one API key of a key-based kind (an openai-compat key names its provider). */
export function AddKeyForm({ onAdded }: { onAdded(): void }) {
  const { t } = useI18n();
  const kindLabel = useKindLabel();
  const { busy, run } = useAction();
  const [kind, setKind] = useState<string>(API_KEY_KINDS[0]);
  const [provider, setProvider] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [label, setLabel] = useState('');
  const [proxy, setProxy] = useState('');
  const [errors, setErrors] = useState<{ key?: string; provider?: string; proxy?: string }>({});
  const needsProvider = kind === 'openai-compat';
  const providers = useProviders({ enabled: needsProvider });
  const names = providers.data?.providers.map((p) => p.name) ?? [];
  const chosenProvider = provider || names[0] || '';

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const problems = {
      ...(apiKey.trim().length < 8 ? { key: t('addKey.invalidKey') } : {}),
      ...(needsProvider && !chosenProvider ? { provider: t('addKey.providerRequired') } : {}),
      ...(!isProxyUrl(proxy) ? { proxy: t('creds.proxy.invalid') } : {}),
    };
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    const result = await run(
      () =>
        api.credentials.add({
          kind,
          api_key: apiKey.trim(),
          ...(label.trim() ? { label: label.trim() } : {}),
          ...(proxy.trim() ? { proxy: proxy.trim() } : {}),
          ...(needsProvider ? { provider: chosenProvider } : {}),
        }),
      (r) => t('addKey.added', { file: r.credential?.email ?? r.filename, message: r.message }),
    );
    if (result) {
      setApiKey('');
      setLabel('');
      setProxy('');
      onAdded();
    }
  }

  return (
    <Card title={t('addKey.title')} data-testid="add-key">
      <p className="mb-3 text-sm text-slate-600">{t('addKey.subtitle')}</p>
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2">
        <Field label={t('addKey.kind')} htmlFor="add-key-kind">
          <Select id="add-key-kind" value={kind} onChange={(e) => setKind(e.target.value)} data-testid="add-key-kind">
            {API_KEY_KINDS.map((k) => (
              <option key={k} value={k}>
                {kindLabel(k)}
              </option>
            ))}
          </Select>
        </Field>
        {needsProvider && (
          <Field label={t('addKey.provider')} htmlFor="add-key-provider" error={errors.provider} hint={providers.data && names.length === 0 ? t('addKey.noProviders') : undefined}>
            <Select id="add-key-provider" value={chosenProvider} onChange={(e) => setProvider(e.target.value)} disabled={names.length === 0} data-testid="add-key-provider">
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </Select>
          </Field>
        )}
        <Field label={t('addKey.key')} htmlFor="add-key-value" error={errors.key}>
          <Input
            id="add-key-value"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            data-testid="add-key-value"
          />
        </Field>
        <Field label={t('addKey.label')} htmlFor="add-key-label" hint={t('common.optional')}>
          <Input id="add-key-label" value={label} maxLength={120} onChange={(e) => setLabel(e.target.value)} data-testid="add-key-label" />
        </Field>
        <Field label={t('addKey.proxy')} htmlFor="add-key-proxy" hint={t('addKey.proxyHint')} error={errors.proxy}>
          <Input id="add-key-proxy" value={proxy} spellCheck={false} placeholder="socks5://127.0.0.1:1080" onChange={(e) => setProxy(e.target.value)} data-testid="add-key-proxy" />
        </Field>
        <div className="flex items-end">
          <Button type="submit" variant="primary" busy={busy} className="w-full sm:w-auto" data-testid="add-key-submit">
            {t('addKey.submit')}
          </Button>
        </div>
      </form>
    </Card>
  );
}

'use client';

import { useState } from 'react';
import { api } from '../../lib/api/client';
import type { ProviderInput, ProviderItem, ProviderWire } from '../../lib/api/types';
import { isProxyUrl } from '../../lib/format/credentials';
import { HEADER_MASK, headersToRows, modelProblems, modelsToText, parseKeysText, parseModelsText, rowsToHeaders, type HeaderRow } from '../../lib/format/providers';
import { useI18n } from '../../lib/i18n/i18n';
import { Button } from '../shared/button';
import { Dialog } from '../shared/dialog';
import { Field, Input, Select, Textarea, Toggle } from '../shared/field';
import { useErrorMessage } from '../shared/states';

export const WIRES: readonly ProviderWire[] = ['openai-chat', 'anthropic-messages', 'openai-responses'];

/**
 * Creates a provider (POST /providers, keys included) or edits one (PATCH /providers/{name}, only
 * what changed). Header values are never sent back by the gateway: an edited header list must carry
 * every value again, so rows still showing the mask are pointed out instead of saved.
 */
export function ProviderFormDialog({ provider, onClose, onSaved }: { provider?: ProviderItem; onClose(): void; onSaved(name: string, created: boolean): void }) {
  const { t } = useI18n();
  const describe = useErrorMessage();
  const editing = provider !== undefined;
  const [name, setName] = useState(provider?.name ?? '');
  const [baseUrl, setBaseUrl] = useState(provider?.base_url ?? '');
  const [wire, setWire] = useState<ProviderWire>(provider?.wire ?? 'openai-chat');
  const originalModels = provider ? modelsToText(provider.models) : '';
  const [models, setModels] = useState(originalModels);
  const [prefix, setPrefix] = useState(provider?.prefix ?? '');
  const [rows, setRows] = useState<HeaderRow[]>(provider ? headersToRows(provider.headers) : []);
  const [headersTouched, setHeadersTouched] = useState(false);
  const [proxy, setProxy] = useState(provider?.proxy ?? '');
  const [enabled, setEnabled] = useState(provider?.enabled ?? true);
  const [keys, setKeys] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const editRows = (next: HeaderRow[]) => {
    setRows(next);
    setHeadersTouched(true);
  };

  function build(): ProviderInput | string {
    if ((!editing && !name.trim()) || !baseUrl.trim()) return t('providers.form.required');
    const modelLines = parseModelsText(models);
    const problems = modelProblems(modelLines);
    if (problems.length > 0) return t('providers.form.badModels', { list: problems.join(', ') });
    if (!isProxyUrl(proxy)) return t('creds.proxy.invalid');
    // the gateway masks a stored proxy password: an edited proxy must carry the real one
    if (proxy.trim() !== (provider?.proxy ?? '') && proxy.includes(HEADER_MASK)) return t('providers.form.proxyMasked');
    const { headers, masked } = rowsToHeaders(rows);
    if (headersTouched && masked.length > 0) return t('providers.form.headersMasked', { names: masked.join(', ') });
    if (!editing) {
      const apiKeys = parseKeysText(keys);
      return {
        name: name.trim().toLowerCase(),
        base_url: baseUrl.trim(),
        wire,
        models: modelLines,
        ...(prefix.trim() ? { prefix: prefix.trim() } : {}),
        ...(Object.keys(headers).length ? { headers } : {}),
        ...(proxy.trim() ? { proxy: proxy.trim() } : {}),
        enabled,
        ...(apiKeys.length ? { api_keys: apiKeys } : {}),
      };
    }
    const patch: ProviderInput = {};
    if (baseUrl.trim() !== provider.base_url) patch.base_url = baseUrl.trim();
    if (wire !== provider.wire) patch.wire = wire;
    if (models !== originalModels) patch.models = modelLines;
    if (prefix.trim() !== (provider.prefix ?? '')) patch.prefix = prefix.trim() || null;
    if (headersTouched) patch.headers = headers;
    if (proxy.trim() !== (provider.proxy ?? '')) patch.proxy = proxy.trim() || null;
    if (enabled !== provider.enabled) patch.enabled = enabled;
    return patch;
  }

  async function save() {
    const input = build();
    if (typeof input === 'string') return setError(input);
    setError(null);
    if (editing && Object.keys(input).length === 0) return onClose();
    setBusy(true);
    try {
      if (editing) {
        const r = await api.providers.update(provider.name, input);
        onSaved(r.provider.name, false);
      } else {
        const r = await api.providers.create(input);
        onSaved(r.provider.name, true);
      }
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open
      title={editing ? t('providers.form.editTitle', { name: provider.name }) : t('providers.form.createTitle')}
      onClose={onClose}
      data-testid="provider-form"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button variant="primary" busy={busy} onClick={() => void save()} data-testid="provider-save">
            {t('common.save')}
          </Button>
        </>
      }
    >
      <form
        className="grid gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {!editing && (
          <Field label={t('providers.form.name')} htmlFor="provider-name" hint={t('providers.form.nameHint')}>
            <Input id="provider-name" value={name} maxLength={40} autoComplete="off" spellCheck={false} onChange={(e) => setName(e.target.value)} data-testid="provider-name" />
          </Field>
        )}
        <Field label={t('providers.form.baseUrl')} htmlFor="provider-base-url" hint={t('providers.form.baseUrlHint')}>
          <Input
            id="provider-base-url"
            value={baseUrl}
            spellCheck={false}
            placeholder="https://openrouter.ai/api/v1"
            onChange={(e) => setBaseUrl(e.target.value)}
            data-testid="provider-base-url"
          />
        </Field>
        <Field label={t('providers.form.wire')} htmlFor="provider-wire">
          <Select id="provider-wire" value={wire} onChange={(e) => setWire(e.target.value as ProviderWire)} data-testid="provider-wire">
            {WIRES.map((w) => (
              <option key={w} value={w}>
                {t(`providers.wire.${w}`)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('providers.form.models')} htmlFor="provider-models" hint={t('providers.form.modelsHint')}>
          <Textarea
            id="provider-models"
            rows={5}
            value={models}
            spellCheck={false}
            className="font-mono"
            placeholder={'gpt-4o-mini\nfast=qwen-plus'}
            onChange={(e) => setModels(e.target.value)}
            data-testid="provider-models"
          />
        </Field>
        <Field label={t('providers.form.prefix')} htmlFor="provider-prefix" hint={t('providers.form.prefixHint')}>
          <Input id="provider-prefix" value={prefix} maxLength={40} spellCheck={false} onChange={(e) => setPrefix(e.target.value)} data-testid="provider-prefix" />
        </Field>
        <fieldset className="flex flex-col gap-2" data-testid="provider-headers">
          <legend className="text-sm font-medium text-slate-700">{t('providers.form.headers')}</legend>
          <p className="text-xs text-slate-500">{t('providers.form.headersHint')}</p>
          {rows.map((row, i) => (
            <div key={i} className="flex gap-2" data-testid="provider-header-row">
              <Input
                aria-label={t('providers.form.headerName')}
                placeholder={t('providers.form.headerName')}
                value={row.name}
                spellCheck={false}
                onChange={(e) => editRows(rows.map((r, j) => (j === i ? { ...r, name: e.target.value } : r)))}
                data-testid="provider-header-name"
              />
              <Input
                aria-label={t('providers.form.headerValue')}
                placeholder={t('providers.form.headerValue')}
                value={row.value}
                spellCheck={false}
                onFocus={(e) => e.currentTarget.select()}
                onChange={(e) => editRows(rows.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))}
                data-testid="provider-header-value"
              />
              <Button
                size="sm"
                variant="ghost"
                aria-label={t('providers.form.removeHeader', { name: row.name })}
                title={t('providers.form.removeHeader', { name: row.name })}
                onClick={() => editRows(rows.filter((_, j) => j !== i))}
              >
                ✕
              </Button>
            </div>
          ))}
          <div>
            <Button size="sm" onClick={() => editRows([...rows, { name: '', value: '' }])} data-testid="provider-add-header">
              + {t('providers.form.addHeader')}
            </Button>
          </div>
        </fieldset>
        <Field label={t('providers.form.proxy')} htmlFor="provider-proxy" hint={t('providers.form.proxyHint')}>
          <Input id="provider-proxy" value={proxy} spellCheck={false} placeholder="socks5://127.0.0.1:1080" onChange={(e) => setProxy(e.target.value)} data-testid="provider-proxy" />
        </Field>
        {!editing && (
          <Field label={t('providers.form.keys')} htmlFor="provider-keys" hint={t('providers.form.keysHint')}>
            <Textarea
              id="provider-keys"
              rows={2}
              value={keys}
              spellCheck={false}
              autoComplete="off"
              className="font-mono"
              onChange={(e) => setKeys(e.target.value)}
              data-testid="provider-keys"
            />
          </Field>
        )}
        <div className="flex items-center gap-3">
          <Toggle checked={enabled} onChange={setEnabled} label={t('providers.form.enabled')} data-testid="provider-enabled" />
          <span className="text-sm">{t('providers.form.enabled')}</span>
        </div>
        {/* Enter in a single-line field saves */}
        <button type="submit" className="hidden" aria-hidden="true" tabIndex={-1} />
      </form>
      {error && (
        <p className="mt-3 text-sm text-red-600" role="alert" data-testid="provider-form-error">
          {error}
        </p>
      )}
    </Dialog>
  );
}

'use client';

import { useState } from 'react';
import { api } from '../../lib/api/client';
import type { ApiKeyItem } from '../../lib/api/types';
import { parseList, parsePositiveInt } from '../../lib/format/numbers';
import { localInputToIso } from '../../lib/format/time';
import { useAction } from '../../lib/hooks/use-action';
import { useI18n } from '../../lib/i18n/i18n';
import { Button } from '../shared/button';
import { Card } from '../shared/card';
import { CopyButton } from '../shared/copy-button';
import { Field, Input } from '../shared/field';

/** Quota, description, expiry, allowed models and RPM → POST /auth/keys. */
export function CreateKeyForm({ onCreated }: { onCreated(key: ApiKeyItem): void }) {
  const { t } = useI18n();
  const { busy, run } = useAction();
  const [quota, setQuota] = useState('1000');
  const [description, setDescription] = useState('');
  const [expires, setExpires] = useState('');
  const [models, setModels] = useState('');
  const [rpm, setRpm] = useState('');
  const [errors, setErrors] = useState<{ quota?: string; rpm?: string }>({});

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const total = parsePositiveInt(quota);
    const rpmLimit = rpm.trim() === '' ? null : parsePositiveInt(rpm);
    const problems = {
      ...(total === null ? { quota: t('keys.create.invalidQuota') } : {}),
      ...(rpm.trim() !== '' && rpmLimit === null ? { rpm: t('keys.create.invalidRpm') } : {}),
    };
    setErrors(problems);
    if (Object.keys(problems).length > 0 || total === null) return;
    const created = await run(() =>
      api.keys.create({
        total_quota: total,
        description: description.trim() || null,
        expires_at: localInputToIso(expires),
        allowed_models: parseList(models),
        rpm_limit: rpmLimit,
      }),
    );
    if (created) {
      onCreated(created);
      setDescription('');
      setExpires('');
      setModels('');
      setRpm('');
    }
  }

  return (
    <Card title={t('keys.create.title')}>
      <form onSubmit={submit} className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <Field label={t('keys.create.quota')} htmlFor="key-quota" error={errors.quota}>
          <Input id="key-quota" inputMode="numeric" value={quota} onChange={(e) => setQuota(e.target.value)} data-testid="key-quota" />
        </Field>
        <Field label={t('keys.create.description')} htmlFor="key-description" hint={t('common.optional')}>
          <Input id="key-description" value={description} maxLength={200} onChange={(e) => setDescription(e.target.value)} data-testid="key-description" />
        </Field>
        <Field label={t('keys.create.expires')} htmlFor="key-expires" hint={t('common.optional')}>
          <Input id="key-expires" type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} data-testid="key-expires" />
        </Field>
        <Field label={t('keys.create.models')} htmlFor="key-models" hint={t('keys.create.modelsHint')}>
          <Input id="key-models" value={models} placeholder="gemini-2.5-pro, gemini-2.5-flash" onChange={(e) => setModels(e.target.value)} data-testid="key-models" />
        </Field>
        <Field label={t('keys.create.rpm')} htmlFor="key-rpm" hint={t('keys.create.rpmHint')} error={errors.rpm}>
          <Input id="key-rpm" inputMode="numeric" value={rpm} onChange={(e) => setRpm(e.target.value)} data-testid="key-rpm" />
        </Field>
        <div className="flex items-end">
          <Button type="submit" variant="primary" busy={busy} className="w-full sm:w-auto" data-testid="key-create">
            {busy ? t('keys.create.creating') : t('keys.create.submit')}
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** The full key, once, with a copy button. */
export function NewKeyBanner({ item, onDone }: { item: ApiKeyItem; onDone(): void }) {
  const { t } = useI18n();
  return (
    <div className="rounded-xl border-2 border-green-300 bg-green-50 p-4" data-testid="new-key-banner">
      <div className="font-semibold text-green-900">{t('keys.new.title')}</div>
      <p className="mt-1 text-sm text-green-900">{t('keys.new.warning')}</p>
      <div className="mt-3 flex flex-col gap-2 sm:flex-row">
        <Input readOnly value={item.api_key} className="font-mono" onFocus={(e) => e.currentTarget.select()} data-testid="new-api-key" aria-label={t('keys.col.key')} />
        <div className="flex gap-2">
          <CopyButton text={item.api_key} data-testid="copy-new-key" />
          <Button onClick={onDone}>{t('keys.new.done')}</Button>
        </div>
      </div>
    </div>
  );
}

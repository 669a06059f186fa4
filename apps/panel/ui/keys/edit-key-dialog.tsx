'use client';

import { useState } from 'react';
import { api } from '../../lib/api/client';
import type { ApiKeyItem, KeyUpdateInput } from '../../lib/api/types';
import { parseList, parsePositiveInt } from '../../lib/format/numbers';
import { isoToLocalInput, localInputToIso } from '../../lib/format/time';
import { useAction } from '../../lib/hooks/use-action';
import { useI18n } from '../../lib/i18n/i18n';
import { Button } from '../shared/button';
import { Dialog } from '../shared/dialog';
import { Field, Input, Toggle } from '../shared/field';

/** PATCH /auth/keys/{id}: only what changed is sent. */
export function EditKeyDialog({ item, onClose, onSaved }: { item: ApiKeyItem; onClose(): void; onSaved(k: ApiKeyItem): void }) {
  const { t } = useI18n();
  const { busy, run } = useAction();
  const [total, setTotal] = useState(String(item.total_quota));
  const [add, setAdd] = useState('');
  const [description, setDescription] = useState(item.description ?? '');
  const [enabled, setEnabled] = useState(item.enabled);
  const [expires, setExpires] = useState(isoToLocalInput(item.expires_at));
  const [models, setModels] = useState(item.allowed_models.join(', '));
  const [rpm, setRpm] = useState(item.rpm_limit ? String(item.rpm_limit) : '');
  const [error, setError] = useState<string | null>(null);

  async function save() {
    const patch: KeyUpdateInput = {};
    const totalN = parsePositiveInt(total);
    if (totalN === null) return setError(t('keys.create.invalidQuota'));
    if (totalN !== item.total_quota) patch.total_quota = totalN;
    if (add.trim()) {
      const addN = parsePositiveInt(add);
      if (addN === null) return setError(t('keys.create.invalidQuota'));
      patch.add_quota = addN;
    }
    if (description.trim() !== (item.description ?? '')) patch.description = description.trim() || null;
    if (enabled !== item.enabled) patch.enabled = enabled;
    const exp = localInputToIso(expires);
    if ((exp ?? '') !== (item.expires_at ? localInputToIso(isoToLocalInput(item.expires_at)) : '')) patch.expires_at = exp;
    const list = parseList(models);
    if (list.join(',') !== item.allowed_models.join(',')) patch.allowed_models = list;
    const rpmN = rpm.trim() === '' ? null : parsePositiveInt(rpm);
    if (rpm.trim() !== '' && rpmN === null) return setError(t('keys.create.invalidRpm'));
    if (rpmN !== item.rpm_limit) patch.rpm_limit = rpmN;
    setError(null);
    if (Object.keys(patch).length === 0) return onClose();
    const saved = await run(() => api.keys.update(item.id, patch), t('keys.saved'));
    if (saved) onSaved(saved);
  }

  return (
    <Dialog
      open
      title={t('keys.edit.title', { key: item.api_key })}
      onClose={onClose}
      data-testid="edit-key-dialog"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button variant="primary" busy={busy} onClick={() => void save()} data-testid="key-save">
            {t('common.save')}
          </Button>
        </>
      }
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label={t('keys.edit.totalQuota')} htmlFor="edit-total">
          <Input id="edit-total" inputMode="numeric" value={total} onChange={(e) => setTotal(e.target.value)} data-testid="edit-total" />
        </Field>
        <Field label={t('keys.edit.addQuota')} htmlFor="edit-add" hint={t('common.optional')}>
          <Input id="edit-add" inputMode="numeric" value={add} onChange={(e) => setAdd(e.target.value)} />
        </Field>
        <Field label={t('keys.create.description')} htmlFor="edit-description">
          <Input id="edit-description" value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <Field label={t('keys.create.expires')} htmlFor="edit-expires">
          <Input id="edit-expires" type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />
        </Field>
        <Field label={t('keys.create.models')} htmlFor="edit-models" hint={t('keys.create.modelsHint')}>
          <Input id="edit-models" value={models} onChange={(e) => setModels(e.target.value)} />
        </Field>
        <Field label={t('keys.create.rpm')} htmlFor="edit-rpm" hint={t('keys.create.rpmHint')}>
          <Input id="edit-rpm" inputMode="numeric" value={rpm} onChange={(e) => setRpm(e.target.value)} />
        </Field>
        <div className="flex items-center gap-3">
          <Toggle checked={enabled} onChange={setEnabled} label={t('common.enabled')} />
          <span className="text-sm">{enabled ? t('common.enabled') : t('common.disabled')}</span>
        </div>
      </div>
      {error && <p className="mt-3 text-sm text-red-600">{error}</p>}
    </Dialog>
  );
}

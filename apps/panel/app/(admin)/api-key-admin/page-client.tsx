'use client';

import { useState } from 'react';
import { api } from '../../../lib/api/client';
import type { ApiKeyItem } from '../../../lib/api/types';
import { useAction } from '../../../lib/hooks/use-action';
import { useKeys } from '../../../lib/hooks/use-keys';
import { useNow } from '../../../lib/hooks/use-now';
import { useI18n } from '../../../lib/i18n/i18n';
import { CreateKeyForm, NewKeyBanner } from '../../../ui/keys/create-key-form';
import { EditKeyDialog } from '../../../ui/keys/edit-key-dialog';
import { KeysTable } from '../../../ui/keys/keys-table';
import { ModelCostsEditor } from '../../../ui/keys/model-costs-editor';
import { Button } from '../../../ui/shared/button';
import { Card, PageHeader } from '../../../ui/shared/card';
import { ConfirmDialog } from '../../../ui/shared/dialog';
import { EmptyState, ErrorState, LoadingState } from '../../../ui/shared/states';

export function KeyAdminPageClient() {
  const { t } = useI18n();
  const now = useNow(30_000);
  const keys = useKeys();
  const toggle = useAction();
  const remove = useAction();
  const [created, setCreated] = useState<ApiKeyItem | null>(null);
  const [editing, setEditing] = useState<ApiKeyItem | null>(null);
  const [deleting, setDeleting] = useState<ApiKeyItem | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);

  return (
    <>
      <PageHeader title={t('keys.title')} subtitle={t('keys.subtitle')} actions={<Button onClick={() => void keys.reload()}>{t('common.refresh')}</Button>} />
      <div className="flex flex-col gap-6">
        {created && <NewKeyBanner item={created} onDone={() => setCreated(null)} />}
        <CreateKeyForm
          onCreated={(k) => {
            setCreated(k);
            void keys.reload();
          }}
        />
        <Card title={t('keys.list.title', { n: keys.data?.total_keys ?? 0 })}>
          {keys.loading && !keys.data ? (
            <LoadingState />
          ) : keys.error && !keys.data ? (
            <ErrorState error={keys.error} onRetry={() => void keys.reload()} />
          ) : keys.data && keys.data.keys.length === 0 ? (
            <EmptyState title={t('keys.empty.title')} body={t('keys.empty.body')} />
          ) : keys.data ? (
            <KeysTable
              keys={keys.data.keys}
              now={now}
              busyId={busyId}
              onEdit={setEditing}
              onDelete={setDeleting}
              onToggle={(k) => {
                setBusyId(k.id);
                void toggle.run(() => api.keys.update(k.id, { enabled: !k.enabled }), t('keys.saved')).then(() => {
                  setBusyId(null);
                  return keys.reload();
                });
              }}
            />
          ) : null}
        </Card>
        <ModelCostsEditor />
      </div>
      {editing && (
        <EditKeyDialog
          item={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void keys.reload();
          }}
        />
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={t('keys.delete.title')}
        body={t('keys.delete.body', { key: deleting?.api_key ?? '' })}
        confirmLabel={t('common.delete')}
        busy={remove.busy}
        onClose={() => setDeleting(null)}
        onConfirm={() => {
          const k = deleting;
          if (!k) return;
          void remove.run(() => api.keys.remove(k.id), t('keys.deleted')).then(() => {
            setDeleting(null);
            return keys.reload();
          });
        }}
      />
    </>
  );
}

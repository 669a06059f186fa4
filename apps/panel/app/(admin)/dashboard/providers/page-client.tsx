'use client';

import { useState } from 'react';
import { api } from '../../../../lib/api/client';
import type { ProviderItem } from '../../../../lib/api/types';
import { useProviders } from '../../../../lib/hooks/use-providers';
import { useI18n } from '../../../../lib/i18n/i18n';
import { AddKeysDialog } from '../../../../ui/providers/add-keys-dialog';
import { ProviderCard } from '../../../../ui/providers/provider-card';
import { ProviderFormDialog } from '../../../../ui/providers/provider-form-dialog';
import type { ProviderTestOutcome } from '../../../../ui/providers/provider-test-result';
import { Button } from '../../../../ui/shared/button';
import { Card, PageHeader } from '../../../../ui/shared/card';
import { ConfirmDialog } from '../../../../ui/shared/dialog';
import { EmptyState, ErrorState, LoadingState, useErrorMessage } from '../../../../ui/shared/states';
import { useToast } from '../../../../ui/shared/toast';

/** Admin-defined upstreams: list, create, edit, enable/disable, keys, test, delete. */
export function ProvidersPageClient() {
  const { t } = useI18n();
  const toast = useToast();
  const describe = useErrorMessage();
  const providers = useProviders();
  const [form, setForm] = useState<{ provider?: ProviderItem } | null>(null);
  const [addingKeys, setAddingKeys] = useState<ProviderItem | null>(null);
  const [deleting, setDeleting] = useState<ProviderItem | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [tests, setTests] = useState<Record<string, ProviderTestOutcome>>({});
  const list = providers.data?.providers ?? [];

  async function act(id: string, fn: () => Promise<void>) {
    setBusy(id);
    try {
      await fn();
    } catch (error) {
      toast.error(describe(error));
    } finally {
      setBusy(null);
      await providers.reload();
    }
  }

  const test = (p: ProviderItem) =>
    act(`${p.name}:test`, async () => {
      let outcome: ProviderTestOutcome;
      try {
        outcome = { answer: await api.providers.test(p.name) };
      } catch (error) {
        // disabled provider, no enabled key: the gateway says why
        outcome = { error: describe(error) };
      }
      setTests((all) => ({ ...all, [p.name]: outcome }));
    });

  return (
    <>
      <PageHeader
        title={t('providers.title')}
        subtitle={t('providers.subtitle')}
        actions={
          <>
            <Button onClick={() => void providers.reload()} busy={providers.refreshing && !!providers.data}>
              {t('common.refresh')}
            </Button>
            <Button variant="primary" onClick={() => setForm({})} data-testid="provider-new">
              {t('providers.new')}
            </Button>
          </>
        }
      />
      <Card title={t('providers.list.title', { n: list.length })}>
        {providers.loading && !providers.data ? (
          <LoadingState />
        ) : providers.error && !providers.data ? (
          <ErrorState error={providers.error} onRetry={() => void providers.reload()} />
        ) : list.length === 0 ? (
          <EmptyState title={t('providers.empty.title')} body={t('providers.empty.body')}>
            <Button variant="primary" className="mt-3" onClick={() => setForm({})}>
              {t('providers.new')}
            </Button>
          </EmptyState>
        ) : (
          <ul className="flex flex-col gap-4" data-testid="providers-list">
            {list.map((p) => (
              <ProviderCard
                key={p.name}
                provider={p}
                busy={busy}
                test={tests[p.name]}
                onToggle={(enabled) =>
                  void act(`${p.name}:toggle`, async () => {
                    await api.providers.update(p.name, { enabled });
                    toast.success(t('providers.saved', { name: p.name }));
                  })
                }
                onTest={() => void test(p)}
                onDismissTest={() => setTests(({ [p.name]: _, ...rest }) => rest)}
                onEdit={() => setForm({ provider: p })}
                onAddKeys={() => setAddingKeys(p)}
                onDelete={() => setDeleting(p)}
              />
            ))}
          </ul>
        )}
      </Card>

      {form && (
        <ProviderFormDialog
          provider={form.provider}
          onClose={() => setForm(null)}
          onSaved={(name, created) => {
            setForm(null);
            toast.success(created ? t('providers.created', { name }) : t('providers.saved', { name }));
            void providers.reload();
          }}
        />
      )}
      {addingKeys && <AddKeysDialog provider={addingKeys} onClose={() => setAddingKeys(null)} onAdded={() => void providers.reload()} />}
      <ConfirmDialog
        open={deleting !== null}
        title={t('providers.delete.title', { name: deleting?.name ?? '' })}
        body={t('providers.delete.body', { n: deleting?.keys.total ?? 0 })}
        confirmLabel={t('common.delete')}
        busy={busy === `${deleting?.name}:delete`}
        onClose={() => setDeleting(null)}
        onConfirm={() => {
          const p = deleting;
          if (!p) return;
          void act(`${p.name}:delete`, async () => {
            await api.providers.remove(p.name);
            toast.success(t('providers.deleted', { name: p.name }));
            setDeleting(null);
            setTests(({ [p.name]: _, ...rest }) => rest);
          });
        }}
      />
    </>
  );
}

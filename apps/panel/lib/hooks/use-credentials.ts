'use client';

import { useCallback, useState } from 'react';
import { api } from '../api/client';
import type { CredentialAction, CredentialItem, CredentialsQuery, TestAnswer } from '../api/types';
import { saveBlob } from '../download';
import { useI18n } from '../i18n/i18n';
import { useErrorMessage } from '../../ui/shared/states';
import { useToast } from '../../ui/shared/toast';
import { useResource } from './use-resource';

export const DEFAULT_CREDENTIALS_QUERY: CredentialsQuery = { offset: 0, limit: 20, status_filter: 'all', cooldown_filter: 'all', search: '', kind: '' };

/** One page of the pool, refreshed every 10 s (cooldowns and errors change on their own). */
export function useCredentials(query: CredentialsQuery) {
  return useResource((signal) => api.credentials.status(query, signal), JSON.stringify(query), { intervalMs: 10_000 });
}

export type BulkAction = CredentialAction | 'test' | 'fetch_email';

/**
 * Everything the table can do to credentials, one by one or in bulk, with progress for bulk work
 * and one toast per outcome. `onChanged` reloads the page of credentials.
 */
export function useCredentialActions(onChanged: () => Promise<void> | void) {
  const { t } = useI18n();
  const toast = useToast();
  const describe = useErrorMessage();
  const [busy, setBusy] = useState<string | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  /** the last test of each credential (by file name), shown in its row until dismissed */
  const [tests, setTests] = useState<Record<string, TestAnswer>>({});
  const dismissTest = useCallback((filename: string) => setTests(({ [filename]: _, ...rest }) => rest), []);

  const guard = useCallback(
    async (id: string, fn: () => Promise<void>) => {
      setBusy(id);
      try {
        await fn();
      } catch (error) {
        toast.error(describe(error));
      } finally {
        setBusy(null);
        await onChanged();
      }
    },
    [toast, describe, onChanged],
  );

  const single = useCallback(
    (item: CredentialItem, action: BulkAction, model?: string) =>
      guard(`${item.filename}:${action}`, async () => {
        if (action === 'test') {
          let r: TestAnswer;
          try {
            r = await api.credentials.test(item.filename);
          } catch (error) {
            // a kind the gateway cannot test yet answers with an error: shown like a failed test
            r = { filename: item.filename, success: false, status: 0, message: describe(error) };
          }
          setTests((all) => ({ ...all, [item.filename]: r }));
          if (r.success) toast.success(t('creds.test.ok', { file: item.user_email ?? item.filename }));
          else toast.error(t('creds.test.failed', { file: item.user_email ?? item.filename, message: r.status ? `${r.status} ${r.message}` : r.message }));
        } else if (action === 'fetch_email') {
          const r = await api.credentials.fetchEmail(item.filename);
          toast.success(t('creds.email.ok', { file: item.filename, email: r.user_email }));
        } else {
          const r = await api.credentials.action(item.filename, action, model);
          toast.success(r.message);
        }
      }),
    [guard, toast, t, describe],
  );

  const bulk = useCallback(
    (filenames: string[], action: BulkAction) =>
      guard(`bulk:${action}`, async () => {
        if (action === 'test' || action === 'fetch_email') {
          let ok = 0;
          setProgress({ done: 0, total: filenames.length });
          for (const [i, filename] of filenames.entries()) {
            try {
              if (action === 'test') {
                const r = await api.credentials.test(filename);
                setTests((all) => ({ ...all, [filename]: r }));
                ok += r.success ? 1 : 0;
              } else {
                await api.credentials.fetchEmail(filename);
                ok += 1;
              }
            } catch {
              // counted as not done
            }
            setProgress({ done: i + 1, total: filenames.length });
          }
          setProgress(null);
          (ok === filenames.length ? toast.success : toast.error)(t('creds.bulk.done', { ok, total: filenames.length }));
          return;
        }
        const r = await api.credentials.batch(filenames, action);
        (r.errors.length === 0 ? toast.success : toast.error)(
          [t('creds.bulk.done', { ok: r.success_count, total: r.total_count }), ...r.errors.slice(0, 3)].join(' · '),
        );
      }),
    [guard, toast, t],
  );

  const download = useCallback(
    (filename: string) => guard(`${filename}:download`, async () => saveBlob(await api.credentials.download(filename), filename)),
    [guard],
  );
  const downloadAll = useCallback(() => guard('download-all', async () => saveBlob(await api.credentials.downloadAll(), 'credentials.zip')), [guard]);

  /** sets (or with null removes) the credential's own proxy; true when the gateway took it */
  const setProxy = useCallback(
    async (item: CredentialItem, proxy: string | null): Promise<boolean> => {
      let saved = false;
      await guard(`${item.filename}:proxy`, async () => {
        await api.credentials.setProxy(item.filename, proxy);
        saved = true;
        const name = item.user_email ?? item.filename;
        toast.success(proxy ? t('creds.proxy.saved', { name }) : t('creds.proxy.removed', { name }));
      });
      return saved;
    },
    [guard, toast, t],
  );

  return { busy, progress, tests, dismissTest, single, bulk, download, downloadAll, setProxy };
}

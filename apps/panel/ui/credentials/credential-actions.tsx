'use client';

import type { CredentialItem } from '../../lib/api/types';
import { hasGoogleEmail } from '../../lib/format/credentials';
import type { BulkAction } from '../../lib/hooks/use-credentials';
import { useI18n } from '../../lib/i18n/i18n';
import { Button } from '../shared/button';

/** The buttons of one credential row. */
export function CredentialActions({
  item,
  busy,
  onAction,
  onDownload,
  onDelete,
  onProxy,
  onQuota,
}: {
  item: CredentialItem;
  busy: string | null;
  onAction(a: BulkAction): void;
  onDownload(): void;
  onDelete(): void;
  onProxy(): void;
  onQuota(): void;
}) {
  const { t } = useI18n();
  const is = (a: string) => busy === `${item.filename}:${a}`;
  return (
    <div className="flex flex-wrap gap-1">
      {item.disabled ? (
        <Button size="sm" onClick={() => onAction('enable')} busy={is('enable')} data-testid="cred-enable">
          {t('creds.action.enable')}
        </Button>
      ) : (
        <Button size="sm" onClick={() => onAction('disable')} busy={is('disable')} data-testid="cred-disable">
          {t('creds.action.disable')}
        </Button>
      )}
      <Button size="sm" onClick={() => onAction('test')} busy={is('test')} data-testid="cred-test">
        {t('creds.action.test')}
      </Button>
      {/* only Google accounts have an email to look up */}
      {hasGoogleEmail(item.backend_type) && (
        <Button size="sm" onClick={() => onAction('fetch_email')} busy={is('fetch_email')} data-testid="cred-fetch-email">
          {t('creds.action.fetchEmail')}
        </Button>
      )}
      {/* Antigravity accounts report each model's quota */}
      {item.backend_type === 'antigravity' && (
        <Button size="sm" onClick={onQuota} data-testid="cred-quota">
          {t('creds.action.quota')}
        </Button>
      )}
      {item.cooldown_status === 'cooling' && (
        <Button size="sm" onClick={() => onAction('clear_cooldown')} busy={is('clear_cooldown')} data-testid="cred-clear-cooldown">
          {t('creds.action.clearCooldown')}
        </Button>
      )}
      <Button size="sm" onClick={onProxy} busy={is('proxy')} data-testid="cred-proxy">
        {t('creds.action.proxy')}
      </Button>
      <Button size="sm" onClick={onDownload} busy={is('download')} data-testid="cred-download">
        {t('creds.action.download')}
      </Button>
      <Button size="sm" variant="ghost" className="text-red-600 hover:bg-red-50" onClick={onDelete} data-testid="cred-delete">
        {t('creds.action.delete')}
      </Button>
    </div>
  );
}

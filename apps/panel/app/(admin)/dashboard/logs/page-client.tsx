'use client';

import { useI18n } from '../../../../lib/i18n/i18n';
import { LogViewer } from '../../../../ui/logs/log-viewer';
import { PageHeader } from '../../../../ui/shared/card';

export function LogsPageClient() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('logs.title')} subtitle={t('logs.subtitle')} />
      <LogViewer />
    </>
  );
}

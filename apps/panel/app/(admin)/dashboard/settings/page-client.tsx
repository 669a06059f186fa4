'use client';

import { useState } from 'react';
import { api } from '../../../../lib/api/client';
import type { ConfigSaveAnswer } from '../../../../lib/api/types';
import { useResource } from '../../../../lib/hooks/use-resource';
import { useI18n } from '../../../../lib/i18n/i18n';
import { SettingsEditor, SettingsSaveResult } from '../../../../ui/settings/settings-editor';
import { PageHeader } from '../../../../ui/shared/card';
import { ErrorState, LoadingState } from '../../../../ui/shared/states';

export function SettingsPageClient() {
  const { t } = useI18n();
  const config = useResource((signal) => api.config.get(signal), 'config');
  const [lastSave, setLastSave] = useState<ConfigSaveAnswer | null>(null);
  return (
    <>
      <PageHeader title={t('settings.title')} subtitle={t('settings.subtitle')} />
      {lastSave && (
        <div className="mb-4">
          <SettingsSaveResult result={lastSave} />
        </div>
      )}
      {config.loading && !config.data ? (
        <LoadingState />
      ) : config.error && !config.data ? (
        <ErrorState error={config.error} onRetry={() => void config.reload()} />
      ) : config.data ? (
        // a fresh form for each loaded config
        <SettingsEditor
          key={JSON.stringify(config.data.config)}
          config={config.data}
          onSaved={(answer) => {
            setLastSave(answer);
            window.scrollTo({ top: 0, behavior: 'smooth' });
            void config.reload();
          }}
        />
      ) : null}
    </>
  );
}

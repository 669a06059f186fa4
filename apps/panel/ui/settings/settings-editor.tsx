'use client';

import { useMemo, useState } from 'react';
import { api } from '../../lib/api/client';
import type { ConfigAnswer, ConfigSaveAnswer } from '../../lib/api/types';
import { buildSettingsPatch, groupSettings, SETTING_CHOICES, settingKind, toFormValue, type SettingKind } from '../../lib/format/settings';
import { useI18n } from '../../lib/i18n/i18n';
import { isMessageKey } from '../../lib/i18n/translate';
import { Badge } from '../shared/badge';
import { Button } from '../shared/button';
import { Card } from '../shared/card';
import { Input, Select, Toggle } from '../shared/field';
import { Alert, useErrorMessage } from '../shared/states';

/** Every runtime setting with whether it applies at once, needs a restart, or is locked by env. */
export function SettingsEditor({ config, onSaved }: { config: ConfigAnswer; onSaved(answer: ConfigSaveAnswer): void }) {
  const { t } = useI18n();
  const describe = useErrorMessage();
  const keys = Object.keys(config.config);
  const kinds = useMemo(() => Object.fromEntries(keys.map((k) => [k, settingKind(config.config[k], config.meta[k]?.sensitive ?? false)])) as Record<string, SettingKind>, [config, keys]);
  const original = useMemo(() => Object.fromEntries(keys.map((k) => [k, toFormValue(config.config[k], kinds[k]!)])), [config, keys, kinds]);
  const [draft, setDraft] = useState<Record<string, string | boolean>>(original);
  const [cleared, setCleared] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const locked = new Set(config.env_locked);
  const patch = buildSettingsPatch(original, draft, kinds, cleared);
  const changes = Object.keys(patch).length;

  async function save() {
    if (changes === 0) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await api.config.save(patch);
      setCleared(new Set());
      onSaved(answer);
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  const set = (key: string, value: string | boolean) => setDraft((d) => ({ ...d, [key]: value }));

  return (
    <div className="flex flex-col gap-6">
      {groupSettings(keys).map(({ group, keys: groupKeys }) => (
        <Card key={group} title={t(`settings.group.${group}`)} data-testid="settings-group" data-group={group}>
          <div className="divide-y divide-slate-100">
            {groupKeys.map((key) => {
              const meta = config.meta[key];
              const kind = kinds[key]!;
              const isLocked = locked.has(key);
              const labelKey = `setting.${key}`;
              const id = `setting-${key}`;
              return (
                <div key={key} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:gap-4" data-testid="setting" data-key={key}>
                  <div className="sm:w-1/2">
                    <label htmlFor={id} className="text-sm font-medium text-slate-800" data-testid="setting-label">
                      {isMessageKey(labelKey) ? t(labelKey) : key}
                    </label>
                    <div className="mt-1 flex flex-wrap items-center gap-1.5">
                      <code className="text-xs text-slate-500">{meta?.env ?? key}</code>
                      {isLocked ? (
                        <Badge tone="gray" data-testid="setting-locked">
                          🔒 {t('settings.badge.locked', { env: meta?.env ?? key })}
                        </Badge>
                      ) : meta?.hot === false ? (
                        <Badge tone="amber">{t('settings.badge.restart')}</Badge>
                      ) : (
                        <Badge tone="green">{t('settings.badge.hot')}</Badge>
                      )}
                    </div>
                  </div>
                  <div className="sm:w-1/2">
                    {kind === 'boolean' ? (
                      <Toggle id={id} checked={draft[key] === true} onChange={(v) => set(key, v)} disabled={isLocked} label={key} data-testid={`toggle-${key}`} />
                    ) : SETTING_CHOICES[key] && kind === 'text' ? (
                      <Select id={id} value={String(draft[key])} onChange={(e) => set(key, e.target.value)} disabled={isLocked}>
                        {/* a value the panel does not list yet stays selectable */}
                        {[...SETTING_CHOICES[key], ...(SETTING_CHOICES[key].includes(String(original[key])) ? [] : [String(original[key])])].map((l) => (
                          <option key={l} value={l}>
                            {l}
                          </option>
                        ))}
                      </Select>
                    ) : kind === 'secret' ? (
                      <div className="flex gap-2">
                        <Input
                          id={id}
                          type="password"
                          autoComplete="new-password"
                          placeholder={cleared.has(key) ? '' : config.config[key] ? t('settings.unchanged') : ''}
                          value={String(draft[key] ?? '')}
                          onChange={(e) => {
                            set(key, e.target.value);
                            setCleared((c) => {
                              const n = new Set(c);
                              n.delete(key);
                              return n;
                            });
                          }}
                          disabled={isLocked}
                        />
                        {!isLocked && Boolean(config.config[key]) && (
                          <Button
                            size="sm"
                            variant={cleared.has(key) ? 'primary' : 'secondary'}
                            onClick={() => {
                              set(key, '');
                              setCleared((c) => new Set(c).add(key));
                            }}
                          >
                            ✕
                          </Button>
                        )}
                      </div>
                    ) : (
                      <Input
                        id={id}
                        type={kind === 'number' ? 'number' : 'text'}
                        step={kind === 'number' ? 'any' : undefined}
                        value={String(draft[key] ?? '')}
                        onChange={(e) => set(key, e.target.value)}
                        disabled={isLocked}
                      />
                    )}
                  </div>
                </div>
              );
            })}
          </div>
        </Card>
      ))}
      <div className="sticky bottom-0 flex flex-wrap items-center gap-3 border-t border-slate-200 bg-slate-50/95 py-3 backdrop-blur">
        <Button variant="primary" onClick={() => void save()} busy={busy} disabled={changes === 0} data-testid="settings-save">
          {t('settings.save')}
        </Button>
        <Button
          onClick={() => {
            setDraft(original);
            setCleared(new Set());
          }}
          disabled={changes === 0}
        >
          {t('settings.reset')}
        </Button>
        <span className="text-sm text-slate-600">{changes > 0 ? t('settings.changed', { n: changes }) : t('settings.emptyResets')}</span>
      </div>
      {error && <Alert tone="error">{error}</Alert>}
    </div>
  );
}

/** What the last save did: applied at once, needs a restart, ignored because env locks it. */
export function SettingsSaveResult({ result }: { result: ConfigSaveAnswer }) {
  const { t } = useI18n();
  return (
    <Alert tone="success" data-testid="settings-result">
      <div>{t('settings.saved')}</div>
      {result.hot_updated.length > 0 && <div>{t('settings.hotUpdated', { keys: result.hot_updated.join(', ') })}</div>}
      {result.restart_required.length > 0 && <div className="font-medium">{t('settings.restartRequired', { keys: result.restart_required.join(', ') })}</div>}
      {result.env_locked_ignored.length > 0 && <div>{t('settings.ignored', { keys: result.env_locked_ignored.join(', ') })}</div>}
    </Alert>
  );
}

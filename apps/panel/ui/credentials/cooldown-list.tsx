'use client';

import type { CredentialItem } from '../../lib/api/types';
import { activeCooldowns } from '../../lib/format/credentials';
import { formatCountdown } from '../../lib/format/time';
import { useI18n } from '../../lib/i18n/i18n';

/** Per-model cooldowns of a credential, counting down; each can be cleared. */
export function CooldownList({ item, now, onClear }: { item: CredentialItem; now: number; onClear(model: string): void }) {
  const { t } = useI18n();
  const list = activeCooldowns(item.model_cooldowns, now);
  if (list.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <ul className="flex flex-col gap-1">
      {list.map((c) => (
        <li key={c.model} className="flex items-center gap-1.5 text-xs" data-testid="cooldown" title={c.reason}>
          <span className="rounded bg-amber-50 px-1.5 py-0.5 font-mono text-amber-800 ring-1 ring-amber-200">{c.model}</span>
          <span className="tabular-nums text-slate-700" data-testid="cooldown-remaining">
            {formatCountdown(c.remaining)}
          </span>
          <button
            type="button"
            className="text-slate-400 hover:text-red-600"
            aria-label={t('creds.action.clearModelCooldown', { model: c.model })}
            title={t('creds.action.clearModelCooldown', { model: c.model })}
            onClick={() => onClear(c.model)}
          >
            ✕
          </button>
        </li>
      ))}
    </ul>
  );
}

'use client';

import type { CredentialItem } from '../../lib/api/types';
import { credentialState, hasGoogleEmail, kindTone, tierLabel } from '../../lib/format/credentials';
import { useI18n } from '../../lib/i18n/i18n';
import { isMessageKey } from '../../lib/i18n/translate';
import { Badge } from '../shared/badge';

const STATE_TONE = { ready: 'green', disabled: 'gray', cooling: 'amber', error: 'red' } as const;

export function StateBadge({ item }: { item: CredentialItem }) {
  const { t } = useI18n();
  const state = credentialState(item);
  return (
    <Badge tone={STATE_TONE[state]} data-testid="cred-state" data-state={state} title={item.disabled_reason ? t('creds.reason', { reason: item.disabled_reason }) : undefined}>
      {t(`creds.state.${state}`)}
    </Badge>
  );
}

export function TierBadge({ tier, kind }: { tier: string | null; kind?: string }) {
  // other vendors' accounts carry their plan (Claude "max", ChatGPT "plus"): shown as it is
  if (tier && kind && !hasGoogleEmail(kind)) {
    return (
      <Badge tone="blue" data-testid="cred-tier" data-tier={tier}>
        {tier}
      </Badge>
    );
  }
  const label = tierLabel(tier);
  if (!label) return <span className="text-slate-400">—</span>;
  return (
    <Badge tone={label === 'free' ? 'gray' : label === 'pro' ? 'blue' : 'amber'} title={tier ?? undefined} data-testid="cred-tier" data-tier={tier ?? ''}>
      {label}
    </Badge>
  );
}

/** The readable name of a credential kind; kinds the panel does not know yet show as they are. */
export function useKindLabel(): (kind: string) => string {
  const { t } = useI18n();
  return (kind) => {
    const key = `kind.${kind}`;
    return isMessageKey(key) ? t(key) : kind;
  };
}

export function KindBadge({ kind }: { kind: string }) {
  const label = useKindLabel();
  return (
    <Badge tone={kindTone(kind)} data-testid="cred-kind" data-kind={kind} title={kind}>
      {label(kind)}
    </Badge>
  );
}

/** Kind, provider (openai-compat keys) and whether the credential has its own proxy. */
export function KindCell({ item }: { item: CredentialItem }) {
  const { t } = useI18n();
  return (
    <div className="flex flex-col items-start gap-1">
      <KindBadge kind={item.backend_type} />
      {item.provider && (
        <span className="font-mono text-xs text-slate-600" data-testid="cred-provider" data-provider={item.provider}>
          {t('creds.provider', { name: item.provider })}
        </span>
      )}
      {item.proxy && (
        <Badge tone="gray" data-testid="cred-proxy-set">
          {t('creds.proxy.badge')}
        </Badge>
      )}
    </div>
  );
}

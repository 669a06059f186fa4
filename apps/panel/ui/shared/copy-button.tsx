'use client';

import { useClipboard } from '../../lib/hooks/use-clipboard';
import { useI18n } from '../../lib/i18n/i18n';
import { Button } from './button';

export function CopyButton({ text, label, ...rest }: { text: string; label?: string } & Omit<React.ButtonHTMLAttributes<HTMLButtonElement>, 'onClick'>) {
  const { t } = useI18n();
  const { copied, failed, copy } = useClipboard();
  return (
    <Button size="sm" onClick={() => void copy(text)} aria-live="polite" {...rest}>
      {copied ? `✓ ${t('common.copied')}` : failed ? t('common.copyFailed') : (label ?? t('common.copy'))}
    </Button>
  );
}

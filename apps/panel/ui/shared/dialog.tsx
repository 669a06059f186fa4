'use client';

import { useEffect, useRef } from 'react';
import { useI18n } from '../../lib/i18n/i18n';
import { Button } from './button';

export function Dialog({
  open,
  title,
  onClose,
  children,
  footer,
  wide = false,
  ...rest
}: { open: boolean; title: string; onClose(): void; children: React.ReactNode; footer?: React.ReactNode; /** room for a table */ wide?: boolean } & React.HTMLAttributes<HTMLDivElement>) {
  const panel = useRef<HTMLDivElement>(null);
  // the latest onClose, so a parent re-rendering (a ticking clock) does not move the focus back to the first field
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close.current();
    };
    window.addEventListener('keydown', onKey);
    panel.current?.querySelector<HTMLElement>('input, select, textarea, button')?.focus();
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  if (!open) return null;
  return (
    <div className="fixed inset-0 z-50 flex items-end justify-center bg-slate-900/40 p-0 sm:items-center sm:p-4" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={panel} role="dialog" aria-modal="true" aria-label={title} className={`max-h-[90vh] w-full overflow-y-auto rounded-t-xl bg-white shadow-xl sm:rounded-xl ${wide ? 'sm:max-w-3xl' : 'sm:max-w-lg'}`} {...rest}>
        <div className="border-b border-slate-100 px-5 py-4 text-base font-semibold text-slate-900">{title}</div>
        <div className="px-5 py-4 text-sm text-slate-700">{children}</div>
        {footer && <div className="flex justify-end gap-2 border-t border-slate-100 px-5 py-3">{footer}</div>}
      </div>
    </div>
  );
}

export function ConfirmDialog({ open, title, body, confirmLabel, busy, onConfirm, onClose }: { open: boolean; title: string; body: string; confirmLabel: string; busy?: boolean; onConfirm(): void; onClose(): void }) {
  const { t } = useI18n();
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onClose}
      data-testid="confirm-dialog"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button variant="danger" busy={busy} onClick={onConfirm} data-testid="confirm-ok">
            {confirmLabel}
          </Button>
        </>
      }
    >
      {body}
    </Dialog>
  );
}

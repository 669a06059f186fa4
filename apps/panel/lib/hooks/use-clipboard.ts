'use client';

import { useCallback, useState } from 'react';

/** Copies text (Clipboard API, or a selection fallback on plain-http origins); `copied` flips for 2 s. */
export function useClipboard(): { copied: boolean; failed: boolean; copy(text: string): Promise<boolean> } {
  const [copied, setCopied] = useState(false);
  const [failed, setFailed] = useState(false);
  const copy = useCallback(async (text: string) => {
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        ok = true;
      }
    } catch {
      ok = false;
    }
    if (!ok) {
      const area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
      area.remove();
    }
    setCopied(ok);
    setFailed(!ok);
    setTimeout(() => {
      setCopied(false);
      setFailed(false);
    }, 2_000);
    return ok;
  }, []);
  return { copied, failed, copy };
}

'use client';

import { createContext, useCallback, useContext, useMemo, useState } from 'react';

export type ToastTone = 'success' | 'error' | 'info';
interface Toast {
  id: number;
  tone: ToastTone;
  text: string;
}

const ToastContext = createContext<((tone: ToastTone, text: string) => void) | null>(null);

export function ToastProvider({ children }: { children: React.ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const push = useCallback((tone: ToastTone, text: string) => {
    const id = Date.now() + Math.random();
    setToasts((list) => [...list.slice(-3), { id, tone, text }]);
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), tone === 'error' ? 7_000 : 4_000);
  }, []);
  return (
    <ToastContext.Provider value={push}>
      {children}
      <div className="pointer-events-none fixed inset-x-0 bottom-3 z-[60] flex flex-col items-center gap-2 px-3" aria-live="polite">
        {toasts.map((t) => (
          <div
            key={t.id}
            data-testid="toast"
            data-tone={t.tone}
            className={`pointer-events-auto max-w-lg rounded-lg px-4 py-2 text-sm shadow-lg ${t.tone === 'error' ? 'bg-red-600 text-white' : t.tone === 'success' ? 'bg-green-600 text-white' : 'bg-slate-800 text-white'}`}
          >
            {t.text}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): { success(text: string): void; error(text: string): void; info(text: string): void } {
  const push = useContext(ToastContext);
  return useMemo(() => {
    const p = push ?? (() => {});
    return { success: (t) => p('success', t), error: (t) => p('error', t), info: (t) => p('info', t) };
  }, [push]);
}

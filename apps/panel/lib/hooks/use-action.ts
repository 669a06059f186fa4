'use client';

import { useCallback, useState } from 'react';
import { useErrorMessage } from '../../ui/shared/states';
import { useToast } from '../../ui/shared/toast';

/**
 * Runs a mutation with the error handling every button needs: busy flag, error toast with a readable
 * message (401s already send the admin to the login page), optional success toast.
 */
export function useAction(): { busy: boolean; run<T>(fn: () => Promise<T>, success?: string | ((value: T) => string)): Promise<T | undefined> } {
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const message = useErrorMessage();
  const run = useCallback(
    async <T,>(fn: () => Promise<T>, success?: string | ((value: T) => string)) => {
      setBusy(true);
      try {
        const value = await fn();
        if (success) toast.success(typeof success === 'function' ? success(value) : success);
        return value;
      } catch (error) {
        toast.error(message(error));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [toast, message],
  );
  return { busy, run };
}

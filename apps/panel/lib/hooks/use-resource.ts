'use client';

import { useCallback, useEffect, useRef, useState } from 'react';

export interface Resource<T> {
  data: T | null;
  error: Error | null;
  /** true while the first load (or a load after an error) runs */
  loading: boolean;
  /** true while any load runs, including background refreshes */
  refreshing: boolean;
  reload(): Promise<void>;
  setData(update: T | null | ((current: T | null) => T | null)): void;
}

/**
 * Loads data with a fetcher that receives an AbortSignal; reloads when `key` changes (stale answers
 * are dropped), optionally every `intervalMs` while the tab is visible.
 */
export function useResource<T>(fetcher: (signal: AbortSignal) => Promise<T>, key: string, options: { intervalMs?: number; enabled?: boolean } = {}): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  const controllerRef = useRef<AbortController | null>(null);
  const enabled = options.enabled ?? true;

  const load = useCallback(async () => {
    controllerRef.current?.abort();
    const controller = new AbortController();
    controllerRef.current = controller;
    setRefreshing(true);
    try {
      const value = await fetcherRef.current(controller.signal);
      if (controller.signal.aborted) return;
      setData(value);
      setError(null);
    } catch (e) {
      if (controller.signal.aborted || (e as Error).name === 'AbortError') return;
      setError(e as Error);
    } finally {
      if (controllerRef.current === controller) setRefreshing(false);
    }
  }, []);

  useEffect(() => {
    if (!enabled) return;
    void load();
    return () => controllerRef.current?.abort();
  }, [key, enabled, load]);

  useEffect(() => {
    if (!enabled || !options.intervalMs) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, options.intervalMs);
    return () => clearInterval(timer);
  }, [enabled, options.intervalMs, load]);

  return { data, error, loading: refreshing && (data === null || error !== null), refreshing, reload: load, setData };
}

'use client';

import { api } from '../api/client';
import { useResource } from './use-resource';

/** The admin-defined providers (GET /providers), refreshed every 30 s for the key counts. */
export function useProviders(options: { enabled?: boolean } = {}) {
  return useResource((signal) => api.providers.list(signal), 'providers', { intervalMs: 30_000, ...options });
}

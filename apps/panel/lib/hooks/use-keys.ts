'use client';

import { api } from '../api/client';
import { useResource } from './use-resource';

export function useKeys() {
  return useResource((signal) => api.keys.list(signal), 'keys', { intervalMs: 30_000 });
}

export function useModelCosts() {
  return useResource((signal) => api.costs.list(signal), 'costs');
}

import type { Metadata } from 'next';
import { ProvidersPageClient } from './page-client';

export const metadata: Metadata = { title: 'Providers' };

export default function ProvidersPage() {
  return <ProvidersPageClient />;
}

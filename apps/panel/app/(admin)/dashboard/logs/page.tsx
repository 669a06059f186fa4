import type { Metadata } from 'next';
import { LogsPageClient } from './page-client';

export const metadata: Metadata = { title: 'Live logs' };

export default function LogsPage() {
  return <LogsPageClient />;
}

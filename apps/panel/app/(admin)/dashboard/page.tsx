import type { Metadata } from 'next';
import { DashboardPageClient } from './page-client';

export const metadata: Metadata = { title: 'Credentials' };

export default function DashboardPage() {
  return <DashboardPageClient />;
}

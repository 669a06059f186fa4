import type { Metadata } from 'next';
import { JobsPageClient } from './page-client';

export const metadata: Metadata = { title: 'Background jobs' };

export default function JobsPage() {
  return <JobsPageClient />;
}

import type { Metadata } from 'next';
import { KeyAdminPageClient } from './page-client';

export const metadata: Metadata = { title: 'API keys' };

export default function KeyAdminPage() {
  return <KeyAdminPageClient />;
}

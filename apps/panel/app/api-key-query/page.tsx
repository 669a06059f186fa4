import type { Metadata } from 'next';
import { KeyQueryPageClient } from './page-client';

export const metadata: Metadata = { title: 'Check my API key' };

export default function KeyQueryPage() {
  return <KeyQueryPageClient />;
}

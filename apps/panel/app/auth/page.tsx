import type { Metadata } from 'next';
import { DonationPageClient } from './page-client';

export const metadata: Metadata = { title: 'Donate an account' };

export default function DonationPage() {
  return <DonationPageClient />;
}

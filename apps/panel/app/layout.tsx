import type { Metadata, Viewport } from 'next';
import { Providers } from '../ui/layout/providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'cligate', template: '%s · cligate' },
  description: 'Gemini CLI account pool behind OpenAI and Gemini APIs',
  robots: { index: false, follow: false },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}

import type { NextConfig } from 'next';

// The panel is a static export served by the gateway on its own port (one URL for everything), or by
// its own container in docker compose. No remote fonts, no CDN: nothing is fetched at build or run time.
const config: NextConfig = {
  output: 'export',
  images: { unoptimized: true },
  trailingSlash: true,
  poweredByHeader: false,
};

export default config;

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.spec.ts'],
    testTimeout: 150_000,
    hookTimeout: 120_000,
    globalSetup: ['test/global-setup.ts'],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    testTimeout: 20_000,
    // hooks that start an in-process PGlite take seconds, more while the e2e suite shares the CPU
    hookTimeout: 60_000,
  },
});

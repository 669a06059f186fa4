import { defineConfig } from 'vitest/config';

// Unit tests of the panel's data formatting and client-side logic (no browser: the browser tests of
// the whole panel live in test/browser at the repository root).
export default defineConfig({
  test: {
    include: ['lib/**/*.test.ts'],
    environment: 'node',
  },
});

/** Connection settings of the shared test services (.ci/run makes sure they are up). */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export type GatewayMode = 'postgres+redis' | 'embedded';

/** Modes the e2e suites run in (CLIGATE_TEST_MODES=postgres+redis,embedded; both by default). */
export function testModes(): GatewayMode[] {
  const raw = process.env.CLIGATE_TEST_MODES;
  if (!raw) return ['postgres+redis', 'embedded'];
  return raw.split(',').map((m) => m.trim()).filter((m): m is GatewayMode => m === 'postgres+redis' || m === 'embedded');
}

/** Where tests leave logs and screenshots (kept by CI as artifacts). */
export const ARTIFACTS_DIR = process.env.CLIGATE_TEST_ARTIFACTS ?? new URL('../../.ci/artifacts/', import.meta.url).pathname;

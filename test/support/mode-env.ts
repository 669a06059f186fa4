import { createTestDatabase, uniqueRedisPrefix } from './databases.js';
import { TEST_REDIS_URL, type GatewayMode } from './env.js';

export interface ModeEnv {
  /** postgres+redis: DATABASE_URL, REDIS_URL, REDIS_PREFIX and the encryption and key-hash secrets; embedded: nothing */
  env: Record<string, string>;
  /** drops the database (nothing to drop in embedded mode) */
  drop(): Promise<void>;
}

/**
 * What a gateway needs to run in `mode` beside its own settings. In postgres+redis mode: a fresh
 * database and a unique prefix in the shared Redis, both named after `label`, and fixed secrets;
 * in embedded mode the gateway keeps everything in its data folder.
 */
export async function modeEnv(mode: GatewayMode, label: string): Promise<ModeEnv> {
  if (mode !== 'postgres+redis') return { env: {}, drop: async () => {} };
  const db = await createTestDatabase(label);
  return {
    env: {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: uniqueRedisPrefix(label),
      CLIGATE_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      CLIGATE_KEY_HASH_SECRET: Buffer.alloc(32, 2).toString('base64'),
    },
    drop: db.drop,
  };
}

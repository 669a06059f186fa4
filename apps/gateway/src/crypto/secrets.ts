import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export interface SecretSource {
  key: Buffer;
  /** where it came from, for the startup log */
  origin: 'env' | 'file' | 'generated';
  path?: string;
}

/**
 * Returns the secret given by the environment, or the one stored in `<dataDir>/<fileName>`, or
 * generates it there (mode 0600). Losing a generated file makes every encrypted credential unreadable,
 * which the startup log says plainly.
 */
export function loadOrCreateSecret(fromEnv: Buffer | null, dataDir: string, fileName: string): SecretSource {
  if (fromEnv) return { key: fromEnv, origin: 'env' };
  const path = join(dataDir, fileName);
  if (existsSync(path)) {
    const raw = readFileSync(path, 'utf8').trim();
    const key = Buffer.from(raw, 'base64');
    if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte base64 secret`);
    return { key, origin: 'file', path };
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, origin: 'generated', path };
}

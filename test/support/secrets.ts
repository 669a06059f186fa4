import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ARTIFACTS_DIR } from './env.js';
import type { GatewayProcess } from './gateway-process.js';

/** Every secret the suite used, one per line: the global teardown searches all gateway logs for them. */
export const SECRETS_FILE = join(ARTIFACTS_DIR, 'secrets.txt');

export function registerSecrets(secrets: Array<string | undefined | null>): void {
  const wanted = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8 && !s.includes('\n'));
  if (wanted.length === 0) return;
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  appendFileSync(SECRETS_FILE, `${wanted.join('\n')}\n`);
}

/** Fails when any of the secrets a test used shows up in the gateway's output. */
export function expectNoSecretsInLogs(gateways: GatewayProcess[], secrets: Array<string | undefined | null>): void {
  const wanted = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8);
  expect(wanted.length).toBeGreaterThan(0);
  for (const gateway of gateways) {
    const text = gateway.logs().join('\n');
    expect(text.length).toBeGreaterThan(0);
    for (const secret of wanted) {
      if (text.includes(secret)) throw new Error(`a secret (${secret.slice(0, 6)}…) appears in the log of the gateway at ${gateway.url}`);
    }
  }
}

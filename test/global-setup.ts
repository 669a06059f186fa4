import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS_DIR } from './support/env.js';
import { SECRETS_FILE } from './support/secrets.js';

/** Shapes of secrets no log may contain, whatever test produced them (fake Google tokens, full client keys). */
const SECRET_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ['fake Google access token', /ya29\.fake\.[A-Za-z0-9._-]+/],
  ['fake Google refresh token', /1\/\/fake-refresh-[0-9a-f]+/],
  ['issued client key', /sk-[A-Za-z0-9_-]{43}/],
];

export function setup(): void {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  rmSync(SECRETS_FILE, { force: true });
  rmSync(join(ARTIFACTS_DIR, 'logs'), { recursive: true, force: true });
}

/**
 * After the whole suite: every gateway log the tests produced is searched for every password, key and
 * token the tests registered, and for the shapes of tokens and keys. One hit fails the run.
 */
export function teardown(): void {
  const logsDir = join(ARTIFACTS_DIR, 'logs');
  if (!existsSync(logsDir)) return;
  const secrets = existsSync(SECRETS_FILE)
    ? [...new Set(readFileSync(SECRETS_FILE, 'utf8').split('\n').filter((s) => s.length >= 8))]
    : [];
  const files = readdirSync(logsDir).filter((f) => f.endsWith('.log'));
  let bytes = 0;
  const hits: string[] = [];
  for (const file of files) {
    const path = join(logsDir, file);
    bytes += statSync(path).size;
    const text = readFileSync(path, 'utf8');
    for (const secret of secrets) if (text.includes(secret)) hits.push(`${file}: a registered secret (${secret.slice(0, 4)}…)`);
    for (const [name, pattern] of SECRET_PATTERNS) if (pattern.test(text)) hits.push(`${file}: a ${name}`);
  }
  console.log(
    `secrets in logs: ${files.length} log files (${(bytes / 1024 / 1024).toFixed(1)} MB) searched for ${secrets.length} registered secrets and ${SECRET_PATTERNS.length} token shapes: ${hits.length} found`,
  );
  if (hits.length > 0) throw new Error(`secrets found in gateway logs:\n${hits.join('\n')}`);
}

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createMemoryCoordination } from '../coordination/coordination.js';
import { Locks } from '../coordination/locks.js';
import { CredentialUnusableError } from '../credentials/access-token.service.js';
import type { CredentialPoolService } from '../credentials/credential-pool.service.js';
import { CryptoRepository } from '../crypto/crypto.repository.js';
import { memoryCredentials } from './__fixtures__/memory-credentials.js';
import { OAuthAccountAuthorizer } from './oauth-account.authorizer.js';
import { readTime, type OAuthAccountKind, type OAuthAccountSecret } from './oauth-account-kind.js';
import { OAuthAccountStore } from './oauth-account.store.js';
import { OAuthTokenError } from './oauth-token-client.js';

interface TestSecret extends OAuthAccountSecret {
  email?: string;
  plan?: string;
}

function setup(options: { failWith?: OAuthTokenError; refreshDelayMs?: number } = {}) {
  let now = 1_700_000_000_000;
  let minted = 0;
  const refreshes: TestSecret[] = [];
  const state = { failWith: options.failWith };
  const kind: OAuthAccountKind<TestSecret> = {
    kind: 'test-oauth',
    label: 'Test account',
    expiresAt: (s) => readTime(s.expires_at),
    async refresh(secret) {
      refreshes.push(secret);
      if (options.refreshDelayMs) await new Promise((r) => setTimeout(r, options.refreshDelayMs));
      if (state.failWith) throw state.failWith;
      minted += 1;
      return { ...secret, access_token: `at-${minted}`, refresh_token: `rt-${minted}`, expires_at: new Date(now + 3_600_000).toISOString(), plan: 'max' };
    },
    identify: (s) => ({ identity: s.email ?? `refresh:${s.refresh_token}`, email: s.email ?? null, accountId: null, plan: s.plan ?? null }),
    recognises: (input) => input.type === 'test-oauth',
    parseFile(input) {
      if (typeof input.refresh_token !== 'string') throw new Error('a test-oauth credential needs refresh_token');
      return { refresh_token: input.refresh_token, ...(typeof input.email === 'string' ? { email: input.email } : {}) };
    },
  };
  const repository = memoryCredentials();
  const crypto = new CryptoRepository(Buffer.alloc(32, 5), Buffer.alloc(32, 6));
  const disabled: string[] = [];
  const authorizer = new OAuthAccountAuthorizer(kind, repository, crypto, new Locks(createMemoryCoordination()), (id) => disabled.push(id), () => now);
  const notified: string[] = [];
  const pool = {
    async notifyChanged(id: string) {
      notified.push(id);
    },
    async clearCooldowns() {},
  } as unknown as CredentialPoolService;
  const store = new OAuthAccountStore(repository, crypto, pino({ level: 'silent' }));
  const add = async (secret: TestSecret) =>
    repository.create({ kind: 'test-oauth', filename: `f-${Math.random()}.json`, email: secret.email ?? null, secretCiphertext: crypto.encrypt(JSON.stringify(secret)) } as never);
  const sealed = async (id: string) => JSON.parse(crypto.decrypt((await repository.findById(id))!.secretCiphertext)) as TestSecret;
  return { kind, authorizer, repository, crypto, store, pool, add, sealed, refreshes, disabled, notified, state, advance: (ms: number) => (now += ms), now: () => now };
}

describe('OAuthAccountAuthorizer', () => {
  it('serves a stored token that is far from expiry without refreshing, then from memory', async () => {
    const t = setup();
    const row = await t.add({ access_token: 'at-0', refresh_token: 'rt-0', expires_at: new Date(t.now() + 3_600_000).toISOString() });
    expect(await t.authorizer.token(row.id)).toBe('at-0');
    await t.repository.update(row.id, { secretCiphertext: 'broken' });
    expect(await t.authorizer.token(row.id)).toBe('at-0');
    expect(t.refreshes).toHaveLength(0);
  });

  it('refreshes ahead of expiry and persists the rotated refresh token, the expiry and the plan', async () => {
    const t = setup();
    const row = await t.add({ access_token: 'at-0', refresh_token: 'rt-0', expires_at: new Date(t.now() + 60_000).toISOString() });
    expect(await t.authorizer.token(row.id)).toBe('at-1');
    expect(t.refreshes[0]!.refresh_token).toBe('rt-0');
    expect(await t.sealed(row.id)).toMatchObject({ access_token: 'at-1', refresh_token: 'rt-1' });
    const stored = await t.repository.findById(row.id);
    expect(stored!.accessTokenExpiresAt!.getTime()).toBe(t.now() + 3_600_000);
    expect(stored!.tier).toBe('max');
    // the next refresh uses the rotated token
    t.advance(3_600_000);
    expect(await t.authorizer.token(row.id)).toBe('at-2');
    expect(t.refreshes[1]!.refresh_token).toBe('rt-1');
  });

  it('refreshes once for concurrent callers, and again when the upstream refused the token', async () => {
    const t = setup({ refreshDelayMs: 30 });
    const row = await t.add({ refresh_token: 'rt-0' });
    const tokens = await Promise.all([t.authorizer.token(row.id), t.authorizer.token(row.id), t.authorizer.token(row.id)]);
    expect(tokens).toEqual(['at-1', 'at-1', 'at-1']);
    expect(t.refreshes).toHaveLength(1);
    expect(await t.authorizer.token(row.id, 'at-1')).toBe('at-2');
    // a refusal of an older token is answered with the current one, without another refresh
    expect(await t.authorizer.token(row.id, 'at-1')).toBe('at-2');
    expect(t.refreshes).toHaveLength(2);
  });

  it('disables the credential with the reason when the grant is dead', async () => {
    const t = setup({ failWith: new OAuthTokenError(400, 'invalid_grant', true, 'token endpoint refused the grant (invalid_grant: Refresh token not found or invalid)') });
    const row = await t.add({ refresh_token: 'rt-0' });
    const error = await t.authorizer.token(row.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialUnusableError);
    expect((error as CredentialUnusableError).permanent).toBe(true);
    const stored = await t.repository.findById(row.id);
    expect(stored).toMatchObject({ enabled: false, lastErrorCode: 400 });
    expect(stored!.disabledReason).toMatch(/^token refresh failed permanently: .*invalid_grant/);
    expect(t.disabled).toEqual([row.id]);
    // a disabled credential is not served, but an admin test still gets a token once it works again
    t.state.failWith = undefined;
    expect(((await t.authorizer.token(row.id).catch((e: unknown) => e)) as CredentialUnusableError).message).toMatch(/disabled/);
    expect(await t.authorizer.tokenAllowingDisabled(row.id)).toBe('at-1');
  });

  it('keeps the credential on a transient failure', async () => {
    const t = setup({ failWith: new OAuthTokenError(503, '', false, 'token endpoint refused the grant (HTTP 503)') });
    const row = await t.add({ refresh_token: 'rt-0' });
    const error = (await t.authorizer.token(row.id).catch((e: unknown) => e)) as CredentialUnusableError;
    expect(error.permanent).toBe(false);
    expect((await t.repository.findById(row.id))!.enabled).toBe(true);
  });

  it('refreshAhead refreshes only tokens inside the lead', async () => {
    const t = setup();
    const row = await t.add({ access_token: 'at-0', refresh_token: 'rt-0', expires_at: new Date(t.now() + 30 * 60_000).toISOString() });
    expect(await t.authorizer.refreshAhead(row.id, 10 * 60_000)).toBe(false);
    t.advance(25 * 60_000);
    expect(await t.authorizer.refreshAhead(row.id, 10 * 60_000)).toBe(true);
    expect(await t.authorizer.token(row.id)).toBe('at-1');
  });
});

describe('OAuthAccountStore', () => {
  it('adds an account, then replaces its tokens (and re-enables it) when the same account comes again', async () => {
    const t = setup();
    const fresh = { access_token: 'at-a', refresh_token: 'rt-a', expires_at: new Date(Date.now() + 3_600_000).toISOString(), email: 'a@example.com' };
    const first = await t.store.store(t.kind, t.pool, fresh, { source: 'oauth', refreshIfStale: false });
    expect(first).toMatchObject({ status: 'success', credential: { email: 'a@example.com' } });
    expect(first.filename).toMatch(/^test-oauth-[0-9a-f]{12}\.json$/);
    await t.repository.update(first.credential!.id, { enabled: false, disabledReason: 'token refresh failed permanently' });
    const again = await t.store.store(t.kind, t.pool, { ...fresh, access_token: 'at-b', refresh_token: 'rt-b' }, { source: 'oauth', refreshIfStale: false });
    expect(again).toMatchObject({ status: 'updated', filename: first.filename, credential: { id: first.credential!.id } });
    expect(await t.sealed(first.credential!.id)).toMatchObject({ access_token: 'at-b', refresh_token: 'rt-b' });
    expect(await t.repository.findById(first.credential!.id)).toMatchObject({ enabled: true, disabledReason: null });
    expect(t.repository.rows.size).toBe(1);
    expect(t.notified).toEqual([first.credential!.id, first.credential!.id]);
  });

  it('checks an uploaded refresh token and reports a dead one instead of storing it', async () => {
    const t = setup({ failWith: new OAuthTokenError(400, 'invalid_grant', true, 'token endpoint refused the grant (invalid_grant)') });
    const importer = t.store.fileImporter(t.kind, t.pool);
    expect(importer.recognises({ type: 'test-oauth' })).toBe(true);
    const dead = await importer.import('acct.json', { type: 'test-oauth', refresh_token: 'rt-dead', email: 'b@example.com' }, { source: 'upload' });
    expect(dead).toMatchObject({ filename: 'acct.json', status: 'error', reason: { code: 'TOKEN_REJECTED' } });
    expect(t.repository.rows.size).toBe(0);
    expect(await importer.import('bad.json', { type: 'test-oauth' }, { source: 'upload' })).toMatchObject({ status: 'error', message: /needs refresh_token/ });
    t.state.failWith = undefined;
    const ok = await importer.import('acct.json', { type: 'test-oauth', refresh_token: 'rt-x', email: 'b@example.com', proxy: 'socks5://127.0.0.1:1080' }, { source: 'upload' });
    expect(ok).toMatchObject({ status: 'success', credential: { email: 'b@example.com', tier: 'max' } });
    expect((await t.repository.findById(ok.credential!.id))!.proxyUrl).toBe('socks5://127.0.0.1:1080');
    expect(await t.sealed(ok.credential!.id)).toMatchObject({ access_token: 'at-1', refresh_token: 'rt-1' });
  });
});

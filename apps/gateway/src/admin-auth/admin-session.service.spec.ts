import { JwtService } from '@nestjs/jwt';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type RuntimeSettings } from '../config/gateway-config.js';
import { createMemoryCoordination } from '../coordination/coordination.js';
import { CryptoRepository } from '../crypto/crypto.repository.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { MemoryAdminSessionRepository } from './admin-session.repository.js';
import { AdminSessionService, looksLikeJwt } from './admin-session.service.js';

function setup(options: { ttlSeconds?: number } = {}) {
  let settings = { ...DEFAULT_SETTINGS, api_password: 'api', panel_password: 'panel-secret' } as RuntimeSettings;
  const coordination = createMemoryCoordination('t:');
  const repository = new MemoryAdminSessionRepository();
  const sessions = new AdminSessionService(
    new JwtService({ secret: Buffer.alloc(32, 1) }),
    repository,
    () => settings,
    new CryptoRepository(Buffer.alloc(32, 2), Buffer.alloc(32, 3)),
    coordination,
    { ttlSeconds: options.ttlSeconds ?? 3600, maxFailures: 3, failureWindowMs: 60_000 },
  );
  return { sessions, repository, coordination, setPassword: (p: string) => (settings = { ...settings, panel_password: p }) };
}

async function failure(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('AdminSessionService', () => {
  it('logs in with the panel password and verifies the token', async () => {
    const { sessions } = setup();
    const answer = await sessions.login('panel-secret', '10.0.0.1');
    expect(answer).toStrictEqual({ token: answer.token, token_type: 'bearer', expires_in: 3600, message: 'login successful' });
    expect(looksLikeJwt(answer.token)).toBe(true);
    const claims = await sessions.verifyToken(answer.token);
    expect(claims).toMatchObject({ sub: 'admin', gen: 0 });
    expect(claims!.exp - claims!.iat).toBe(3600);
    expect(await sessions.isAdminCredential(answer.token)).toBe(true);
    expect(await sessions.isAdminCredential('panel-secret')).toBe(true);
    expect(await sessions.isAdminCredential('sk-not-a-session')).toBe(false);
  });

  it('refuses wrong passwords and locks the address out after too many', async () => {
    const { sessions } = setup();
    for (let i = 0; i < 3; i++) expect((await failure(sessions.login('nope', '10.0.0.2'))).code).toBe('unauthenticated');
    const locked = await failure(sessions.login('panel-secret', '10.0.0.2'));
    expect(locked.code).toBe('rate_limited');
    expect(locked.retryAfterSeconds).toBeGreaterThan(0);
    // the raw password on admin routes shares the budget; another address is not affected
    expect((await failure(sessions.checkPassword('panel-secret', '10.0.0.2'))).code).toBe('rate_limited');
    await expect(sessions.checkPassword('panel-secret', '10.0.0.3')).resolves.toBeUndefined();
    expect((await failure(sessions.login(undefined, '10.0.0.3'))).code).toBe('invalid_request');
  });

  it('ends a session on logout, every session on revokeAll, and all of them when the password changes', async () => {
    const { sessions, setPassword } = setup();
    const revoked: string[] = [];
    sessions.onRevoked((jti) => revoked.push(jti));
    const a = (await sessions.login('panel-secret', 'x')).token;
    const b = (await sessions.login('panel-secret', 'x')).token;
    const claimsA = (await sessions.verifyToken(a))!;
    await sessions.revoke(claimsA);
    expect(await sessions.verifyToken(a)).toBeNull();
    expect(await sessions.verifyToken(b)).not.toBeNull();
    await sessions.revokeAll();
    expect(await sessions.verifyToken(b)).toBeNull();
    const c = (await sessions.login('panel-secret', 'x')).token;
    expect(await sessions.verifyToken(c)).not.toBeNull();
    setPassword('changed');
    expect(await sessions.verifyToken(c)).toBeNull();
    await new Promise((r) => setTimeout(r, 5));
    expect(revoked).toEqual([claimsA.jti, '*']);
  });

  it('rejects expired, tampered and foreign tokens', async () => {
    const { sessions } = setup({ ttlSeconds: 1 });
    const token = (await sessions.login('panel-secret', 'x')).token;
    const [h, p, s] = token.split('.');
    expect(await sessions.verifyToken(`${h}.${p}.${s!.slice(0, -2)}AA`)).toBeNull();
    const foreign = await new JwtService({ secret: Buffer.alloc(32, 9) }).signAsync({ sub: 'admin', gen: 0, pwv: 'x' }, { jwtid: 'j' });
    expect(await sessions.verifyToken(foreign)).toBeNull();
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await sessions.verifyToken(token)).toBeNull();
  });

  it('checks a donation password in its own bucket', async () => {
    const { sessions } = setup();
    await expect(sessions.checkSecret('donation', 'give', 'give', 'y', 'wrong')).resolves.toBeUndefined();
    for (let i = 0; i < 3; i++) expect((await failure(sessions.checkSecret('donation', 'x', 'give', 'y', 'wrong'))).message).toBe('wrong');
    expect((await failure(sessions.checkSecret('donation', 'give', 'give', 'y', 'wrong'))).code).toBe('rate_limited');
    // the admin budget of the same address is separate
    await expect(sessions.checkPassword('panel-secret', 'y')).resolves.toBeUndefined();
  });
});

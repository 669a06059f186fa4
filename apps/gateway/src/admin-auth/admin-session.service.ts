import type { JwtService } from '@nestjs/jwt';
import { GatewayError } from '../common/errors/gateway-error.js';
import type { RuntimeSettings } from '../config/gateway-config.js';
import type { Coordination } from '../coordination/coordination.js';
import type { CryptoRepository } from '../crypto/crypto.repository.js';
import type { AdminSessionRepository } from './admin-session.repository.js';

/** Claims of a panel session token (HS256 JWT). */
export interface AdminTokenClaims {
  sub: 'admin';
  /** token id, the unit of revocation (logout) */
  jti: string;
  /** session generation when issued ("log out everywhere" bumps it) */
  gen: number;
  /** fingerprint of the panel password it was issued under: changing the password ends every session */
  pwv: string;
  iat: number;
  exp: number;
}

export interface AdminSessionOptions {
  /** lifetime of a session token */
  ttlSeconds: number;
  /** wrong passwords allowed per client address and window; the next attempt gets a 429 */
  maxFailures: number;
  failureWindowMs: number;
}

export const DEFAULT_ADMIN_SESSION_OPTIONS: AdminSessionOptions = Object.freeze({
  ttlSeconds: 12 * 3600,
  maxFailures: 5,
  failureWindowMs: 60_000,
});

export interface LoginAnswer {
  token: string;
  token_type: 'bearer';
  expires_in: number;
  message: string;
}

const REVOKED_CHANNEL = 'admin:revoked';
/** what travels on the revocation channel to end every session (instead of one jti) */
export const ALL_SESSIONS = '*';

/** A JWT as the panel sends it (header.payload.signature, base64url, JSON header). */
export function looksLikeJwt(token: string): boolean {
  return /^eyJ[\w-]*\.eyJ[\w-]*\.[\w-]+$/.test(token);
}

/**
 * Panel sessions: the panel password buys a signed, expiring token (gcli2api V2's session login,
 * with a real JWT instead of an in-memory token). Revocation and the failed-password counters live
 * in coordination, so they hold in every gateway process. Raw panel passwords keep working on
 * admin routes (gcli2api clients send them) and share the same per-address failure budget.
 */
export class AdminSessionService {
  constructor(
    private readonly jwt: JwtService,
    private readonly repository: AdminSessionRepository,
    private readonly settings: () => RuntimeSettings,
    private readonly crypto: CryptoRepository,
    private readonly coordination: Coordination,
    private readonly options: AdminSessionOptions = DEFAULT_ADMIN_SESSION_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  /** POST /auth/login: the panel password → a session token. */
  async login(password: unknown, clientAddress: string): Promise<LoginAnswer> {
    const subject = `admin:${clientAddress}`;
    await this.assertNotLockedOut(subject);
    if (typeof password !== 'string' || password === '') {
      throw new GatewayError('invalid_request', 'password is required', { param: 'password' });
    }
    if (!this.crypto.safeEqual(password, this.settings().panel_password)) {
      await this.recordFailure(subject);
      throw new GatewayError('unauthenticated', 'Wrong password.');
    }
    await this.repository.clearFailures(subject).catch(() => {});
    return { ...(await this.issue()), message: 'login successful' };
  }

  async issue(): Promise<Omit<LoginAnswer, 'message'>> {
    const gen = await this.repository.generation();
    const token = await this.jwt.signAsync(
      { sub: 'admin', gen, pwv: this.passwordFingerprint() },
      { jwtid: this.crypto.randomToken(16), expiresIn: this.options.ttlSeconds, algorithm: 'HS256' },
    );
    return { token, token_type: 'bearer', expires_in: this.options.ttlSeconds };
  }

  /** Signature and expiry checked, then the shared state: revoked, older generation, old password → null. */
  async verifyToken(token: string): Promise<AdminTokenClaims | null> {
    let claims: unknown;
    try {
      claims = await this.jwt.verifyAsync(token, { algorithms: ['HS256'] });
    } catch {
      return null;
    }
    return this.validateClaims(claims);
  }

  /** The checks after the signature (passport-jwt has verified it): still a live session? */
  async validateClaims(claims: unknown): Promise<AdminTokenClaims | null> {
    if (typeof claims !== 'object' || claims === null) return null;
    const c = claims as Partial<AdminTokenClaims>;
    if (c.sub !== 'admin' || typeof c.jti !== 'string' || typeof c.exp !== 'number' || typeof c.gen !== 'number') return null;
    if (c.exp * 1000 <= this.now()) return null;
    if (c.pwv !== this.passwordFingerprint()) return null;
    const [generation, revoked] = await Promise.all([this.repository.generation(), this.repository.isRevoked(c.jti)]);
    if (revoked || c.gen !== generation) return null;
    return c as AdminTokenClaims;
  }

  /**
   * A raw panel password on an admin route (gcli2api's scheme). Throws 429 while the address is
   * locked out, 401 on a wrong password (counted).
   */
  async checkPassword(candidate: string, clientAddress: string): Promise<void> {
    const subject = `admin:${clientAddress}`;
    await this.assertNotLockedOut(subject);
    if (this.crypto.safeEqual(candidate, this.settings().panel_password)) return;
    await this.recordFailure(subject);
    throw new GatewayError('unauthenticated', 'Wrong panel password.');
  }

  /** True when the token is a live session or the panel password (no failure is counted). */
  async isAdminCredential(token: string | null | undefined): Promise<boolean> {
    if (!token) return false;
    if (looksLikeJwt(token) && (await this.verifyToken(token))) return true;
    return this.crypto.safeEqual(token, this.settings().panel_password);
  }

  /**
   * A secret other than the panel password (the donation password) checked under the same
   * per-address failure budget, in its own bucket.
   */
  async checkSecret(bucket: string, candidate: string, expected: string, clientAddress: string, message: string): Promise<void> {
    const subject = `${bucket}:${clientAddress}`;
    await this.assertNotLockedOut(subject);
    if (this.crypto.safeEqual(candidate, expected)) return;
    await this.recordFailure(subject);
    throw new GatewayError('unauthenticated', message);
  }

  /** POST /auth/logout: the token stops working in every process. */
  async revoke(claims: AdminTokenClaims): Promise<void> {
    const ttlMs = claims.exp * 1000 - this.now();
    if (ttlMs > 0) await this.repository.revoke(claims.jti, ttlMs + 1_000);
    await this.coordination.publish(REVOKED_CHANNEL, claims.jti).catch(() => {});
  }

  /** Ends every session issued so far. */
  async revokeAll(): Promise<void> {
    await this.repository.bumpGeneration();
    await this.coordination.publish(REVOKED_CHANNEL, ALL_SESSIONS).catch(() => {});
  }

  /** Called with a revoked jti (or ALL_SESSIONS) whenever any process revokes (the live log closes those sockets). */
  onRevoked(listener: (jti: string) => void): void {
    this.coordination.subscribe(REVOKED_CHANNEL, listener);
  }

  private passwordFingerprint(): string {
    return this.crypto.hashKey(`admin-session:${this.settings().panel_password}`).slice(0, 16);
  }

  private async assertNotLockedOut(subject: string): Promise<void> {
    const window = await this.repository.failures(subject);
    if (window.count >= this.options.maxFailures) {
      throw new GatewayError('rate_limited', 'Too many wrong passwords from this address; wait before trying again.', {
        retryAfterSeconds: Math.max(1, Math.ceil(window.resetInMs / 1000)),
      });
    }
  }

  private async recordFailure(subject: string): Promise<void> {
    await this.repository.addFailure(subject, this.options.failureWindowMs);
  }
}

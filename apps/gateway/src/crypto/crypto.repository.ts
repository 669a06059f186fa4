import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 'v1';

/**
 * All cryptography of the gateway: AES-256-GCM for secrets at rest, HMAC-SHA256 (keyed with a server
 * secret) for client keys, constant-time comparison, random tokens. Keys come from the environment or
 * are generated once into the data folder (see secrets.ts).
 */
export class CryptoRepository {
  constructor(
    private readonly encryptionKey: Buffer,
    private readonly hashSecret: Buffer,
    /** keys being rotated out: still readable, never used to write (CLIGATE_ENCRYPTION_KEY_PREVIOUS) */
    private readonly previousKeys: readonly Buffer[] = [],
  ) {
    if (encryptionKey.length !== 32) throw new Error('encryption key must be 32 bytes');
    if (hashSecret.length < 32) throw new Error('key hash secret must be at least 32 bytes');
  }

  /** True when `sealed` was written with the current key (rotation: rows that are not get re-encrypted). */
  isCurrent(sealed: string): boolean {
    try {
      this.open(sealed, this.encryptionKey);
      return true;
    } catch {
      return false;
    }
  }

  /** Encrypts UTF-8 text; output `v1.<iv>.<tag>.<ciphertext>` (base64url parts). */
  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${VERSION}.${iv.toString('base64url')}.${tag.toString('base64url')}.${body.toString('base64url')}`;
  }

  decrypt(sealed: string): string {
    try {
      return this.open(sealed, this.encryptionKey);
    } catch (error) {
      for (const key of this.previousKeys) {
        try {
          return this.open(sealed, key);
        } catch {
          // try the next one
        }
      }
      throw error;
    }
  }

  private open(sealed: string, key: Buffer): string {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) throw new Error('unrecognised ciphertext format');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[1]!, 'base64url'));
    decipher.setAuthTag(Buffer.from(parts[2]!, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(parts[3]!, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** Keyed hash of a client key (hex). */
  hashKey(key: string): string {
    return createHmac('sha256', this.hashSecret).update(key, 'utf8').digest('hex');
  }

  /** Constant-time string comparison (lengths are compared through their hashes). */
  safeEqual(a: string, b: string): boolean {
    const ha = createHmac('sha256', this.hashSecret).update(a).digest();
    const hb = createHmac('sha256', this.hashSecret).update(b).digest();
    return timingSafeEqual(ha, hb);
  }

  randomToken(bytes = 32): string {
    return randomBytes(bytes).toString('base64url');
  }

  randomHex(bytes: number): string {
    return randomBytes(bytes).toString('hex');
  }
}

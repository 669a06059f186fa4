import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CryptoRepository } from './crypto.repository.js';

describe('CryptoRepository', () => {
  const crypto = new CryptoRepository(randomBytes(32), randomBytes(32));

  it('round-trips secrets through AES-256-GCM with a fresh IV each time', () => {
    const a = crypto.encrypt('{"refresh_token":"1//secret"}');
    const b = crypto.encrypt('{"refresh_token":"1//secret"}');
    expect(a).not.toEqual(b);
    expect(a).not.toContain('secret');
    expect(crypto.decrypt(a)).toBe('{"refresh_token":"1//secret"}');
  });

  it('rejects tampered ciphertext', () => {
    const sealed = crypto.encrypt('hello');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => crypto.decrypt(parts.join('.'))).toThrow();
  });

  it('rejects ciphertext sealed with another key', () => {
    const other = new CryptoRepository(randomBytes(32), randomBytes(32));
    expect(() => crypto.decrypt(other.encrypt('x'))).toThrow();
  });

  it('hashes keys with a server secret (same key, same hash; other secret, other hash)', () => {
    const other = new CryptoRepository(randomBytes(32), randomBytes(32));
    expect(crypto.hashKey('sk-abc')).toBe(crypto.hashKey('sk-abc'));
    expect(crypto.hashKey('sk-abc')).not.toBe(other.hashKey('sk-abc'));
    expect(crypto.safeEqual('pwd', 'pwd')).toBe(true);
    expect(crypto.safeEqual('pwd', 'pwd2')).toBe(false);
  });

  it('reads secrets sealed with a previous key while it is rotated out, and writes with the new one', () => {
    const oldKey = randomBytes(32);
    const secret = randomBytes(32);
    const before = new CryptoRepository(oldKey, secret);
    const sealed = before.encrypt('tokens');
    const after = new CryptoRepository(randomBytes(32), secret, [oldKey]);
    expect(after.decrypt(sealed)).toBe('tokens');
    expect(after.isCurrent(sealed)).toBe(false);
    expect(after.isCurrent(after.encrypt('tokens'))).toBe(true);
    expect(() => new CryptoRepository(randomBytes(32), secret).decrypt(sealed)).toThrow();
  });
});

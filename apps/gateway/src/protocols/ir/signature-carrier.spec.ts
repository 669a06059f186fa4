import { describe, expect, it } from 'vitest';
import { decodeSignatureCarrier, encodeSignatureCarrier } from './signature-carrier.js';

describe('signature carriers', () => {
  it.each(['reasoning', 'text', 'tool-call'] as const)('%s signatures round-trip', (kind) => {
    const signature = 'CiQBVKhc7pQp+/Skq0Zq=';
    expect(decodeSignatureCarrier(encodeSignatureCarrier(kind, signature))).toStrictEqual({ kind, signature });
  });

  it('reasoning signatures travel raw (what a thinking block would carry anyway)', () => {
    expect(encodeSignatureCarrier('reasoning', 'ABC')).toBe('ABC');
    expect(encodeSignatureCarrier('text', 'ABC')).toBe('cligate:text:ABC');
    expect(encodeSignatureCarrier('tool-call', 'ABC')).toBe('cligate:tool-call:ABC');
  });

  it('empty values carry nothing; any other string is a reasoning signature', () => {
    expect(decodeSignatureCarrier('')).toBeUndefined();
    expect(decodeSignatureCarrier('cligate:text:')).toBeUndefined();
    expect(decodeSignatureCarrier('cligate:tool-call:')).toBeUndefined();
    expect(decodeSignatureCarrier('EqQBCkgIAxABGAIiQH')).toStrictEqual({ kind: 'reasoning', signature: 'EqQBCkgIAxABGAIiQH' });
  });
});

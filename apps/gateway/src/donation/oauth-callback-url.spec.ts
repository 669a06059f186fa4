import { describe, expect, it } from 'vitest';
import { isProjectId, parseCallbackUrl } from './oauth-callback-url.js';

describe('parseCallbackUrl', () => {
  it('reads code and state from the full URL, without scheme, or the bare query', () => {
    const expected = { kind: 'code', code: '4/0AX4XfWh', state: 'st-1' };
    expect(parseCallbackUrl('http://localhost:11451/?state=st-1&code=4%2F0AX4XfWh&scope=email%20profile')).toStrictEqual(expected);
    expect(parseCallbackUrl('  localhost:11451/?code=4/0AX4XfWh&state=st-1#frag ')).toStrictEqual(expected);
    expect(parseCallbackUrl('?code=4/0AX4XfWh&state=st-1')).toStrictEqual(expected);
    expect(parseCallbackUrl('code=4/0AX4XfWh&state=st-1')).toStrictEqual(expected);
  });

  it('reports a Google error', () => {
    expect(parseCallbackUrl('http://localhost:11451/?error=access_denied&state=s')).toStrictEqual({ kind: 'error', error: 'access_denied', description: null, state: 's' });
  });

  it('returns null without a code and a state', () => {
    expect(parseCallbackUrl('http://localhost:11451/?code=abc')).toBeNull();
    expect(parseCallbackUrl('http://localhost:11451/')).toBeNull();
    expect(parseCallbackUrl('just words')).toBeNull();
    expect(parseCallbackUrl('')).toBeNull();
  });
});

describe('isProjectId', () => {
  it('accepts ids, refuses numbers and junk', () => {
    expect(isProjectId('my-project-123')).toBe(true);
    expect(isProjectId('example.com:my-project')).toBe(true);
    expect(isProjectId('123456789012')).toBe(false);
    expect(isProjectId('Bad_Id')).toBe(false);
    expect(isProjectId('ab')).toBe(false);
  });
});

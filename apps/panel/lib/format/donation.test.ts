import { describe, expect, it } from 'vitest';
import { isProjectId, looksLikeCallbackUrl } from './donation';

describe('donation', () => {
  it('recognises the address Google redirects to', () => {
    expect(looksLikeCallbackUrl('http://localhost:11451/?state=abc&code=4/0AX&scope=email')).toBe(true);
    expect(looksLikeCallbackUrl('localhost:11451/?code=x&state=y')).toBe(true);
    expect(looksLikeCallbackUrl('code=x&state=y')).toBe(true);
    expect(looksLikeCallbackUrl('http://localhost:11451/?error=access_denied&state=y')).toBe(true);
    expect(looksLikeCallbackUrl('http://localhost:11451/?code=x')).toBe(false);
    expect(looksLikeCallbackUrl('hello')).toBe(false);
    // a vendor's manual-redirect page shows code#state
    expect(looksLikeCallbackUrl('ac_Xy-1.z#st4te_value')).toBe(true);
    expect(looksLikeCallbackUrl('some text # more')).toBe(false);
    expect(looksLikeCallbackUrl('  ')).toBe(false);
  });

  it('accepts project ids, not project numbers', () => {
    expect(isProjectId('my-project-123')).toBe(true);
    expect(isProjectId('example.com:my-project')).toBe(true);
    expect(isProjectId('123456789012')).toBe(false);
    expect(isProjectId('My-Project')).toBe(false);
    expect(isProjectId('abc')).toBe(false);
  });
});

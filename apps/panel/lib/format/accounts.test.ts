import { describe, expect, it } from 'vitest';
import { donationPageLink, isDonationPageKind, pasteKind, requestedType, signInKinds, signInName } from './accounts';

describe('accounts', () => {
  it('names the sign-in route of a kind', () => {
    expect(signInName('claude-oauth')).toBe('claude');
    expect(signInName('codex-oauth')).toBe('codex');
    expect(signInName('something')).toBe('something');
  });

  it('lists the kinds the gateway offers for sign-in, or the default ones', () => {
    expect(signInKinds(undefined)).toEqual(['claude-oauth', 'codex-oauth']);
    expect(signInKinds([])).toEqual(['claude-oauth', 'codex-oauth']);
    expect(signInKinds([{ type: 'codex-oauth' }, { type: 'codex-oauth' }, { type: 'gemini-cli' }, { type: 'new-oauth' }])).toEqual(['codex-oauth', 'new-oauth']);
  });

  it('sends Google kinds to the donation page with the type chosen', () => {
    expect(isDonationPageKind('antigravity')).toBe(true);
    expect(isDonationPageKind('gemini-cli')).toBe(true);
    expect(isDonationPageKind('claude-oauth')).toBe(false);
    expect(donationPageLink('antigravity')).toBe('/auth/?type=antigravity');
  });

  it('knows what the last page of a sign-in shows', () => {
    expect(pasteKind('https://console.anthropic.com/oauth/code/callback')).toBe('code');
    expect(pasteKind('http://localhost:1455/auth/callback')).toBe('address');
    expect(pasteKind('http://127.0.0.1:11451/')).toBe('address');
    expect(pasteKind('not a url')).toBe('address');
  });

  it('reads the account type a link asks for, when offered', () => {
    const offered = [{ type: 'gemini-cli' }, { type: 'antigravity' }];
    expect(requestedType('?type=antigravity', offered)).toBe('antigravity');
    expect(requestedType('?type=claude-oauth', offered)).toBeNull();
    expect(requestedType('', offered)).toBeNull();
    expect(requestedType('?type=', offered)).toBeNull();
  });
});

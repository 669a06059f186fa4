import { describe, expect, it } from 'vitest';
import { activeCooldowns, credentialState, hasGoogleEmail, isApiKeyKind, isProxyUrl, kindOptions, kindTone, pageRange, splitUploadable, tierLabel } from './credentials';

describe('credentials', () => {
  it('maps tiers as gcli2api displays them', () => {
    expect(tierLabel('free-tier')).toBe('free');
    expect(tierLabel('legacy-tier')).toBe('free');
    expect(tierLabel('standard-tier')).toBe('pro');
    expect(tierLabel('g1-pro-tier')).toBe('pro');
    expect(tierLabel('helium-tier')).toBe('pro');
    expect(tierLabel('g1-ultra-tier')).toBe('ultra');
    expect(tierLabel('ws-ai-ultra-business-tier')).toBe('ultra');
    expect(tierLabel('something-new')).toBe('pro');
    expect(tierLabel(null)).toBeNull();
  });

  it('shows the most important state', () => {
    const base = { disabled: false, cooldown_status: 'ready' as const, error_codes: [] as number[] };
    expect(credentialState(base)).toBe('ready');
    expect(credentialState({ ...base, error_codes: [403] })).toBe('error');
    expect(credentialState({ ...base, error_codes: [403], cooldown_status: 'cooling' })).toBe('cooling');
    expect(credentialState({ ...base, disabled: true, cooldown_status: 'cooling' })).toBe('disabled');
  });

  it('lists running cooldowns soonest first, counting down from now', () => {
    const now = 1_000_000_000;
    const cooldowns = {
      'gemini-2.5-pro': { until: 1_000_120, remaining_seconds: 999, reason: 'quota' },
      'gemini-2.5-flash': { until: 1_000_030, remaining_seconds: 999, reason: 'rate' },
      'gemini-3-pro-preview': { until: 999_999, remaining_seconds: 0, reason: 'over' },
    };
    expect(activeCooldowns(cooldowns, now)).toEqual([
      { model: 'gemini-2.5-flash', remaining: 30, reason: 'rate' },
      { model: 'gemini-2.5-pro', remaining: 120, reason: 'quota' },
    ]);
    expect(activeCooldowns(cooldowns, now + 60_000)).toEqual([{ model: 'gemini-2.5-pro', remaining: 60, reason: 'quota' }]);
  });

  it('accepts only .json and .zip uploads', () => {
    const files = [{ name: 'a.json' }, { name: 'B.ZIP' }, { name: 'notes.txt' }, { name: 'creds.json.bak' }];
    expect(splitUploadable(files)).toEqual({ accepted: [{ name: 'a.json' }, { name: 'B.ZIP' }], rejected: [{ name: 'notes.txt' }, { name: 'creds.json.bak' }] });
  });

  it('computes page ranges', () => {
    expect(pageRange(0, 20, 57)).toEqual({ from: 1, to: 20, total: 57 });
    expect(pageRange(40, 17, 57)).toEqual({ from: 41, to: 57, total: 57 });
    expect(pageRange(0, 0, 0)).toEqual({ from: 0, to: 0, total: 0 });
  });

  it('lists every kind, known ones first, and tells key kinds apart', () => {
    expect(kindOptions(undefined).slice(0, 2)).toEqual(['gemini-cli', 'antigravity']);
    expect(kindOptions({ 'gemini-cli': 2, 'brand-new': 1, 'another-kind': 3 }).slice(-2)).toEqual(['another-kind', 'brand-new']);
    expect(isApiKeyKind('openai-compat')).toBe(true);
    expect(isApiKeyKind('claude-oauth')).toBe(false);
    expect(hasGoogleEmail('antigravity')).toBe(true);
    expect(hasGoogleEmail('codex-oauth')).toBe(false);
    expect(kindTone('gemini-cli')).toBe('blue');
    expect(kindTone('codex')).toBe('green');
    expect(kindTone('codex-oauth')).toBe('amber');
    expect(kindTone('mystery')).toBe('gray');
  });

  it('accepts http, https and socks proxy URLs only', () => {
    expect(isProxyUrl('')).toBe(true);
    expect(isProxyUrl('http://127.0.0.1:8080')).toBe(true);
    expect(isProxyUrl('socks5://user:pass@proxy.local:1080')).toBe(true);
    expect(isProxyUrl('ftp://proxy.local')).toBe(false);
    expect(isProxyUrl('proxy.local:8080')).toBe(false);
  });
});

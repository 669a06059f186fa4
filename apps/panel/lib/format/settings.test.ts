import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { isMessageKey } from '../i18n/translate';
import { zh } from '../i18n/zh';
import { buildSettingsPatch, groupSettings, SETTING_GROUPS, settingKind, toFormValue } from './settings';

/** The keys of RUNTIME_SETTING_SCHEMAS in the gateway's source (what GET /config/get reports). */
function gatewaySettingKeys(): string[] {
  const source = readFileSync(new URL('../../../gateway/src/config/gateway-config.ts', import.meta.url), 'utf8');
  const start = source.indexOf('export const RUNTIME_SETTING_SCHEMAS = {');
  const end = source.indexOf('} as const;', start);
  expect(start).toBeGreaterThan(-1);
  return [...source.slice(start, end).matchAll(/^\s{2}(\w+): \{ env: '/gm)].map((m) => m[1]!);
}

describe('settings', () => {
  it('groups known settings and puts the rest under other', () => {
    expect(groupSettings(['port', 'password', 'donation_enabled', 'brand_new'])).toEqual([
      { group: 'access', keys: ['password'] },
      { group: 'donation', keys: ['donation_enabled'] },
      { group: 'server', keys: ['port'] },
      { group: 'other', keys: ['brand_new'] },
    ]);
    expect(groupSettings(['proxy', 'codex_oauth_issuer', 'codex_api_base_url', 'claude_oauth_token_url', 'claude_api_base_url'])).toEqual([
      { group: 'anthropic', keys: ['claude_api_base_url', 'claude_oauth_token_url'] },
      { group: 'openai', keys: ['codex_api_base_url', 'codex_oauth_issuer'] },
      { group: 'network', keys: ['proxy'] },
    ]);
  });

  it("places and labels every runtime setting of the gateway, in both languages", () => {
    const keys = gatewaySettingKeys();
    expect(keys.length).toBeGreaterThan(30);
    expect(keys).toContain('antigravity_googleapis_url');
    expect(groupSettings(keys).map((g) => g.group)).not.toContain('other');
    for (const key of keys) {
      const label = `setting.${key}`;
      expect(isMessageKey(label), label).toBe(true);
      if (!isMessageKey(label)) continue;
      expect(en[label]).not.toBe(key);
      expect(zh[label]).not.toBe(key);
    }
    // nothing is placed twice
    const placed = Object.values(SETTING_GROUPS).flat();
    expect(new Set(placed).size).toBe(placed.length);
  });

  it('picks an editor per value', () => {
    expect(settingKind(true, false)).toBe('boolean');
    expect(settingKind(5, false)).toBe('number');
    expect(settingKind([403], false)).toBe('list');
    expect(settingKind('********', true)).toBe('secret');
    expect(settingKind(null, false)).toBe('text');
    expect(toFormValue([403, 500], 'list')).toBe('403, 500');
    expect(toFormValue('********', 'secret')).toBe('');
    expect(toFormValue(null, 'text')).toBe('');
    expect(toFormValue({ 'gemini-2.5-pro': { providers: ['router'] } }, 'text')).toBe('{"gemini-2.5-pro":{"providers":["router"]}}');
  });

  it('sends only what changed; secrets only when typed or cleared', () => {
    const kinds = { port: 'number', proxy: 'text', auto_ban_enabled: 'boolean', panel_password: 'secret', donation_password: 'secret' } as const;
    const original = { port: '7861', proxy: '', auto_ban_enabled: false, panel_password: '', donation_password: '' };
    expect(buildSettingsPatch(original, { ...original }, kinds, new Set())).toEqual({});
    expect(
      buildSettingsPatch(original, { ...original, port: ' 8000 ', auto_ban_enabled: true, panel_password: 'new-secret' }, kinds, new Set()),
    ).toEqual({ port: '8000', auto_ban_enabled: true, panel_password: 'new-secret' });
    expect(buildSettingsPatch(original, { ...original }, kinds, new Set(['donation_password']))).toEqual({ donation_password: '' });
  });
});

import { describe, expect, it } from 'vitest';
import { en } from './en';
import { detectLang, isMessageKey, translate } from './translate';
import { zh } from './zh';

describe('i18n', () => {
  it('has the same keys and placeholders in both languages', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
      expect(zh[key].trim(), key).not.toBe('');
    }
  });

  it('fills placeholders', () => {
    expect(translate('en', 'common.pageRange', { from: 1, to: 20, total: 57 })).toBe('1–20 of 57');
    expect(translate('zh', 'common.pageRange', { from: 1, to: 20, total: 57 })).toBe('第 1–20 条，共 57 条');
    expect(translate('en', 'keys.used', { used: 5 })).toBe('5 of {total} used');
  });

  it('detects the language from the browser', () => {
    expect(detectLang(['zh-CN', 'en'])).toBe('zh');
    expect(detectLang(['zh-TW'])).toBe('zh');
    expect(detectLang(['en-US', 'zh-CN'])).toBe('en');
    expect(detectLang(['fr-FR', 'zh'])).toBe('zh');
    expect(detectLang(['fr-FR'])).toBe('en');
    expect(detectLang(undefined)).toBe('en');
  });

  it('knows its keys', () => {
    expect(isMessageKey('donate.error.not_eligible')).toBe(true);
    expect(isMessageKey('donate.error.something_else')).toBe(false);
  });
});

import { en, type MessageKey } from './en';
import { zh } from './zh';
import type { Lang } from '../format/numbers';

export type { MessageKey };
export type Vars = Record<string, string | number>;

const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { en, zh };

/** The text of a key in a language, with `{name}` placeholders filled. */
export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const template = DICTIONARIES[lang][key] ?? en[key] ?? key;
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** The language a browser prefers (any zh-* → zh), English otherwise. */
export function detectLang(languages: readonly string[] | undefined): Lang {
  for (const l of languages ?? []) {
    const low = l.toLowerCase();
    if (low.startsWith('zh')) return 'zh';
    if (low.startsWith('en')) return 'en';
  }
  return 'en';
}

/** Is `key` a known message key (for codes that come from the gateway)? */
export function isMessageKey(key: string): key is MessageKey {
  return key in en;
}

'use client';

import { useI18n } from '../../lib/i18n/i18n';

export function LanguageSwitcher() {
  const { lang, setLang, t } = useI18n();
  return (
    <div className="inline-flex overflow-hidden rounded-md border border-slate-300 text-xs" role="group" aria-label={t('lang.label')} data-testid="lang-switch">
      {(
        [
          ['en', 'English'],
          ['zh', '简体中文'],
        ] as const
      ).map(([value, name]) => (
        <button
          key={value}
          type="button"
          lang={value === 'zh' ? 'zh-CN' : 'en'}
          data-testid={`lang-${value}`}
          aria-pressed={lang === value}
          onClick={() => setLang(value)}
          className={`px-2 py-1 ${lang === value ? 'bg-slate-800 text-white' : 'bg-white text-slate-700 hover:bg-slate-50'}`}
        >
          {name}
        </button>
      ))}
    </div>
  );
}

import { createContext, useContext, useEffect, useState } from 'react';
import { detectLang, LANGS, useI18n, type Lang } from '../i18n';

export type Theme = 'light' | 'dark' | 'system';

interface Prefs { lang: Lang; setLang(l: Lang): void; theme: Theme; setTheme(t: Theme): void }
export const PrefsContext = createContext<Prefs>({ lang: 'en', setLang() {}, theme: 'system', setTheme() {} });
export const usePrefs = () => useContext(PrefsContext);

function read(key: string): string | null {
  try { return localStorage.getItem(key); } catch { return null; }
}
function write(key: string, v: string) {
  try { localStorage.setItem(key, v); } catch { /* private mode */ }
}

export function usePrefsState(): Prefs {
  const [lang, setLangState] = useState<Lang>(() => {
    const s = read('parley.lang');
    return s === 'en' || s === 'zh-CN' || s === 'zh-TW' ? s : detectLang();
  });
  const [theme, setThemeState] = useState<Theme>(() => {
    const s = read('parley.theme');
    return s === 'light' || s === 'dark' ? s : 'system';
  });
  useEffect(() => { document.documentElement.lang = lang; }, [lang]);
  useEffect(() => {
    if (theme === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.setAttribute('data-theme', theme);
  }, [theme]);
  return {
    lang, theme,
    setLang(l) { write('parley.lang', l); setLangState(l); },
    setTheme(t) { write('parley.theme', t); setThemeState(t); },
  };
}

export function LanguagePicker({ id = 'lang-select' }: { id?: string }) {
  const { t } = useI18n();
  const { lang, setLang } = usePrefs();
  return (
    <label className="inline-field" htmlFor={id}>
      <span>{t('settings.language')}</span>
      <select id={id} value={lang} onChange={e => setLang(e.target.value as Lang)}>
        {LANGS.map(l => <option key={l.code} value={l.code} lang={l.code}>{l.label}</option>)}
      </select>
    </label>
  );
}

import { describe, expect, it } from 'vitest';
import { DICTS, detectLang, translator } from './i18n';

describe('i18n', () => {
  const en = Object.keys(DICTS.en).sort();
  for (const lang of ['zh-CN', 'zh-TW'] as const) {
    it(`${lang} has every key, none empty, and the same placeholders`, () => {
      const d = DICTS[lang];
      expect(Object.keys(d).sort()).toEqual(en);
      for (const k of en) {
        const v = d[k as keyof typeof d];
        expect(v.trim(), k).not.toBe('');
        const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
        expect(ph(v), k).toEqual(ph(DICTS.en[k as keyof typeof DICTS.en]));
      }
    });
  }

  it('zh-CN and zh-TW are really translated', () => {
    expect(DICTS['zh-CN']['auth.login']).toBe('登录');
    expect(DICTS['zh-TW']['auth.login']).toBe('登入');
  });

  it('picks the browser language', () => {
    expect(detectLang(['zh-CN'])).toBe('zh-CN');
    expect(detectLang(['zh'])).toBe('zh-CN');
    expect(detectLang(['zh-TW'])).toBe('zh-TW');
    expect(detectLang(['zh-Hant-HK'])).toBe('zh-TW');
    expect(detectLang(['zh-HK'])).toBe('zh-TW');
    expect(detectLang(['fr-FR', 'en-GB'])).toBe('en');
    expect(detectLang(['de'])).toBe('en');
  });

  it('fills placeholders', () => {
    expect(translator('en')('chats.unread', { n: 3 })).toBe('3 unread');
    expect(translator('zh-CN')('chats.unread', { n: 3 })).toBe('3 条未读');
  });
});

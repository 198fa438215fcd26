import { createContext, useContext } from 'react';
import { en } from './messages-en';
import { fr } from './messages-fr';

/**
 * The UI's words. French is the reference language (the users are French public bodies);
 * English is a convenience for integrators. A key missing in English falls back to French.
 */
export type MessageKey = keyof typeof fr;
type Dict = Record<MessageKey, string>;

export type Lang = 'fr' | 'en';
const dicts: Record<Lang, Partial<Dict>> = { fr, en };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function createTranslator(lang: Lang): Translate {
  const d = dicts[lang];
  return (key, vars) => {
    const template = d[key] ?? fr[key] ?? key;
    return vars ? template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : template;
  };
}

/** Looks up a dynamic key (status, action, event type …) with a readable fallback for unknown values. */
export function translateDynamic(t: Translate, prefix: string, value: string): string {
  const key = `${prefix}.${value}` as MessageKey;
  return key in fr ? t(key) : value;
}

export function initialLang(): Lang {
  try {
    return localStorage.getItem('facteur.lang') === 'en' ? 'en' : 'fr';
  } catch {
    return 'fr';
  }
}

export const I18nContext = createContext<{ lang: Lang; t: Translate; setLang: (l: Lang) => void }>({
  lang: 'fr',
  t: createTranslator('fr'),
  setLang: () => {},
});

export const useI18n = () => useContext(I18nContext);

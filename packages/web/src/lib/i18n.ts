import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { enUS } from './messages/en-us.ts';
import { zhCN, type MessageKey } from './messages/zh-cn.ts';

export type { MessageKey };
export const LOCALES = ['zh-CN', 'en-US'] as const;
export type Locale = (typeof LOCALES)[number];
export type TranslateParams = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: TranslateParams) => string;

const CATALOGS: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, 'en-US': enUS };
export const LOCALE_STORAGE_KEY = 'qiming.locale';

const isLocale = (v: unknown): v is Locale => typeof v === 'string' && (LOCALES as readonly string[]).includes(v);

/** The saved choice, else zh-CN: the platform's users are Chinese schools, whatever the browser says. */
export function readStoredLocale(): Locale {
  try {
    const saved = globalThis.localStorage?.getItem(LOCALE_STORAGE_KEY);
    return isLocale(saved) ? saved : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

// Code outside React (the API client's network-error message) reads the current locale from here.
let currentLocale: Locale = readStoredLocale();
export const getCurrentLocale = (): Locale => currentLocale;

/** Looks a key up and fills `{name}` placeholders; a missing key shows itself, which a test will notice. */
export function translate(locale: Locale, key: MessageKey, params?: TranslateParams): string {
  const text = CATALOGS[locale][key] ?? zhCN[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

type I18nValue = { locale: Locale; setLocale: (locale: Locale) => void; t: Translate };
const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children, initialLocale }: { children: ReactNode; initialLocale?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(() => initialLocale ?? readStoredLocale());
  currentLocale = locale;

  const setLocale = useCallback((next: Locale) => {
    try {
      globalThis.localStorage?.setItem(LOCALE_STORAGE_KEY, next);
    } catch {
      // private mode or storage full: the choice lasts for this page only
    }
    setLocaleState(next);
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const value = useMemo<I18nValue>(() => ({ locale, setLocale, t: (key, params) => translate(locale, key, params) }), [locale, setLocale]);
  return createElement(I18nContext.Provider, { value }, children);
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n must be used inside <I18nProvider>');
  return value;
}

/** Shorthand for components that only translate. */
export const useT = (): Translate => useI18n().t;

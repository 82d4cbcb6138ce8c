import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import fr from './fr.json';
import en from './en.json';

/** Languages the UI is translated into; French is the reference catalogue. */
export const languages = ['fr', 'en'] as const;
/** A supported UI language code. */
export type Language = (typeof languages)[number];
/** The language used when the user has not chosen one. */
export const defaultLanguage: Language = 'fr';

const storageKey = 'tremplin.lang';

/** Reports whether value is a supported language code. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

function storedLanguage(): Language {
  try {
    const v = globalThis.localStorage?.getItem(storageKey);
    return isLanguage(v) ? v : defaultLanguage;
  } catch {
    // Storage can be disabled (private mode, strict policies): fall back to French.
    return defaultLanguage;
  }
}

/** Switches the UI language, remembers the choice and keeps <html lang> in sync. */
export async function changeLanguage(lng: Language): Promise<void> {
  try {
    globalThis.localStorage?.setItem(storageKey, lng);
  } catch {
    // Not remembering the choice is acceptable.
  }
  await i18n.changeLanguage(lng);
}

/** The current UI language, narrowed to a supported one. */
export function currentLanguage(): Language {
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : defaultLanguage;
}

function syncDocumentLanguage(lng: string) {
  if (typeof document !== 'undefined') document.documentElement.lang = lng;
}

i18n.on('languageChanged', syncDocumentLanguage);

void i18n.use(initReactI18next).init({
  resources: { fr: { translation: fr }, en: { translation: en } },
  lng: storedLanguage(),
  fallbackLng: defaultLanguage,
  supportedLngs: [...languages],
  // Resources are bundled: initialise synchronously so the first render is translated.
  initAsync: false,
  returnNull: false,
  interpolation: { escapeValue: false }, // React escapes already.
  react: { useSuspense: false },
});
syncDocumentLanguage(currentLanguage());

export default i18n;

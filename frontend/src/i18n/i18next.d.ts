import 'i18next';
import type fr from './fr.json';

// Type-checks translation keys against the French catalogue: a typo in t('…') fails the build.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof fr };
  }
}

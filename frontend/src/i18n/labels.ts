import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

/** Groups of reference codes translated in the catalogues ("publics.personnes_agees"…). */
export type CodeGroup = 'publics' | 'themes';

/** Turns an unknown code into readable text: "transport_a_la_demande" → "Transport a la demande". */
export function humaniseCode(code: string): string {
  const s = code.replace(/[_-]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Returns a function giving the translated label of a reference code, humanised when unknown. */
export function useCodeLabel(): (group: CodeGroup, code: string) => string {
  const { t, i18n } = useTranslation();
  return useCallback(
    (group, code) => {
      const key = `${group}.${code}`;
      // Dynamic keys cannot be checked at compile time; i18n.exists guards them at run time.
      return i18n.exists(key) ? t(key as never) : humaniseCode(code);
    },
    [t, i18n],
  );
}

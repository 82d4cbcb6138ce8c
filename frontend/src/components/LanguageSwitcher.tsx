import { useTranslation } from 'react-i18next';
import { changeLanguage, currentLanguage, languages } from '../i18n';

/** FR / EN toggle buttons; the pressed one is the current language. */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const current = i18n.resolvedLanguage ?? currentLanguage();
  return (
    <div className="lang-switcher" role="group" aria-label={t('lang.groupLabel')}>
      {languages.map((lng) => (
        <button
          key={lng}
          type="button"
          lang={lng}
          className="lang-button"
          aria-pressed={current === lng}
          onClick={() => void changeLanguage(lng)}
        >
          {/* Visible code first so the accessible name contains the visible label (WCAG 2.5.3). */}
          {lng.toUpperCase()}
          <span className="visually-hidden"> – {t(`lang.${lng}`)}</span>
        </button>
      ))}
    </div>
  );
}

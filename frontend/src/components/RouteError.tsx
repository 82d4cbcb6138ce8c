import { useTranslation } from 'react-i18next';
import { Link, useRouteError } from 'react-router';
import { usePageTitle } from './usePageTitle';

/**
 * Shown when a page throws while rendering or its code chunk fails to load (e.g. after a deploy).
 * Inside the layout it renders only the content; standalone (the layout itself failed) it adds a
 * main landmark.
 */
export function RouteError({ standalone = false }: { standalone?: boolean }) {
  const { t } = useTranslation();
  const error = useRouteError();
  usePageTitle(t('errors.pageTitle'));
  if (import.meta.env.DEV) console.error(error);
  const content = (
    <>
      <h1>{t('errors.pageTitle')}</h1>
      <div className="alert alert-error" role="alert">
        <p>{t('errors.pageText')}</p>
      </div>
      <p>
        <Link to="/">{t('common.backToHome')}</Link>
      </p>
    </>
  );
  return standalone ? (
    <main id="contenu" className="container site-main">
      {content}
    </main>
  ) : (
    content
  );
}

import { useEffect, useRef, type MouseEvent } from 'react';
import { Link, NavLink, Outlet, ScrollRestoration, useLocation, useNavigation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { AccountNav } from '../auth/AccountNav';
import { ApplicationsNav } from '../pages/applications/ApplicationsNav';
import { InstructionNav } from './messages/InstructionNav';
import { ExperimentsNav } from '../pages/experiments/ExperimentsNav';
import { ReviewsNav } from '../pages/reviews/ReviewsNav';
import { LanguageSwitcher } from './LanguageSwitcher';

/** Site chrome shared by every page: skip link, header, navigation, main landmark, footer. */
export function Layout() {
  const { t } = useTranslation();
  const mainRef = useRef<HTMLElement>(null);
  const navigation = useNavigation();
  const { pathname } = useLocation();
  const firstRender = useRef(true);

  // After a client-side navigation, move focus to the new content so screen-reader and keyboard
  // users start from the top of the page, as they would after a full page load.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.focus({ preventScroll: true });
  }, [pathname]);

  const skipToContent = (e: MouseEvent<HTMLAnchorElement>) => {
    // A plain #hash jump would go through the router's history; focus the landmark directly.
    e.preventDefault();
    mainRef.current?.focus();
  };

  return (
    <>
      <a className="skip-link" href="#contenu" onClick={skipToContent}>
        {t('app.skipLink')}
      </a>
      <header className="site-header">
        <div className="container header-inner">
          <Link to="/" className="brand" aria-label={t('app.homeLinkLabel')}>
            <span className="brand-name">{t('app.name')}</span>
            <span className="brand-subtitle">{t('app.subtitle')}</span>
          </Link>
          <LanguageSwitcher />
        </div>
        <nav className="site-nav" aria-label={t('nav.label')}>
          <ul className="container nav-list">
            <li>
              <NavLink to="/" end>
                {t('nav.home')}
              </NavLink>
            </li>
            <li>
              <NavLink to="/appels">{t('nav.calls')}</NavLink>
            </li>
            <ApplicationsNav />
            <InstructionNav />
            <ReviewsNav />
            <ExperimentsNav />
            <AccountNav />
          </ul>
        </nav>
      </header>
      {navigation.state === 'loading' && (
        <div className="nav-progress" role="status">
          <span className="visually-hidden">{t('common.navigating')}</span>
        </div>
      )}
      <main id="contenu" ref={mainRef} tabIndex={-1} className="container site-main">
        <Outlet />
      </main>
      {/* Scrolls to the top on new pages and back to the previous position on "back". */}
      <ScrollRestoration />
      <footer className="site-footer">
        <div className="container">
          <p className="footer-publisher">{t('footer.publisher')}</p>
          <p>{t('footer.service')}</p>
          <p>{t('footer.product')}</p>
        </div>
      </footer>
    </>
  );
}

import { useTranslation } from 'react-i18next';
import { CallList } from '../../components/CallList';
import { usePageTitle } from '../../components/usePageTitle';

/** Public home: what the Plan de mobilité solidaire is, then the open calls. */
export default function HomePage() {
  const { t } = useTranslation();
  usePageTitle(t('home.title'));
  return (
    <>
      <section className="intro" aria-labelledby="home-title">
        <h1 id="home-title">{t('home.title')}</h1>
        <p className="lead">{t('home.lead')}</p>
        <p>{t('home.intro')}</p>
      </section>
      <section aria-labelledby="home-calls">
        <h2 id="home-calls">{t('home.listTitle')}</h2>
        <CallList headingLevel={3} />
      </section>
    </>
  );
}

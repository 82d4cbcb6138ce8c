import { useTranslation } from 'react-i18next';
import { CallList } from '../../components/CallList';
import { usePageTitle } from '../../components/usePageTitle';

/** All published calls for projects. */
export default function CallListPage() {
  const { t } = useTranslation();
  usePageTitle(t('calls.listTitle'));
  return (
    <>
      <h1>{t('calls.listTitle')}</h1>
      <p className="lead">{t('calls.listIntro')}</p>
      <CallList headingLevel={2} />
    </>
  );
}

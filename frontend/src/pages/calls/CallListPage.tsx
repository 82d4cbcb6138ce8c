import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { CallList } from '../../components/CallList';
import { usePageTitle } from '../../components/usePageTitle';
import { useCodeLabel } from '../../i18n/labels';
import './calls-public.css';

const themeCodes = ['permis_de_conduire', 'velo', 'transport_a_la_demande', 'conseil_en_mobilite', 'garage_solidaire', 'location_solidaire'];
const publicCodes = ['personnes_agees', 'personnes_handicapees', 'publics_insertion', 'usagers_service_social', 'jeunes'];

/** All published calls for projects, filtered by theme and public (kept in the URL). */
export default function CallListPage() {
  const { t } = useTranslation();
  const label = useCodeLabel();
  const [params, setParams] = useSearchParams();
  const theme = params.get('theme') ?? '';
  const pub = params.get('public') ?? '';
  usePageTitle(t('calls.listTitle'));
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  return (
    <>
      <h1>{t('calls.listTitle')}</h1>
      <p className="lead">{t('calls.listIntro')}</p>
      <form className="call-filters" role="search" aria-label={t('callsPublic.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="call-filter">
          <label htmlFor="filter-theme">{t('callsPublic.theme')}</label>
          <select id="filter-theme" value={theme} onChange={(e) => set('theme', e.target.value)}>
            <option value="">{t('callsPublic.allThemes')}</option>
            {themeCodes.map((c) => (
              <option key={c} value={c}>
                {label('themes', c)}
              </option>
            ))}
          </select>
        </div>
        <div className="call-filter">
          <label htmlFor="filter-public">{t('callsPublic.public')}</label>
          <select id="filter-public" value={pub} onChange={(e) => set('public', e.target.value)}>
            <option value="">{t('callsPublic.allPublics')}</option>
            {publicCodes.map((c) => (
              <option key={c} value={c}>
                {label('publics', c)}
              </option>
            ))}
          </select>
        </div>
      </form>
      <CallList headingLevel={2} filters={{ theme, public: pub }} />
    </>
  );
}

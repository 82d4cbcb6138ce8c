import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMyOrganisations } from '../../api/organisations';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';

function List() {
  const { t } = useTranslation();
  const q = useMyOrganisations();
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  if (q.data.items.length === 0) return <p className="empty-state">{t('orgs.none')}</p>;
  return (
    <ul className="card-list">
      {q.data.items.map((o) => (
        <li key={o.id}>
          <article className="card">
            <h2 className="card-title">
              <Link to={`/organisations/${o.id}`}>{o.legal_name}</Link>
            </h2>
            <ul className="card-facts">
              {o.siret && <li>{t('orgs.siretValue', { siret: o.siret })}</li>}
              {o.rna && <li>{t('orgs.rnaValue', { rna: o.rna })}</li>}
              <li>{t(`orgs.roles.${o.role ?? 'org_member'}`)}</li>
            </ul>
          </article>
        </li>
      ))}
    </ul>
  );
}

/** The organisations the applicant belongs to. */
export default function MyOrganisationsPage() {
  const { t } = useTranslation();
  usePageTitle(t('orgs.listTitle'));
  return (
    <RequireAuth>
      <h1>{t('orgs.listTitle')}</h1>
      <p className="lead">{t('orgs.listIntro')}</p>
      <p>
        <Link className="button" to="/organisations/nouvelle">
          {t('orgs.create')}
        </Link>
      </p>
      <List />
    </RequireAuth>
  );
}

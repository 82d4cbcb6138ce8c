import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useLocation, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { orgKeys, updateOrganisation, useOrganisation, type Organisation, type OrganisationInput } from '../../api/organisations';
import { Success } from '../../auth/form';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { MembersSection } from './MembersSection';
import { OrganisationForm } from './OrganisationForm';

function toInput(o: Organisation): OrganisationInput {
  return { legal_name: o.legal_name, siret: o.siret ?? '', rna: o.rna ?? '', legal_form: o.legal_form, address: o.address,
    postal_code: o.postal_code, city: o.city, commune_insee: o.commune_insee ?? '', profile: o.profile, version: o.version };
}

function Profile({ org }: { org: Organisation }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (v: OrganisationInput) => updateOrganisation(org.id, { ...v, version: org.version }),
    onSuccess: (o) => qc.setQueryData(orgKeys.detail(String(org.id)), o),
  });
  const stale = isApiError(m.error) && m.error.code === 'stale_version';
  if (!org.can_update) {
    return (
      <dl className="facts-list">
        <div><dt>{t('orgs.form.siret')}</dt><dd>{org.siret ?? '—'}</dd></div>
        <div><dt>{t('orgs.form.rna')}</dt><dd>{org.rna ?? '—'}</dd></div>
        <div><dt>{t('orgs.form.address')}</dt><dd>{`${org.address}, ${org.postal_code} ${org.city}`}</dd></div>
        <div><dt>{t('orgs.form.contact')}</dt><dd>{`${org.profile.contact.first_name} ${org.profile.contact.last_name}`}</dd></div>
      </dl>
    );
  }
  return (
    <>
      {m.isSuccess && <Success>{t('orgs.saved')}</Success>}
      {stale && (
        <button type="button" className="button button-secondary" onClick={() => void qc.invalidateQueries({ queryKey: orgKeys.detail(String(org.id)) })}>
          {t('orgs.reload')}
        </button>
      )}
      {/* A new key after each save or reload resets the form to the stored version. */}
      <OrganisationForm key={org.version} initial={toInput(org)} submitLabel={t('common.save')} pending={m.isPending} error={m.error} onSubmit={(v) => m.mutate(v)} />
    </>
  );
}

function Detail() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const created = !!(useLocation().state as { created?: boolean } | null)?.created;
  const q = useOrganisation(id);
  usePageTitle(q.data?.legal_name ?? t('orgs.detailTitle'));
  if (q.isPending) return <Loading />;
  if (q.isError) {
    if (isApiError(q.error) && q.error.isNotFound) return <h1>{t('orgs.notFound')}</h1>;
    return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  }
  return (
    <>
      <h1>{q.data.legal_name}</h1>
      {created && <Success>{t('orgs.created')}</Success>}
      <section aria-labelledby="profil-org">
        <h2 id="profil-org">{t('orgs.profileTitle')}</h2>
        <Profile org={q.data} />
      </section>
      <MembersSection org={q.data} />
    </>
  );
}

/** One organisation: its CERFA 12156 profile, members and invitations. */
export default function OrganisationPage() {
  return (
    <RequireAuth>
      <Detail />
    </RequireAuth>
  );
}

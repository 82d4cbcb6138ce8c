import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { accountKeys } from '../../api/account';
import { createOrganisation, orgKeys } from '../../api/organisations';
import { RequireAuth } from '../../auth/RequireAuth';
import { usePageTitle } from '../../components/usePageTitle';
import { emptyOrganisation, OrganisationForm } from './OrganisationForm';

/** Declares a new organisation; its creator becomes its admin. */
export default function OrganisationCreatePage() {
  const { t } = useTranslation();
  usePageTitle(t('orgs.createTitle'));
  const qc = useQueryClient();
  const navigate = useNavigate();
  const m = useMutation({
    mutationFn: createOrganisation,
    onSuccess: async (o) => {
      // The new role changes the user's permissions.
      await Promise.all([qc.invalidateQueries({ queryKey: orgKeys.mine }), qc.invalidateQueries({ queryKey: accountKeys.me })]);
      navigate(`/organisations/${o.id}`, { state: { created: true } });
    },
  });
  return (
    <RequireAuth>
      <h1>{t('orgs.createTitle')}</h1>
      <p className="lead">{t('orgs.createIntro')}</p>
      <OrganisationForm initial={emptyOrganisation()} submitLabel={t('orgs.submitCreate')} pending={m.isPending} error={m.error} onSubmit={(v) => m.mutate(v)} />
    </RequireAuth>
  );
}

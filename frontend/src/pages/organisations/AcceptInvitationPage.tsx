import { useEffect, useRef } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { accountKeys } from '../../api/account';
import { acceptInvitation, orgKeys, previewInvitation } from '../../api/organisations';
import { useAuth } from '../../auth/AuthContext';
import { Success } from '../../auth/form';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDate } from '../../format';

/** Landing page of an invitation link: who invites, then sign in (or up) and accept. */
export default function AcceptInvitationPage() {
  const { t } = useTranslation();
  usePageTitle(t('orgs.accept.title'));
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { me, signedIn, loading } = useAuth();
  const qc = useQueryClient();
  const preview = useMutation({ mutationFn: previewInvitation });
  const accept = useMutation({
    mutationFn: () => acceptInvitation(token),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: orgKeys.mine }), qc.invalidateQueries({ queryKey: accountKeys.me })]),
  });
  const asked = useRef(false);
  useEffect(() => {
    // After the session is known: a signed-in browser's POST needs its CSRF token.
    if (asked.current || loading) return;
    asked.current = true;
    preview.mutate(token);
  }, [preview, token, loading]);
  const back = `/invitations/accepter?token=${encodeURIComponent(token)}`;
  const p = preview.data;
  return (
    <>
      <h1>{t('orgs.accept.title')}</h1>
      {preview.isPending && <Loading />}
      {preview.isError && <ErrorMessage error={preview.error} />}
      {accept.isSuccess && (
        <Success>
          <p>{t('orgs.accept.done', { org: accept.data.legal_name })}</p>
          <p>
            <Link to={`/organisations/${accept.data.id}`}>{t('orgs.accept.open')}</Link>
          </p>
        </Success>
      )}
      {p && !accept.isSuccess && (
        <>
          <p className="lead">{t('orgs.accept.intro', { org: p.organisation, role: t(`orgs.roles.${p.role}`) })}</p>
          <p>{t('orgs.accept.forEmail', { email: p.email, date: formatDate(p.expires_at) })}</p>
          {accept.isError && <ErrorMessage error={accept.error} />}
          {signedIn ? (
            <>
              {me && me.user.email !== p.email && <p>{t('orgs.accept.otherAccount', { email: me.user.email })}</p>}
              <button type="button" className="button" onClick={() => accept.mutate()} disabled={accept.isPending}>
                {t('orgs.accept.submit')}
              </button>
            </>
          ) : (
            <div className="actions">
              <Link className="button" to={`/connexion?email=${encodeURIComponent(p.email)}&retour=${encodeURIComponent(back)}`}>
                {t('orgs.accept.login')}
              </Link>
              {!p.account_exists && <Link to="/inscription">{t('orgs.accept.signup')}</Link>}
            </div>
          )}
        </>
      )}
    </>
  );
}

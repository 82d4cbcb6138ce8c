// "Déposer un dossier" on a call's page: choose one of the user's organisations and a title.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { startApplication } from '../../api/applications';
import { fieldErrors } from '../../api/client';
import { useMyOrganisations } from '../../api/organisations';
import { useAuth } from '../../auth/AuthContext';
import { ErrorMessage } from '../../components/ErrorMessage';

/** The start form, for applicants; a sign-in link for visitors. */
export function StartApplication({ callId }: { callId: number }) {
  const { t } = useTranslation();
  const { me, signedIn } = useAuth();
  if (!me || !signedIn) {
    return (
      <section className="panel" aria-labelledby="start-title">
        <h2 id="start-title">{t('applications.startTitle')}</h2>
        <p>
          <Link to={`/connexion?retour=${encodeURIComponent(`/appels/${callId}`)}`}>{t('applications.signInToApply')}</Link>
        </p>
      </section>
    );
  }
  if (me.user.kind !== 'applicant') return null;
  return <StartForm callId={callId} />;
}

function StartForm({ callId }: { callId: number }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const orgs = useMyOrganisations();
  const [org, setOrg] = useState('');
  const [title, setTitle] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const items = orgs.data?.items ?? [];
  const chosen = org || (items.length === 1 ? String(items[0]!.id) : '');
  const errs = fieldErrors(error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const ap = await startApplication(callId, Number(chosen), title);
      navigate(`/dossiers/${ap.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="start-title">
      <h2 id="start-title">{t('applications.startTitle')}</h2>
      {items.length === 0 && !orgs.isPending ? (
        <p>
          {t('applications.needOrganisation')} <Link to="/organisations/nouvelle">{t('applications.createOrganisation')}</Link>
        </p>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate className="form-renderer">
          {error !== null && Object.keys(errs).length === 0 && <ErrorMessage error={error} />}
          <div className={`form-field${errs.org_id ? ' field-error' : ''}`}>
            <label htmlFor="start-org">{t('applications.chooseOrganisation')}</label>
            {errs.org_id && (
              <p id="start-org-error" className="field-message">
                {errs.org_id}
              </p>
            )}
            <select id="start-org" value={chosen} onChange={(e) => setOrg(e.target.value)} aria-describedby={errs.org_id ? 'start-org-error' : undefined}>
              <option value="">{t('applications.chooseOrganisationOption')}</option>
              {items.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.legal_name}
                </option>
              ))}
            </select>
          </div>
          <div className={`form-field${errs.title ? ' field-error' : ''}`}>
            <label htmlFor="start-title-input">{t('applications.projectTitle')}</label>
            {errs.title && (
              <p id="start-title-error" className="field-message">
                {errs.title}
              </p>
            )}
            <input
              id="start-title-input"
              type="text"
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              aria-describedby={errs.title ? 'start-title-error' : undefined}
              aria-invalid={errs.title ? true : undefined}
            />
          </div>
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('common.loading') : t('applications.start')}
          </button>
        </form>
      )}
    </section>
  );
}

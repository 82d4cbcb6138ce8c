// The reminders a user receives: mandatory ones are shown, optional ones can be turned off.
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { expKeys, send, usePreferences, type Preference } from './api';
import './experiments.css';

/** The notification preferences page. */
export default function NotificationPreferencesPage() {
  const { t } = useTranslation();
  usePageTitle(t('experiments.prefs.title'));
  return (
    <RequireAuth>
      <Preferences />
    </RequireAuth>
  );
}

function Preferences() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = usePreferences();
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState('');
  const toggle = async (p: Preference, enabled: boolean) => {
    setError(null);
    setSaved('');
    try {
      const r = await send<{ items: Preference[] }>('PUT', '/me/notification-preferences', { preferences: { [p.code]: enabled } });
      qc.setQueryData(expKeys.prefs, r);
      setSaved(t('experiments.common.saved'));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <h1>{t('experiments.prefs.title')}</h1>
      <p className="lead">{t('experiments.prefs.intro')}</p>
      {q.isPending && <Loading />}
      {q.isError && <ErrorMessage error={q.error} />}
      {q.data && (
        <fieldset className="exp-field">
          <legend>{t('experiments.prefs.legend')}</legend>
          {q.data.items.map((p) => (
            <p key={p.code}>
              <input type="checkbox" id={`pref-${p.code}`} checked={p.enabled} disabled={!p.optional}
                aria-describedby={!p.optional ? `pref-${p.code}-hint` : undefined} onChange={(ev) => void toggle(p, ev.target.checked)} />{' '}
              <label htmlFor={`pref-${p.code}`} style={{ display: 'inline', fontWeight: 400 }}>
                {p.label}
              </label>
              {!p.optional && (
                <small id={`pref-${p.code}-hint`}> — {t('experiments.prefs.mandatory')}</small>
              )}
            </p>
          ))}
        </fieldset>
      )}
      {saved && <p role="status" className="success">{saved}</p>}
      {error !== null && <ErrorMessage error={error} />}
    </>
  );
}

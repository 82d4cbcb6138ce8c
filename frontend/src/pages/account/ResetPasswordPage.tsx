import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { resetPassword } from '../../api/account';
import { fieldErrors } from '../../api/client';
import { Field, FormError, Success } from '../../auth/form';
import { usePageTitle } from '../../components/usePageTitle';

/** Landing page of a reset (or staff welcome) link: choose a password. */
export default function ResetPasswordPage() {
  const { t } = useTranslation();
  usePageTitle(t('auth.reset.title'));
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const m = useMutation({ mutationFn: () => resetPassword(token, password) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate();
  };
  return (
    <>
      <h1>{t('auth.reset.title')}</h1>
      {m.isSuccess ? (
        <>
          <Success>
            <p>{t('auth.reset.done')}</p>
          </Success>
          <p>
            <Link className="button" to={`/connexion?email=${encodeURIComponent(m.data.email)}`}>
              {t('auth.login.submit')}
            </Link>
          </p>
        </>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          {!token && <p className="field-message">{t('auth.reset.missing')}</p>}
          <FormError error={m.error} />
          <Field label={t('auth.reset.password')} type="password" autoComplete="new-password" required value={password}
            hint={t('auth.fields.passwordHint')} onChange={(e) => setPassword(e.target.value)} error={fieldErrors(m.error).password} />
          <button type="submit" className="button" disabled={m.isPending || !token}>
            {t('auth.reset.submit')}
          </button>
        </form>
      )}
      {m.isError && (
        <p>
          <Link to="/mot-de-passe-oublie">{t('auth.reset.newLink')}</Link>
        </p>
      )}
    </>
  );
}

import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { forgotPassword } from '../../api/account';
import { fieldErrors } from '../../api/client';
import { Field, FormError, Success } from '../../auth/form';
import { usePageTitle } from '../../components/usePageTitle';

/** Asks for a reset link (the answer never says whether the address has an account). */
export default function ForgotPasswordPage() {
  const { t } = useTranslation();
  usePageTitle(t('auth.forgot.title'));
  const [email, setEmail] = useState('');
  const m = useMutation({ mutationFn: forgotPassword });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate(email);
  };
  return (
    <>
      <h1>{t('auth.forgot.title')}</h1>
      <p>{t('auth.forgot.intro')}</p>
      {m.isSuccess ? (
        <Success>
          <p>{m.data.message}</p>
        </Success>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <FormError error={m.error} />
          <Field label={t('auth.fields.email')} type="email" autoComplete="email" required value={email}
            onChange={(e) => setEmail(e.target.value)} error={fieldErrors(m.error).email} />
          <button type="submit" className="button" disabled={m.isPending}>
            {t('auth.forgot.submit')}
          </button>
        </form>
      )}
      <p>
        <Link to="/connexion">{t('auth.forgot.back')}</Link>
      </p>
    </>
  );
}

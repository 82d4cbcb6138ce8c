import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { resendVerification } from '../../api/account';
import { fieldErrors } from '../../api/client';
import { Field, FormError, Success } from '../../auth/form';
import { usePageTitle } from '../../components/usePageTitle';

/** After sign-up: where the link went, and a way to get another one. */
export default function CheckEmailPage() {
  const { t } = useTranslation();
  usePageTitle(t('auth.checkEmail.title'));
  const state = (useLocation().state ?? {}) as { email?: string; message?: string };
  const [email, setEmail] = useState(state.email ?? '');
  const m = useMutation({ mutationFn: resendVerification });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate(email);
  };
  return (
    <>
      <h1>{t('auth.checkEmail.title')}</h1>
      <Success>
        <p>{state.message ?? t('auth.checkEmail.text')}</p>
      </Success>
      <p>{t('auth.checkEmail.next')}</p>
      <h2>{t('auth.checkEmail.resendTitle')}</h2>
      <form className="form" onSubmit={submit} noValidate>
        <FormError error={m.error} />
        {m.isSuccess && <Success>{m.data.message}</Success>}
        <Field label={t('auth.fields.email')} type="email" autoComplete="email" required value={email}
          onChange={(e) => setEmail(e.target.value)} error={fieldErrors(m.error).email} />
        <button type="submit" className="button button-secondary" disabled={m.isPending}>
          {t('auth.checkEmail.resend')}
        </button>
      </form>
    </>
  );
}

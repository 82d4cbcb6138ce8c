import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { signUp } from '../../api/account';
import { fieldErrors } from '../../api/client';
import { Field, FormError } from '../../auth/form';
import { usePageTitle } from '../../components/usePageTitle';

/** Applicant sign-up; the next step is the link sent by e-mail. */
export default function SignUpPage() {
  const { t } = useTranslation();
  usePageTitle(t('auth.signup.title'));
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const m = useMutation({
    mutationFn: signUp,
    onSuccess: (res) => navigate('/inscription/verifiez-vos-emails', { state: { email, message: res.message } }),
  });
  const errs = fieldErrors(m.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate({ name, email, password });
  };
  return (
    <>
      <h1>{t('auth.signup.title')}</h1>
      <p className="lead">{t('auth.signup.intro')}</p>
      <form className="form" onSubmit={submit} noValidate>
        <FormError error={m.error} />
        <p>{t('auth.form.requiredNote')}</p>
        <Field label={t('auth.signup.name')} name="name" autoComplete="name" required value={name}
          onChange={(e) => setName(e.target.value)} error={errs.name} />
        <Field label={t('auth.fields.email')} type="email" name="email" autoComplete="email" required value={email}
          hint={t('auth.signup.emailHint')} onChange={(e) => setEmail(e.target.value)} error={errs.email} />
        <Field label={t('auth.fields.password')} type="password" name="password" autoComplete="new-password" required
          value={password} hint={t('auth.fields.passwordHint')} onChange={(e) => setPassword(e.target.value)} error={errs.password} />
        <div className="actions">
          <button type="submit" className="button" disabled={m.isPending}>
            {t('auth.signup.submit')}
          </button>
        </div>
      </form>
      <p>
        {t('auth.signup.haveAccount')} <Link to="/connexion">{t('auth.nav.login')}</Link>
      </p>
      <p className="field-hint">{t('auth.signup.staffNote')}</p>
    </>
  );
}

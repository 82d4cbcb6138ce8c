import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { login, verifyTotp, type Me } from '../../api/account';
import { fieldErrors } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { Field, FormError } from '../../auth/form';
import { usePageTitle } from '../../components/usePageTitle';

/** Where to go after signing in: back where the user was sent from, else their home. */
function destination(me: Me, back: string | null): string {
  if (me.mfa_enrollment_required) return '/compte#double-authentification';
  if (back && back.startsWith('/') && !back.startsWith('//')) return back;
  return me.user.kind === 'applicant' ? '/organisations' : '/';
}

/** Sign-in: e-mail and password, then the authenticator code when the account has one. */
export default function LoginPage() {
  const { t } = useTranslation();
  usePageTitle(t('auth.login.title'));
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { me, setMe, logout } = useAuth();
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const done = (res: Me) => {
    setMe(res);
    if (!res.mfa_required) navigate(destination(res, params.get('retour')));
  };
  const first = useMutation({ mutationFn: () => login(email, password), onSuccess: done });
  const second = useMutation({ mutationFn: () => verifyTotp(code), onSuccess: done });
  const codeStep = !!me?.mfa_required;

  if (codeStep) {
    const submit = (e: FormEvent) => {
      e.preventDefault();
      second.mutate();
    };
    return (
      <>
        <h1>{t('auth.login.codeTitle')}</h1>
        <p>{t('auth.login.codeIntro')}</p>
        <form className="form" onSubmit={submit} noValidate>
          <FormError error={second.error} />
          <Field label={t('auth.login.code')} name="code" inputMode="numeric" autoComplete="one-time-code" required autoFocus
            value={code} onChange={(e) => setCode(e.target.value)} error={fieldErrors(second.error).code} />
          <div className="actions">
            <button type="submit" className="button" disabled={second.isPending}>
              {t('auth.login.codeSubmit')}
            </button>
            <button type="button" className="button button-secondary" onClick={() => void logout()}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      </>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    first.mutate();
  };
  const errs = fieldErrors(first.error);
  return (
    <>
      <h1>{t('auth.login.title')}</h1>
      <form className="form" onSubmit={submit} noValidate>
        <FormError error={first.error} />
        <Field label={t('auth.fields.email')} type="email" name="email" autoComplete="username" required value={email}
          onChange={(e) => setEmail(e.target.value)} error={errs.email} />
        <Field label={t('auth.fields.password')} type="password" name="password" autoComplete="current-password" required
          value={password} onChange={(e) => setPassword(e.target.value)} error={errs.password} />
        <div className="actions">
          <button type="submit" className="button" disabled={first.isPending}>
            {t('auth.login.submit')}
          </button>
          <Link to="/mot-de-passe-oublie">{t('auth.login.forgot')}</Link>
        </div>
      </form>
      <p>
        {t('auth.login.noAccount')} <Link to="/inscription">{t('auth.nav.signup')}</Link>
      </p>
    </>
  );
}

import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { accountKeys, changePassword, updateProfile, useApiMutation } from '../../api/account';
import { fieldErrors } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { Field, FormError, Success } from '../../auth/form';

/** Name and e-mail. */
export function ProfileSection() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const [name, setName] = useState(me?.user.name ?? '');
  const m = useApiMutation(updateProfile, [accountKeys.me]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate(name);
  };
  return (
    <section className="panel" aria-labelledby="profil">
      <h2 id="profil">{t('account.profile.title')}</h2>
      <p>{t('account.profile.email', { email: me?.user.email })}</p>
      <form className="form" onSubmit={submit} noValidate>
        <FormError error={m.error} />
        {m.isSuccess && <Success>{t('account.profile.saved')}</Success>}
        <Field label={t('account.profile.name')} autoComplete="name" required value={name}
          onChange={(e) => setName(e.target.value)} error={fieldErrors(m.error).name} />
        <button type="submit" className="button" disabled={m.isPending}>
          {t('common.save')}
        </button>
      </form>
    </section>
  );
}

/** Password change (other sessions end). */
export function PasswordSection() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const m = useApiMutation(changePassword, [accountKeys.sessions]);
  const errs = fieldErrors(m.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate({ current_password: current, new_password: next }, { onSuccess: () => { setCurrent(''); setNext(''); } });
  };
  return (
    <section className="panel" aria-labelledby="mot-de-passe">
      <h2 id="mot-de-passe">{t('account.password.title')}</h2>
      <form className="form" onSubmit={submit} noValidate>
        <FormError error={m.error} />
        {m.isSuccess && <Success>{t('account.password.done')}</Success>}
        <Field label={t('account.password.current')} type="password" autoComplete="current-password" required value={current}
          onChange={(e) => setCurrent(e.target.value)} error={errs.current_password} />
        <Field label={t('account.password.new')} type="password" autoComplete="new-password" required value={next}
          hint={t('auth.fields.passwordHint')} onChange={(e) => setNext(e.target.value)} error={errs.new_password} />
        <button type="submit" className="button" disabled={m.isPending}>
          {t('account.password.submit')}
        </button>
      </form>
    </section>
  );
}

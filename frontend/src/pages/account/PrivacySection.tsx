import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { deleteMyAccount, exportMyData } from '../../api/account';
import { fieldErrors } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { Field, FormError } from '../../auth/form';
import { ErrorMessage } from '../../components/ErrorMessage';

/** RGPD: download my data, delete my account. */
export function PrivacySection() {
  const { t } = useTranslation();
  const { me, setMe } = useAuth();
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const exp = useMutation({
    mutationFn: exportMyData,
    onSuccess: (data) => {
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `tremplin-mes-donnees-${me?.user.id ?? ''}.json`;
      a.click();
      URL.revokeObjectURL(url);
    },
  });
  const del = useMutation({
    mutationFn: () => deleteMyAccount(password),
    onSuccess: () => {
      setMe(null);
      navigate('/', { replace: true });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (window.confirm(t('account.privacy.confirm'))) del.mutate();
  };
  return (
    <section className="panel" aria-labelledby="donnees">
      <h2 id="donnees">{t('account.privacy.title')}</h2>
      <p>{t('account.privacy.exportIntro')}</p>
      {exp.isError && <ErrorMessage error={exp.error} />}
      <button type="button" className="button button-secondary" onClick={() => exp.mutate()} disabled={exp.isPending}>
        {t('account.privacy.export')}
      </button>
      <h3>{t('account.privacy.deleteTitle')}</h3>
      <p>{t('account.privacy.deleteIntro')}</p>
      <form className="form" onSubmit={submit} noValidate>
        <FormError error={del.error} />
        <Field label={t('account.privacy.password')} type="password" autoComplete="current-password" required value={password}
          onChange={(e) => setPassword(e.target.value)} error={fieldErrors(del.error).password} />
        <button type="submit" className="button button-danger" disabled={del.isPending}>
          {t('account.privacy.delete')}
        </button>
      </form>
    </section>
  );
}

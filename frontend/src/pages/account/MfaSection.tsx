import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { accountKeys, confirmTotp, disableTotp, enrollTotp, useApiMutation, useTotpStatus } from '../../api/account';
import { fieldErrors } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { Field, FormError, Success } from '../../auth/form';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { formatDate } from '../../format';

/** The second factor: enrol with a QR code, see the recovery codes once, or turn it off. */
export function MfaSection() {
  const { t } = useTranslation();
  const { refresh } = useAuth();
  const status = useTotpStatus();
  const enroll = useApiMutation(enrollTotp);
  const confirm = useApiMutation(confirmTotp, [accountKeys.totp]);
  const disable = useApiMutation(disableTotp, [accountKeys.totp]);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [offCode, setOffCode] = useState('');

  const submitCode = (e: FormEvent) => {
    e.preventDefault();
    confirm.mutate(code, { onSuccess: () => void refresh() });
  };
  const submitOff = (e: FormEvent) => {
    e.preventDefault();
    disable.mutate({ password, code: offCode });
  };
  const st = status.data;
  return (
    <section className="panel" aria-labelledby="double-authentification">
      <h2 id="double-authentification">{t('account.mfa.title')}</h2>
      <p>{t('account.mfa.intro')}</p>
      {status.isPending && <Loading />}
      {status.isError && <ErrorMessage error={status.error} />}
      {confirm.isSuccess && (
        <Success>
          <h3>{t('account.mfa.codesTitle')}</h3>
          <p>{t('account.mfa.codesIntro')}</p>
          <ul className="codes">
            {confirm.data.recovery_codes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </Success>
      )}
      {st && st.enabled && (
        <>
          <p>{t('account.mfa.enabled', { date: formatDate(st.enabled_at) })}</p>
          <p>{t('account.mfa.codesLeft', { count: st.recovery_codes_left })}</p>
          {st.required ? (
            <p>{t('account.mfa.required')}</p>
          ) : (
            <form className="form" onSubmit={submitOff} noValidate>
              <h3>{t('account.mfa.disableTitle')}</h3>
              <FormError error={disable.error} />
              <Field label={t('account.mfa.password')} type="password" autoComplete="current-password" required value={password}
                onChange={(e) => setPassword(e.target.value)} error={fieldErrors(disable.error).password} />
              <Field label={t('account.mfa.code')} inputMode="numeric" autoComplete="one-time-code" required value={offCode}
                onChange={(e) => setOffCode(e.target.value)} error={fieldErrors(disable.error).code} />
              <button type="submit" className="button button-secondary" disabled={disable.isPending}>
                {t('account.mfa.disable')}
              </button>
            </form>
          )}
        </>
      )}
      {st && !st.enabled && !confirm.isSuccess && (
        <>
          {disable.isSuccess && <Success>{t('account.mfa.disabledDone')}</Success>}
          <p>{st.required ? t('account.mfa.required') : t('account.mfa.disabled')}</p>
          <FormError error={enroll.error} />
          {!enroll.data ? (
            <button type="button" className="button" onClick={() => enroll.mutate(undefined)} disabled={enroll.isPending}>
              {t('account.mfa.start')}
            </button>
          ) : (
            <form className="form" onSubmit={submitCode} noValidate>
              <p>{t('account.mfa.scan')}</p>
              <img className="qr" src={enroll.data.qr_code} alt={t('account.mfa.qrAlt')} width={240} height={240} />
              <p>{t('account.mfa.secretLabel')}</p>
              <p className="secret">{enroll.data.secret}</p>
              <FormError error={confirm.error} />
              <Field label={t('account.mfa.code')} inputMode="numeric" autoComplete="one-time-code" required value={code}
                onChange={(e) => setCode(e.target.value)} error={fieldErrors(confirm.error).code} />
              <button type="submit" className="button" disabled={confirm.isPending}>
                {t('account.mfa.confirm')}
              </button>
            </form>
          )}
        </>
      )}
    </section>
  );
}

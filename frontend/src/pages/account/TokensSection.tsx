import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { accountKeys, createToken, revokeToken, useApiMutation, useTokens } from '../../api/account';
import { fieldErrors } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { Field, FormError, Success, TableScroll } from '../../auth/form';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatDate } from '../../format';

/** Personal access tokens: create (value shown once), list, revoke. */
export function TokensSection() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const q = useTokens();
  const create = useApiMutation(createToken, [accountKeys.tokens]);
  const revoke = useApiMutation(revokeToken, [accountKeys.tokens]);
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [scopes, setScopes] = useState<string[]>([]);
  const errs = fieldErrors(create.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name, scopes, expires_in_days: Number(days) });
  };
  const toggle = (p: string) => setScopes((s) => (s.includes(p) ? s.filter((x) => x !== p) : [...s, p]));
  const perms = me?.permissions ?? [];
  return (
    <section className="panel" aria-labelledby="jetons">
      <h2 id="jetons">{t('account.tokens.title')}</h2>
      <p>{t('account.tokens.intro')}</p>
      {q.isError && <ErrorMessage error={q.error} />}
      {q.data && q.data.items.length === 0 && <p>{t('account.tokens.none')}</p>}
      {q.data && q.data.items.length > 0 && (
        <TableScroll label={t('account.tokens.title')}>
          <table className="data-table">
            <caption className="visually-hidden">{t('account.tokens.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('account.tokens.name')}</th>
                <th scope="col">{t('account.tokens.scopes')}</th>
                <th scope="col">{t('account.tokens.expires')}</th>
                <th scope="col">{t('account.tokens.lastUsed')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((tok) => (
                <tr key={tok.id}>
                  <td>
                    {tok.name} <code>{tok.prefix}…</code>
                  </td>
                  <td>{tok.scopes.join(', ')}</td>
                  <td>{formatDate(tok.expires_at)}</td>
                  <td>{tok.last_used_at ? formatDate(tok.last_used_at) : t('account.tokens.never')}</td>
                  <td>
                    {tok.revoked_at ? (
                      t('account.tokens.revoked')
                    ) : (
                      <button type="button" className="button button-secondary button-small" onClick={() => revoke.mutate(tok.id)}>
                        {t('account.tokens.revoke')}
                        <span className="visually-hidden"> {tok.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {revoke.isError && <ErrorMessage error={revoke.error} />}
      {create.isSuccess && (
        <Success>
          <p>{t('account.tokens.created')}</p>
          <p className="secret">{create.data.token}</p>
        </Success>
      )}
      <form className="form" onSubmit={submit} noValidate>
        <h3>{t('account.tokens.new')}</h3>
        <FormError error={create.error} />
        <Field label={t('account.tokens.name')} required value={name} onChange={(e) => setName(e.target.value)} error={errs.name} />
        <fieldset>
          <legend>{t('account.tokens.scopes')}</legend>
          {errs.scopes && <p className="field-message">{errs.scopes}</p>}
          {perms.map((p) => (
            <div className="field checkbox" key={p}>
              <label>
                <input type="checkbox" checked={scopes.includes(p)} onChange={() => toggle(p)} />
                {p}
              </label>
            </div>
          ))}
        </fieldset>
        <Field label={t('account.tokens.days')} type="number" min={1} max={365} required value={days}
          onChange={(e) => setDays(e.target.value)} error={errs.expires_in_days} />
        <button type="submit" className="button" disabled={create.isPending}>
          {t('account.tokens.create')}
        </button>
      </form>
    </section>
  );
}

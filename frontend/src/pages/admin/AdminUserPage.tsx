import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { Grant } from '../../api/account';
import { adminKeys, grantRole, revokeRole, sendPasswordLink, updateUser, useUser } from '../../api/admin';
import { fieldErrors, isApiError } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { FormError, Success } from '../../auth/form';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDateTime } from '../../format';
import { GrantEditor } from './GrantEditor';

function Detail({ id }: { id: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const qc = useQueryClient();
  const q = useUser(id);
  usePageTitle(q.data?.name ?? t('admin.user.title'));
  const refresh = () => qc.invalidateQueries({ queryKey: adminKeys.user(id) });
  const update = useMutation({ mutationFn: (body: Parameters<typeof updateUser>[1]) => updateUser(Number(id), body), onSuccess: refresh });
  const link = useMutation({ mutationFn: () => sendPasswordLink(Number(id)) });
  const grant = useMutation({ mutationFn: (g: Grant) => grantRole(Number(id), g), onSuccess: refresh });
  const revoke = useMutation({ mutationFn: (g: number) => revokeRole(Number(id), g), onSuccess: refresh });
  const [g, setG] = useState<Grant>({ role: 'reviewer', domain: 'dir:DIESS' });
  if (q.isPending) return <Loading />;
  if (q.isError) return isApiError(q.error) && q.error.isNotFound ? <h1>{t('admin.user.notFound')}</h1> : <ErrorMessage error={q.error} />;
  const u = q.data;
  const manage = can('user:manage');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    grant.mutate(g);
  };
  return (
    <>
      <h1>{u.name || u.email}</h1>
      <dl className="facts-list">
        <div><dt>{t('auth.fields.email')}</dt><dd>{u.email}</dd></div>
        <div><dt>{t('admin.users.kind')}</dt><dd>{t(`admin.users.kinds.${u.kind}`)}</dd></div>
        <div><dt>{t('admin.users.status')}</dt><dd>{u.disabled_at ? t('admin.users.disabled') : t('admin.users.active')}</dd></div>
        <div><dt>{t('admin.user.created')}</dt><dd>{formatDateTime(u.created_at)}</dd></div>
        <div><dt>{t('admin.user.mfa')}</dt><dd>{u.totp_enabled ? t('admin.user.mfaOn') : t('admin.user.mfaOff')}{u.mfa_required ? ` · ${t('admin.user.mfaRequired')}` : ''}</dd></div>
      </dl>
      {[update.error, link.error, revoke.error].filter(Boolean).map((err, i) => <ErrorMessage key={i} error={err} />)}
      {update.isSuccess && <Success>{t('admin.user.saved')}</Success>}
      {link.isSuccess && <Success>{t('admin.user.linkSent')}</Success>}
      {manage && (
        <div className="actions">
          <button type="button" className="button button-secondary" onClick={() => update.mutate({ disabled: !u.disabled_at })}>
            {u.disabled_at ? t('admin.user.enable') : t('admin.user.disable')}
          </button>
          <button type="button" className="button button-secondary" onClick={() => update.mutate({ mfa_required: !u.mfa_required })}>
            {u.mfa_required ? t('admin.user.unrequireMfa') : t('admin.user.requireMfa')}
          </button>
          {u.totp_enabled && (
            <button type="button" className="button button-secondary" onClick={() => update.mutate({ reset_totp: true })}>
              {t('admin.user.resetMfa')}
            </button>
          )}
          <button type="button" className="button button-secondary" onClick={() => link.mutate()}>
            {t('admin.user.sendLink')}
          </button>
        </div>
      )}
      <section aria-labelledby="roles">
        <h2 id="roles">{t('admin.users.roles')}</h2>
        {u.grants.length === 0 && <p>{t('admin.user.noRoles')}</p>}
        <ul>
          {u.grants.map((gr) => (
            <li key={gr.id}>
              {t(`admin.roles.${gr.role as 'admin'}`, { defaultValue: gr.role })} — <code>{gr.domain}</code>{' '}
              {can('grant:manage') && (
                <button type="button" className="button button-secondary button-small" onClick={() => gr.id && revoke.mutate(gr.id)}>
                  {t('admin.user.revoke')}
                  <span className="visually-hidden"> {gr.role} {gr.domain}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
        {can('grant:manage') && (
          <form className="form" onSubmit={submit} noValidate>
            <h3>{t('admin.user.grantTitle')}</h3>
            <FormError error={grant.error} />
            <GrantEditor value={g} onChange={setG} prefix="" errors={fieldErrors(grant.error)} />
            <button type="submit" className="button" disabled={grant.isPending}>
              {t('admin.user.grant')}
            </button>
          </form>
        )}
      </section>
    </>
  );
}

/** One account: status, second factor, roles. */
export default function AdminUserPage() {
  const { id = '' } = useParams();
  return (
    <RequireAuth permission="user:read">
      <Detail id={id} />
    </RequireAuth>
  );
}

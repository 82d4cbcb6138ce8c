import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Grant } from '../../api/account';
import { createStaff, useUsers } from '../../api/admin';
import { fieldErrors } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { Field, FormError, SelectField, Success, TableScroll } from '../../auth/form';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { GrantEditor } from './GrantEditor';

function CreateStaff() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [mfa, setMfa] = useState(true);
  const [grants, setGrants] = useState<Grant[]>([{ role: 'reviewer', domain: 'dir:DIESS' }]);
  const m = useMutation({ mutationFn: createStaff, onSuccess: () => qc.invalidateQueries({ queryKey: ['admin', 'users'] }) });
  const errs = fieldErrors(m.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate({ email, name, mfa_required: mfa, grants });
  };
  return (
    <section className="panel" aria-labelledby="nouvel-agent">
      <h2 id="nouvel-agent">{t('admin.users.createTitle')}</h2>
      <form className="form" onSubmit={submit} noValidate>
        <FormError error={m.error} />
        {m.isSuccess && <Success>{t('admin.users.created', { email: m.data.email })}</Success>}
        <Field label={t('admin.users.name')} required value={name} onChange={(e) => setName(e.target.value)} error={errs.name} />
        <Field label={t('auth.fields.email')} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={errs.email} />
        <div className="field checkbox">
          <label>
            <input type="checkbox" checked={mfa} onChange={(e) => setMfa(e.target.checked)} />
            {t('admin.users.mfaRequired')}
          </label>
        </div>
        <fieldset>
          <legend>{t('admin.users.roles')}</legend>
          {grants.map((g, i) => (
            <div key={i}>
              <GrantEditor value={g} prefix={`grants[${i}].`} errors={errs} onChange={(v) => setGrants((gs) => gs.map((x, j) => (j === i ? v : x)))} />
              <button type="button" className="button button-secondary button-small" onClick={() => setGrants((gs) => gs.filter((_, j) => j !== i))}>
                {t('admin.users.removeRole', { n: i + 1 })}
              </button>
            </div>
          ))}
          <div className="actions">
            <button type="button" className="button button-secondary" onClick={() => setGrants((gs) => [...gs, { role: 'project_lead', domain: '*' }])}>
              {t('admin.users.addRole')}
            </button>
          </div>
        </fieldset>
        <button type="submit" className="button" disabled={m.isPending}>
          {t('admin.users.create')}
        </button>
      </form>
    </section>
  );
}

function Directory() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState('');
  const [applied, setApplied] = useState({ q: '', kind: '' });
  const list = useUsers(applied.q, applied.kind);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setApplied({ q, kind });
  };
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="annuaire">
      <h2 id="annuaire">{t('admin.users.directory')}</h2>
      <form className="form" role="search" onSubmit={submit}>
        <div className="grid-2">
          <Field label={t('admin.users.search')} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
          <SelectField label={t('admin.users.kind')} value={kind} onChange={setKind}
            options={[{ value: '', label: t('admin.users.kinds.all') }, { value: 'staff', label: t('admin.users.kinds.staff') }, { value: 'applicant', label: t('admin.users.kinds.applicant') }]} />
        </div>
        <button type="submit" className="button button-secondary">{t('common.search')}</button>
      </form>
      {list.isPending && <Loading />}
      {list.isError && <ErrorMessage error={list.error} />}
      {list.data && (
        <TableScroll label={t('admin.users.directory')}>
          <table className="data-table">
            <caption className="visually-hidden">{t('admin.users.directory')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.users.name')}</th>
                <th scope="col">{t('auth.fields.email')}</th>
                <th scope="col">{t('admin.users.roles')}</th>
                <th scope="col">{t('admin.users.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((u) => (
                <tr key={u.id}>
                  <td><Link to={`/admin/utilisateurs/${u.id}`}>{u.name || u.email}</Link></td>
                  <td>{u.email}</td>
                  <td>{u.grants.map((g) => `${g.role} (${g.domain})`).join(', ')}</td>
                  <td>{u.disabled_at ? t('admin.users.disabled') : t('admin.users.active')}{u.totp_enabled ? ` · ${t('admin.users.totp')}` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {list.hasNextPage && (
        <button type="button" className="button button-secondary" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {t('admin.users.more')}
        </button>
      )}
    </section>
  );
}

/** Administration: find accounts, create staff accounts with their roles. */
export default function AdminUsersPage() {
  const { t } = useTranslation();
  usePageTitle(t('admin.users.title'));
  const { can } = useAuth();
  return (
    <RequireAuth permission="user:read">
      <h1>{t('admin.users.title')}</h1>
      {can('user:manage') && <CreateStaff />}
      <Directory />
    </RequireAuth>
  );
}

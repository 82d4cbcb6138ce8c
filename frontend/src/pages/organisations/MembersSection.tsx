import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useApiMutation } from '../../api/account';
import { fieldErrors } from '../../api/client';
import { changeMemberRole, invite, orgKeys, removeMember, revokeInvitation, useInvitations, useMembers, type Organisation } from '../../api/organisations';
import { useAuth } from '../../auth/AuthContext';
import { Field, FormError, SelectField, Success, TableScroll } from '../../auth/form';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatDate } from '../../format';

/** Members, their roles, and invitations by e-mail (for the organisation's admins). */
export function MembersSection({ org }: { org: Organisation }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const id = String(org.id);
  const manage = !!org.can_manage_members;
  const members = useMembers(id);
  const invitations = useInvitations(id, manage);
  const keys = [orgKeys.members(id), orgKeys.invitations(id)];
  const role = useApiMutation((v: { user: number; role: string }) => changeMemberRole(org.id, v.user, v.role), keys);
  const remove = useApiMutation((user: number) => removeMember(org.id, user), keys);
  const send = useApiMutation((v: { email: string; role: string }) => invite(org.id, v), keys);
  const revoke = useApiMutation((inv: number) => revokeInvitation(org.id, inv), keys);
  const [email, setEmail] = useState('');
  const [newRole, setNewRole] = useState('org_member');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate({ email, role: newRole }, { onSuccess: () => setEmail('') });
  };
  const roleOptions = ['org_member', 'org_admin'].map((r) => ({ value: r, label: t(`orgs.roles.${r as 'org_member'}`) }));
  return (
    <section aria-labelledby="membres">
      <h2 id="membres">{t('orgs.members.title')}</h2>
      {members.isError && <ErrorMessage error={members.error} />}
      {[role.error, remove.error, revoke.error].filter(Boolean).map((err, i) => <ErrorMessage key={i} error={err} />)}
      {members.data && (
        <TableScroll label={t('orgs.members.title')}>
          <table className="data-table">
            <caption className="visually-hidden">{t('orgs.members.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('orgs.members.name')}</th>
                <th scope="col">{t('orgs.form.email')}</th>
                <th scope="col">{t('orgs.members.role')}</th>
                {manage && <th scope="col"><span className="visually-hidden">{t('common.actions')}</span></th>}
              </tr>
            </thead>
            <tbody>
              {members.data.items.map((m) => (
                <tr key={m.user_id}>
                  <td>{m.name}{m.user_id === me?.user.id && ` (${t('orgs.members.you')})`}</td>
                  <td>{m.email}</td>
                  <td>{t(`orgs.roles.${m.role}`)}</td>
                  {manage && (
                    <td>
                      <div className="actions">
                      <button type="button" className="button button-secondary button-small"
                        onClick={() => role.mutate({ user: m.user_id, role: m.role === 'org_admin' ? 'org_member' : 'org_admin' })}>
                        {m.role === 'org_admin' ? t('orgs.members.makeMember') : t('orgs.members.makeAdmin')}
                        <span className="visually-hidden"> {m.name}</span>
                      </button>
                      <button type="button" className="button button-secondary button-small" onClick={() => remove.mutate(m.user_id)}>
                        {t('orgs.members.remove')}
                        <span className="visually-hidden"> {m.name}</span>
                      </button>
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {manage && (
        <>
          <h3>{t('orgs.invitations.pending')}</h3>
          {invitations.data && invitations.data.items.length === 0 && <p>{t('orgs.invitations.none')}</p>}
          {invitations.data && invitations.data.items.length > 0 && (
            <ul>
              {invitations.data.items.map((inv) => (
                <li key={inv.id}>
                  {t('orgs.invitations.item', { email: inv.email, role: t(`orgs.roles.${inv.role}`), date: formatDate(inv.expires_at) })}{' '}
                  <button type="button" className="button button-secondary button-small" onClick={() => revoke.mutate(inv.id)}>
                    {t('orgs.invitations.revoke')}
                    <span className="visually-hidden"> {inv.email}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <form className="form" onSubmit={submit} noValidate>
            <h3>{t('orgs.invitations.title')}</h3>
            <FormError error={send.error} />
            {send.isSuccess && <Success>{t('orgs.invitations.sent', { email: send.data.email })}</Success>}
            <Field label={t('orgs.invitations.email')} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={fieldErrors(send.error).email} />
            <SelectField label={t('orgs.members.role')} value={newRole} onChange={setNewRole} options={roleOptions} error={fieldErrors(send.error).role} />
            <button type="submit" className="button" disabled={send.isPending}>
              {t('orgs.invitations.submit')}
            </button>
          </form>
        </>
      )}
    </section>
  );
}

import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useAudit, verifyAudit, type AuditFilters } from '../../api/admin';
import { fieldErrors } from '../../api/client';
import { Field, FormError, Success, TableScroll } from '../../auth/form';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDateTime } from '../../format';

const filterNames = ['actor', 'action', 'object_type', 'object_id', 'from', 'to'] as const;

function Trail() {
  const { t } = useTranslation();
  const [form, setForm] = useState<AuditFilters>({});
  const [applied, setApplied] = useState<AuditFilters>({});
  const list = useAudit(applied);
  const verify = useMutation({ mutationFn: verifyAudit });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const clean: AuditFilters = {};
    for (const k of filterNames) if (form[k]) clean[k] = form[k];
    setApplied(clean);
  };
  const errs = fieldErrors(list.error);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <form className="form form-wide" role="search" onSubmit={submit} noValidate>
        <div className="grid-2">
          {filterNames.map((k) => (
            <Field key={k} label={t(`admin.audit.filters.${k}`)} type={k === 'from' || k === 'to' ? 'date' : 'text'} value={form[k] ?? ''}
              onChange={(e) => setForm((f) => ({ ...f, [k]: e.target.value }))} error={errs[k]} />
          ))}
        </div>
        <div className="actions">
          <button type="submit" className="button">{t('common.search')}</button>
          <button type="button" className="button button-secondary" onClick={() => verify.mutate()} disabled={verify.isPending}>
            {t('admin.audit.verify')}
          </button>
        </div>
      </form>
      {verify.isError && <ErrorMessage error={verify.error} />}
      {verify.data && (verify.data.ok ? (
        <Success>{t('admin.audit.verifyOk', { checked: verify.data.checked, unsealed: verify.data.unsealed })}</Success>
      ) : (
        <div className="alert alert-error" role="alert">
          <p>{t('admin.audit.verifyBroken', { seq: verify.data.broken_at_seq, reason: verify.data.reason })}</p>
        </div>
      ))}
      <FormError error={list.error} />
      {list.isPending && <Loading />}
      {list.data && items.length === 0 && <p>{t('admin.audit.none')}</p>}
      {items.length > 0 && (
        <TableScroll label={t('admin.audit.title')}>
          <table className="data-table">
            <caption className="visually-hidden">{t('admin.audit.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.audit.at')}</th>
                <th scope="col">{t('admin.audit.actor')}</th>
                <th scope="col">{t('admin.audit.action')}</th>
                <th scope="col">{t('admin.audit.object')}</th>
                <th scope="col">{t('admin.audit.summary')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.at)}</td>
                  <td>{e.actor}<br /><small>{e.ip}</small></td>
                  <td><code>{e.action}</code></td>
                  <td>{e.object_type} {e.object_id && `#${e.object_id}`}</td>
                  <td><pre className="summary">{JSON.stringify(e.summary)}</pre></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {list.hasNextPage && (
        <button type="button" className="button button-secondary" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {t('admin.audit.more')}
        </button>
      )}
    </>
  );
}

/** Administration: search the tamper-evident audit trail, check its chain. */
export default function AuditPage() {
  const { t } = useTranslation();
  usePageTitle(t('admin.audit.title'));
  return (
    <RequireAuth permission="audit:search">
      <h1>{t('admin.audit.title')}</h1>
      <p className="lead">{t('admin.audit.intro')}</p>
      <Trail />
    </RequireAuth>
  );
}

import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Grant } from '../../api/account';
import { Field, SelectField } from '../../auth/form';
import { defaultDomain, reviewerDomains, staffRoles } from './roles';

/** One role and its domain; a reviewer's domain is a direction or "call:<id>". */
export function GrantEditor({ value, onChange, errors, prefix }: {
  value: Grant;
  onChange: (g: Grant) => void;
  errors: Record<string, string>;
  prefix: string;
}) {
  const { t } = useTranslation();
  const listId = useId();
  return (
    <div className="grid-2">
      <SelectField label={t('admin.grant.role')} value={value.role} error={errors[`${prefix}role`]}
        onChange={(role) => onChange({ role, domain: defaultDomain(role) })}
        options={staffRoles.map((r) => ({ value: r, label: t(`admin.roles.${r}`) }))} />
      {value.role === 'reviewer' ? (
        <Field label={t('admin.grant.domain')} hint={t('admin.grant.domainHint', { dirs: reviewerDomains.join(', ') })}
          value={value.domain} list={listId} error={errors[`${prefix}domain`]}
          onChange={(e) => onChange({ ...value, domain: e.target.value })} />
      ) : (
        <Field label={t('admin.grant.domain')} value="*" readOnly error={errors[`${prefix}domain`]} />
      )}
      <datalist id={listId}>
        {reviewerDomains.map((d) => (
          <option key={d} value={d} />
        ))}
      </datalist>
    </div>
  );
}

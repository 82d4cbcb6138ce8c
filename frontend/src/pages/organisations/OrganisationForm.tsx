import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldErrors } from '../../api/client';
import { useCommunes, type OrganisationInput, type PublicAid } from '../../api/organisations';
import { Field, FormError, SelectField, TextAreaField } from '../../auth/form';
import { rnaProblem, siretProblem } from '../../auth/siret';

const legalForms = ['association', 'entreprise_ess', 'entreprise', 'commune', 'ccas', 'etablissement_public', 'autre'] as const;

/** An empty form. */
export function emptyOrganisation(): OrganisationInput {
  const person = { first_name: '', last_name: '', role: '', email: '', phone: '' };
  return {
    legal_name: '', siret: '', rna: '', legal_form: 'association', address: '', postal_code: '', city: '', commune_insee: '',
    profile: { legal_representative: { ...person }, contact: { ...person }, approvals: [], public_aid: [], networks: [], volunteers: 0, employees: 0, members: 0 },
  };
}

/** Euros typed the French way ("1 200,50") to cents, without floats; NaN when unreadable. */
export function eurosToCents(s: string): number {
  const m = /^\s*(\d[\d\s\u00a0\u202f]*)(?:[,.](\d{1,2}))?\s*€?\s*$/.exec(s);
  if (!m) return Number.NaN;
  return Number(m[1]!.replace(/\D/g, '')) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

function lines(s: string): string[] {
  return s.split('\n').map((l) => l.trim()).filter(Boolean);
}

interface AidRow {
  funder: string;
  year: string;
  amount: string;
}

/** The organisation form (identity + CERFA 12156 profile), for creation and update. */
export function OrganisationForm({ initial, submitLabel, pending, error, onSubmit }: {
  initial: OrganisationInput;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (v: OrganisationInput) => void;
}) {
  const { t } = useTranslation();
  const communes = useCommunes();
  const [v, setV] = useState(initial);
  const [approvals, setApprovals] = useState((initial.profile.approvals ?? []).join('\n'));
  const [networks, setNetworks] = useState((initial.profile.networks ?? []).join('\n'));
  const [aid, setAid] = useState<AidRow[]>((initial.profile.public_aid ?? []).map((a) => ({
    funder: a.funder, year: String(a.year), amount: (a.amount_cents / 100).toFixed(2).replace('.', ','),
  })));
  const errs = fieldErrors(error);
  const set = <K extends keyof OrganisationInput>(k: K, value: OrganisationInput[K]) => setV((o) => ({ ...o, [k]: value }));
  const setPerson = (who: 'legal_representative' | 'contact', k: string, value: string) =>
    setV((o) => ({ ...o, profile: { ...o.profile, [who]: { ...o.profile[who], [k]: value } } }));
  const setCount = (k: 'volunteers' | 'employees' | 'members', value: string) =>
    setV((o) => ({ ...o, profile: { ...o.profile, [k]: Number(value) || 0 } }));

  // Live checks: say a SIRET is mistyped as soon as it has its 14 digits (or on leaving the field).
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const siretLive = v.siret && (touched.siret || v.siret.replace(/\D/g, '').length >= 14) ? siretProblem(v.siret) : null;
  const rnaLive = v.rna && (touched.rna || v.rna.length >= 10) ? rnaProblem(v.rna) : null;
  const siretError = errs.siret ?? (siretLive ? t(`orgs.form.siret_${siretLive}`) : undefined);
  const rnaError = errs.rna ?? (rnaLive ? t('orgs.form.rna_format') : undefined);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const public_aid: PublicAid[] = aid.map((a) => ({ funder: a.funder, year: Number(a.year) || 0, amount_cents: eurosToCents(a.amount) || 0 }));
    onSubmit({ ...v, profile: { ...v.profile, approvals: lines(approvals), networks: lines(networks), public_aid } });
  };
  const person = (who: 'legal_representative' | 'contact', needEmail: boolean) => {
    const p = v.profile[who];
    const e = (k: string) => errs[`profile.${who}.${k}`];
    return (
      <div className="grid-2">
        <Field label={t('orgs.form.firstName')} required value={p.first_name} onChange={(ev) => setPerson(who, 'first_name', ev.target.value)} error={e('first_name')} />
        <Field label={t('orgs.form.lastName')} required value={p.last_name} onChange={(ev) => setPerson(who, 'last_name', ev.target.value)} error={e('last_name')} />
        <Field label={t('orgs.form.role')} value={p.role ?? ''} onChange={(ev) => setPerson(who, 'role', ev.target.value)} error={e('role')} />
        <Field label={t('orgs.form.email')} type="email" required={needEmail} value={p.email ?? ''} onChange={(ev) => setPerson(who, 'email', ev.target.value)} error={e('email')} />
        <Field label={t('orgs.form.phone')} type="tel" value={p.phone ?? ''} onChange={(ev) => setPerson(who, 'phone', ev.target.value)} error={e('phone')} />
      </div>
    );
  };
  return (
    <form className="form form-wide" onSubmit={submit} noValidate>
      <FormError error={error} />
      <p>{t('auth.form.requiredNote')}</p>
      <fieldset>
        <legend>{t('orgs.form.identity')}</legend>
        <Field label={t('orgs.form.legalName')} required value={v.legal_name} onChange={(e) => set('legal_name', e.target.value)} error={errs.legal_name} />
        <div className="grid-2">
          <div>
            <Field label={t('orgs.form.siret')} name="siret" inputMode="numeric" hint={t('orgs.form.siretHint')} value={v.siret}
              onChange={(e) => set('siret', e.target.value)} onBlur={() => setTouched((x) => ({ ...x, siret: true }))} error={siretError} />
            {v.siret && !siretError && siretProblem(v.siret) === null && <p className="field-ok">{t('orgs.form.siretOk')}</p>}
          </div>
          <Field label={t('orgs.form.rna')} name="rna" hint={t('orgs.form.rnaHint')} value={v.rna}
            onChange={(e) => set('rna', e.target.value)} onBlur={() => setTouched((x) => ({ ...x, rna: true }))} error={rnaError} />
        </div>
        <SelectField label={t('orgs.form.legalForm')} required value={v.legal_form} onChange={(x) => set('legal_form', x)} error={errs.legal_form}
          options={legalForms.map((f) => ({ value: f, label: t(`orgs.legalForms.${f}`) }))} />
        <Field label={t('orgs.form.address')} required autoComplete="street-address" value={v.address} onChange={(e) => set('address', e.target.value)} error={errs.address} />
        <div className="grid-2">
          <Field label={t('orgs.form.postalCode')} required inputMode="numeric" autoComplete="postal-code" value={v.postal_code}
            onChange={(e) => set('postal_code', e.target.value)} error={errs.postal_code} />
          <Field label={t('orgs.form.city')} required value={v.city} onChange={(e) => set('city', e.target.value)} error={errs.city} />
        </div>
        <SelectField label={t('orgs.form.commune')} value={v.commune_insee} onChange={(x) => set('commune_insee', x)} error={errs.commune_insee}
          options={[{ value: '', label: t('orgs.form.communeNone') }, ...(communes.data?.items ?? []).map((c) => ({ value: c.insee, label: c.name }))]} />
      </fieldset>
      <fieldset>
        <legend>{t('orgs.form.representative')}</legend>
        {person('legal_representative', false)}
      </fieldset>
      <fieldset>
        <legend>{t('orgs.form.contact')}</legend>
        {person('contact', true)}
      </fieldset>
      <fieldset>
        <legend>{t('orgs.form.relations')}</legend>
        <TextAreaField label={t('orgs.form.approvals')} hint={t('orgs.form.oneLine')} value={approvals} onChange={setApprovals} error={errs['profile.approvals']} />
        <TextAreaField label={t('orgs.form.networks')} hint={t('orgs.form.oneLine')} value={networks} onChange={setNetworks} error={errs['profile.networks']} />
        <h3>{t('orgs.form.aid')}</h3>
        {aid.map((a, i) => (
          <div className="grid-2" key={i} role="group" aria-label={t('orgs.form.aidRow', { n: i + 1 })}>
            <Field label={t('orgs.form.funder')} value={a.funder} error={errs[`profile.public_aid[${i}].funder`]}
              onChange={(e) => setAid((rows) => rows.map((r, j) => (j === i ? { ...r, funder: e.target.value } : r)))} />
            <Field label={t('orgs.form.year')} inputMode="numeric" value={a.year} error={errs[`profile.public_aid[${i}].year`]}
              onChange={(e) => setAid((rows) => rows.map((r, j) => (j === i ? { ...r, year: e.target.value } : r)))} />
            <Field label={t('orgs.form.amount')} inputMode="decimal" value={a.amount} error={errs[`profile.public_aid[${i}].amount_cents`]}
              onChange={(e) => setAid((rows) => rows.map((r, j) => (j === i ? { ...r, amount: e.target.value } : r)))} />
            <div className="actions">
              <button type="button" className="button button-secondary button-small" onClick={() => setAid((rows) => rows.filter((_, j) => j !== i))}>
                {t('orgs.form.removeAid', { n: i + 1 })}
              </button>
            </div>
          </div>
        ))}
        <button type="button" className="button button-secondary" onClick={() => setAid((rows) => [...rows, { funder: '', year: String(new Date().getFullYear() - 1), amount: '' }])}>
          {t('orgs.form.addAid')}
        </button>
      </fieldset>
      <fieldset>
        <legend>{t('orgs.form.people')}</legend>
        <div className="grid-2">
          <Field label={t('orgs.form.volunteers')} type="number" min={0} value={String(v.profile.volunteers)} onChange={(e) => setCount('volunteers', e.target.value)} error={errs['profile.volunteers']} />
          <Field label={t('orgs.form.employees')} type="number" min={0} value={String(v.profile.employees)} onChange={(e) => setCount('employees', e.target.value)} error={errs['profile.employees']} />
          <Field label={t('orgs.form.members')} type="number" min={0} value={String(v.profile.members)} onChange={(e) => setCount('members', e.target.value)} error={errs['profile.members']} />
        </div>
      </fieldset>
      <div className="actions">
        <button type="submit" className="button" disabled={pending}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

// The call editor (/gestion/appels/nouveau and /gestion/appels/:id): the call's texts, publics,
// territory, amounts and dates (typed in Paris time), documents, scoring grid and application form;
// a preview as an applicant; publishing and closing through the workflow buttons.
import { useId, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import type { Answers, DocumentSlot } from '../../api/forms';
import { createCall, emptyCallInput, manageKeys, saveCall, toCallInput, useManagedCall, type CallInput, type Criterion, type ManagedCall } from '../../api/manageCalls';
import { useBudgetChart, useCommunes, useDirections } from '../../api/reference';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { FormRenderer } from '../../components/forms/FormRenderer';
import { centsToInput, inputToCents } from '../../components/forms/formLogic';
import { Loading } from '../../components/Loading';
import { useTypedText } from '../../components/forms/useTypedText';
import { usePageTitle } from '../../components/usePageTitle';
import { Timeline } from '../../components/workflow/Timeline';
import { TransitionButtons } from '../../components/workflow/TransitionButtons';
import { useCodeLabel } from '../../i18n/labels';
import { FormBuilder, slug } from './FormBuilder';
import '../../components/forms/forms.css';

const themeCodes = ['permis_de_conduire', 'velo', 'transport_a_la_demande', 'conseil_en_mobilite', 'garage_solidaire', 'location_solidaire'];
const publicCodes = ['personnes_agees', 'personnes_handicapees', 'publics_insertion', 'usagers_service_social', 'jeunes'];

/** The editor page. */
export default function CallEditorPage() {
  return (
    <RequireAuth permission="call:read_all">
      <EditorLoader />
    </RequireAuth>
  );
}

function EditorLoader() {
  const { t } = useTranslation();
  const { id } = useParams();
  const isNew = !id || id === 'nouveau';
  const q = useManagedCall(isNew ? undefined : id);
  usePageTitle(isNew ? t('callsManage.newTitle') : q.data?.title);
  if (isNew) return <Editor key="new" call={null} />;
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  return <Editor key={q.data.id} call={q.data} />;
}

function Editor({ call }: { call: ManagedCall | null }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [input, setInput] = useState<CallInput>(() => (call ? toCallInput(call) : emptyCallInput()));
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  // The version this editor started from (If-Match): saving over someone else's save is a 409.
  const [version, setVersion] = useState(call?.version ?? 0);
  const [preview, setPreview] = useState(false);
  const [previewAnswers, setPreviewAnswers] = useState<Answers>({});
  const errors: Record<string, string> = {};
  if (isApiError(error)) for (const e of error.errors) if (!(e.field in errors)) errors[e.field] = e.detail;
  const formErrors: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) if (k.startsWith('settings.form.')) formErrors[k.slice('settings.form.'.length)] = v;
  const editable = !call || call.state === 'draft' || call.state === 'published';
  const set = (patch: Partial<CallInput>) => {
    setSaved(false);
    setInput((cur) => ({ ...cur, ...patch }));
  };
  const setSettings = (patch: Partial<CallInput['settings']>) => set({ settings: { ...input.settings, ...patch } });

  const save = async () => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      if (!call) {
        const created = await createCall(input);
        await qc.invalidateQueries({ queryKey: manageKeys.all });
        navigate(`/gestion/appels/${created.id}`, { replace: true });
        return;
      }
      const next = await saveCall(call.id, version, input);
      setVersion(next.version);
      qc.setQueryData(manageKeys.detail(call.id), next);
      await qc.invalidateQueries({ queryKey: ['workflow', 'calls', String(call.id)] });
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="editor">
      <p className="back-link">
        <Link to="/gestion/appels">{t('callsManage.backToList')}</Link>
      </p>
      <h1>{call ? call.title : t('callsManage.newTitle')}</h1>
      {call && (
        <section aria-labelledby="workflow-title" className="panel">
          <h2 id="workflow-title">{t('callsManage.workflowTitle')}</h2>
          <TransitionButtons
            resource="calls"
            id={call.id}
            onChanged={(v) => {
              setVersion(v.version);
              void qc.invalidateQueries({ queryKey: manageKeys.all });
            }}
          />
        </section>
      )}
      {!editable && <p className="alert alert-error">{t('callsManage.frozen')}</p>}

      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        noValidate
      >
        <fieldset>
          <legend>{t('callsManage.general')}</legend>
          <TextInput label={t('callsManage.title')} value={input.title} error={errors.title} onChange={(title) => set({ title })} required />
          <TextArea label={t('callsManage.summary')} value={input.summary} error={errors.summary} onChange={(summary) => set({ summary })} rows={3} />
          <TextArea
            label={t('callsManage.description')}
            hint={t('callsManage.descriptionHint')}
            value={input.description_html}
            error={errors.description_html}
            onChange={(description_html) => set({ description_html })}
            rows={8}
          />
          <CodeChoices group="themes" codes={themeCodes} label={t('callsManage.themes')} value={input.themes} onChange={(themes) => set({ themes })} errors={errors} />
          <CodeChoices group="publics" codes={publicCodes} label={t('callsManage.publics')} value={input.publics} onChange={(publics) => set({ publics })} errors={errors} />
          <Territory value={input.communes} onChange={(communes) => set({ communes })} errors={errors} />
          <Directions value={input.directions} onChange={(directions) => set({ directions })} errors={errors} />
        </fieldset>

        <fieldset>
          <legend>{t('callsManage.money')}</legend>
          <div className="builder-grid">
            <EuroInput label={t('callsManage.envelope')} cents={input.envelope_cents} error={errors.envelope_cents} onChange={(envelope_cents) => set({ envelope_cents })} />
            <EuroInput label={t('callsManage.maxAmount')} cents={input.max_amount_cents} error={errors.max_amount_cents} onChange={(max_amount_cents) => set({ max_amount_cents })} />
            <TextInput
              label={t('callsManage.maxShare')}
              type="number"
              value={input.settings.max_share_bp ? String(input.settings.max_share_bp / 100) : ''}
              error={errors['settings.max_share_bp']}
              onChange={(v) => setSettings({ max_share_bp: v.trim() === '' ? 0 : Math.round(Number(v) * 100) || 0 })}
            />
          </div>
          <TextArea label={t('callsManage.cofunding')} value={input.settings.cofunding_rules ?? ''} error={errors['settings.cofunding_rules']} onChange={(cofunding_rules) => setSettings({ cofunding_rules })} rows={2} />
        </fieldset>

        <fieldset>
          <legend>{t('callsManage.dates')}</legend>
          <p className="field-hint">{t('callsManage.datesHint')}</p>
          <div className="builder-grid">
            <TextInput label={t('callsManage.opensAt')} type="datetime-local" value={input.opens_at ?? ''} error={errors.opens_at} onChange={(v) => set({ opens_at: v || null })} />
            <TextInput label={t('callsManage.closesAt')} type="datetime-local" value={input.closes_at ?? ''} error={errors.closes_at} onChange={(v) => set({ closes_at: v || null })} />
          </div>
          <TextArea label={t('callsManage.eligibility')} value={input.settings.eligibility ?? ''} error={errors['settings.eligibility']} onChange={(eligibility) => setSettings({ eligibility })} rows={3} />
        </fieldset>

        <fieldset>
          <legend>{t('callsManage.documents')}</legend>
          <DocumentsEditor slots={input.settings.documents} onChange={(documents) => setSettings({ documents })} errors={errors} />
        </fieldset>

        <fieldset>
          <legend>{t('callsManage.grid')}</legend>
          <GridEditor grid={input.settings.grid} onChange={(grid) => setSettings({ grid })} errors={errors} />
        </fieldset>

        <fieldset>
          <legend>{t('callsManage.form')}</legend>
          <p className="field-hint">{t('callsManage.formHint')}</p>
          <FormBuilder fields={input.settings.form.fields} onChange={(fields) => setSettings({ form: { fields } })} errors={formErrors} />
        </fieldset>

        <div className="sticky-status">
          {error !== null && <ErrorMessage error={error} title={isApiError(error) && error.status === 409 ? t('callsManage.conflict') : undefined} />}
          {saved && (
            <p className="alert alert-success" role="status">
              {t('callsManage.saved')}
            </p>
          )}
          <div className="actions">
            <button type="submit" className="button" disabled={busy || !editable}>
              {busy ? t('common.loading') : t('callsManage.save')}
            </button>
            <button type="button" className="button button-secondary" aria-expanded={preview} aria-controls="call-preview" onClick={() => setPreview((p) => !p)}>
              {preview ? t('callsManage.hidePreview') : t('callsManage.preview')}
            </button>
          </div>
        </div>
      </form>

      {preview && (
        <section id="call-preview" aria-labelledby="preview-title" className="panel">
          <h2 id="preview-title">{t('callsManage.previewTitle')}</h2>
          <p className="field-hint">{t('callsManage.previewHint')}</p>
          <FormRenderer schema={input.settings.form} answers={previewAnswers} onChange={setPreviewAnswers} />
        </section>
      )}
      {call && <Timeline resource="calls" id={call.id} />}
    </div>
  );
}

function Frame({ id, label, hint, error, children, required }: { id: string; label: string; hint?: string; error?: string; children: ReactNode; required?: boolean }) {
  return (
    <div className={`form-field${error ? ' field-error' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required && <span aria-hidden="true"> *</span>}
      </label>
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-message">
          {error}
        </p>
      )}
      {children}
    </div>
  );
}

function describedBy(id: string, hint?: string, error?: string) {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

function TextInput({ label, value, onChange, error, hint, type = 'text', required }: { label: string; value: string; onChange: (v: string) => void; error?: string; hint?: string; type?: string; required?: boolean }) {
  const id = useId();
  return (
    <Frame id={id} label={label} hint={hint} error={error} required={required}>
      <input id={id} type={type} value={value} aria-required={required || undefined} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} onChange={(e) => onChange(e.target.value)} />
    </Frame>
  );
}

function TextArea({ label, value, onChange, error, hint, rows }: { label: string; value: string; onChange: (v: string) => void; error?: string; hint?: string; rows: number }) {
  const id = useId();
  return (
    <Frame id={id} label={label} hint={hint} error={error}>
      <textarea id={id} rows={rows} value={value} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} onChange={(e) => onChange(e.target.value)} />
    </Frame>
  );
}

/** Euros typed, cents sent. */
function EuroInput({ label, cents, onChange, error }: { label: string; cents: number; onChange: (c: number) => void; error?: string }) {
  const id = useId();
  const [text, setText] = useTypedText(cents, (v) => (v ? centsToInput(v) : ''), (cur, v) => (inputToCents(cur) ?? 0) === v);
  return (
    <Frame id={id} label={label} error={error}>
      <span className="money-input">
        <input
          id={id}
          type="text"
          inputMode="decimal"
          value={text}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, undefined, error)}
          onChange={(e) => {
            setText(e.target.value);
            const c = inputToCents(e.target.value);
            if (c !== null || e.target.value.trim() === '') onChange(c ?? 0);
          }}
        />
        <span aria-hidden="true">€</span>
      </span>
    </Frame>
  );
}

function CodeChoices({ group, codes, label, value, onChange, errors }: { group: 'themes' | 'publics'; codes: string[]; label: string; value: string[]; onChange: (v: string[]) => void; errors: Record<string, string> }) {
  const codeLabel = useCodeLabel();
  const all = [...codes, ...value.filter((v) => !codes.includes(v))];
  const error = Object.entries(errors).find(([k]) => k === group || k.startsWith(`${group}[`))?.[1];
  return (
    <fieldset className={`form-field${error ? ' field-error' : ''}`}>
      <legend>{label}</legend>
      {error && <p className="field-message">{error}</p>}
      <div className="checkbox-grid">
        {all.map((c) => (
          <label key={c} className="choice">
            <input type="checkbox" checked={value.includes(c)} onChange={() => onChange(value.includes(c) ? value.filter((x) => x !== c) : [...value, c])} />
            {codeLabel(group, c)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Communes of the 93, grouped by EPT, with a box that ticks a whole EPT. */
function Territory({ value, onChange, errors }: { value: string[]; onChange: (v: string[]) => void; errors: Record<string, string> }) {
  const { t } = useTranslation();
  const communes = useCommunes();
  const groups = new Map<string, { insee: string; name: string }[]>();
  for (const c of communes.data ?? []) groups.set(c.ept_name, [...(groups.get(c.ept_name) ?? []), c]);
  const error = Object.entries(errors).find(([k]) => k.startsWith('communes'))?.[1];
  return (
    <fieldset className={`form-field${error ? ' field-error' : ''}`}>
      <legend>{t('callsManage.communes')}</legend>
      <p className="field-hint">{t('callsManage.communesHint')}</p>
      {error && <p className="field-message">{error}</p>}
      {[...groups.entries()].map(([ept, list]) => {
        const all = list.every((c) => value.includes(c.insee));
        return (
          <details key={ept}>
            <summary>
              {t('callsManage.eptSummary', { ept, n: list.filter((c) => value.includes(c.insee)).length, total: list.length })}
            </summary>
            <label className="choice">
              <input
                type="checkbox"
                checked={all}
                onChange={() => onChange(all ? value.filter((v) => !list.some((c) => c.insee === v)) : [...new Set([...value, ...list.map((c) => c.insee)])])}
              />
              {t('callsManage.wholeEPT', { ept })}
            </label>
            <div className="checkbox-grid">
              {list.map((c) => (
                <label key={c.insee} className="choice">
                  <input type="checkbox" checked={value.includes(c.insee)} onChange={() => onChange(value.includes(c.insee) ? value.filter((x) => x !== c.insee) : [...value, c.insee])} />
                  {c.name}
                </label>
              ))}
            </div>
          </details>
        );
      })}
    </fieldset>
  );
}

function Directions({ value, onChange, errors }: { value: string[]; onChange: (v: string[]) => void; errors: Record<string, string> }) {
  const { t } = useTranslation();
  const dirs = useDirections();
  const error = Object.entries(errors).find(([k]) => k.startsWith('directions'))?.[1];
  return (
    <fieldset className={`form-field${error ? ' field-error' : ''}`}>
      <legend>{t('callsManage.directions')}</legend>
      {error && <p className="field-message">{error}</p>}
      <div className="checkbox-grid">
        {(dirs.data ?? []).map((d) => (
          <label key={d.code} className="choice">
            <input type="checkbox" checked={value.includes(d.code)} onChange={() => onChange(value.includes(d.code) ? value.filter((x) => x !== d.code) : [...value, d.code])} />
            {d.code} — {d.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function DocumentsEditor({ slots, onChange, errors }: { slots: DocumentSlot[]; onChange: (s: DocumentSlot[]) => void; errors: Record<string, string> }) {
  const { t } = useTranslation();
  const chart = useBudgetChart();
  const types = chart.data?.document_types ?? ['pdf', 'png', 'jpeg', 'odt', 'ods', 'docx', 'xlsx', 'csv'];
  const set = (i: number, patch: Partial<DocumentSlot>) => onChange(slots.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const err = (i: number, f: string) => errors[`settings.documents[${i}].${f}`] ?? Object.entries(errors).find(([k]) => k.startsWith(`settings.documents[${i}].${f}[`))?.[1];
  return (
    <>
      {errors['settings.documents'] && <p className="field-message">{errors['settings.documents']}</p>}
      {slots.length === 0 && <p className="empty-row">{t('callsManage.noDocument')}</p>}
      {slots.map((s, i) => (
        <fieldset key={i} className="builder-field">
          <legend>{t('callsManage.documentLegend', { n: i + 1, name: s.label || t('builder.untitled') })}</legend>
          <div className="builder-grid">
            <TextInput
              label={t('callsManage.documentLabel')}
              value={s.label}
              error={err(i, 'label')}
              onChange={(label) => set(i, { label, key: s.key && s.key !== slug(s.label) ? s.key : slug(label) })}
            />
            <TextInput label={t('builder.key')} value={s.key} error={err(i, 'key')} onChange={(key) => set(i, { key })} />
            <TextInput
              label={t('callsManage.documentMaxSize')}
              type="number"
              value={s.max_bytes ? String(Math.round(s.max_bytes / (1 << 20))) : ''}
              error={err(i, 'max_bytes')}
              onChange={(v) => set(i, { max_bytes: Math.round(Number(v) * (1 << 20)) || 0 })}
            />
          </div>
          <fieldset className={`form-field${err(i, 'types') ? ' field-error' : ''}`}>
            <legend>{t('callsManage.documentTypes')}</legend>
            {err(i, 'types') && <p className="field-message">{err(i, 'types')}</p>}
            <div className="checkbox-grid">
              {types.map((ty) => (
                <label key={ty} className="choice">
                  <input type="checkbox" checked={s.types.includes(ty)} onChange={() => set(i, { types: s.types.includes(ty) ? s.types.filter((x) => x !== ty) : [...s.types, ty] })} />
                  {ty.toUpperCase()}
                </label>
              ))}
            </div>
          </fieldset>
          <label className="choice">
            <input type="checkbox" checked={s.mandatory} onChange={(e) => set(i, { mandatory: e.target.checked })} />
            {t('callsManage.documentMandatory')}
          </label>
          <button type="button" className="button button-secondary button-small" onClick={() => onChange(slots.filter((_, j) => j !== i))}>
            {t('callsManage.removeDocument', { name: s.label || String(i + 1) })}
          </button>
        </fieldset>
      ))}
      <button type="button" className="button button-secondary" onClick={() => onChange([...slots, { key: '', label: '', types: ['pdf'], max_bytes: 10 << 20, mandatory: true }])}>
        {t('callsManage.addDocument')}
      </button>
    </>
  );
}

function GridEditor({ grid, onChange, errors }: { grid: CallInput['settings']['grid']; onChange: (g: CallInput['settings']['grid']) => void; errors: Record<string, string> }) {
  const { t } = useTranslation();
  const set = (i: number, patch: Partial<Criterion>) => onChange({ ...grid, criteria: grid.criteria.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const e = (p: string) => errors[`settings.grid.${p}`];
  return (
    <>
      <p className="field-hint">{t('callsManage.gridHint')}</p>
      <div className="builder-grid">
        <TextInput label={t('callsManage.scaleMin')} type="number" value={String(grid.scale_min)} error={e('scale_min')} onChange={(v) => onChange({ ...grid, scale_min: Number(v) || 0 })} />
        <TextInput label={t('callsManage.scaleMax')} type="number" value={String(grid.scale_max)} error={e('scale_max')} onChange={(v) => onChange({ ...grid, scale_max: Number(v) || 0 })} />
        <TextInput
          label={t('callsManage.dispersion')}
          type="number"
          value={String(grid.dispersion_threshold)}
          error={e('dispersion_threshold')}
          onChange={(v) => onChange({ ...grid, dispersion_threshold: Number(v) || 0 })}
        />
      </div>
      {e('criteria') && <p className="field-message">{e('criteria')}</p>}
      {grid.criteria.map((c, i) => (
        <fieldset key={i} className="builder-field">
          <legend>{t('callsManage.criterionLegend', { n: i + 1, name: c.label || t('builder.untitled') })}</legend>
          <div className="builder-grid">
            <TextInput label={t('callsManage.criterionLabel')} value={c.label} error={e(`criteria[${i}].label`)} onChange={(label) => set(i, { label, key: c.key && c.key !== slug(c.label) ? c.key : slug(label) })} />
            <TextInput label={t('builder.key')} value={c.key} error={e(`criteria[${i}].key`)} onChange={(key) => set(i, { key })} />
            <TextInput label={t('callsManage.weight')} type="number" value={String(c.weight)} error={e(`criteria[${i}].weight`)} onChange={(v) => set(i, { weight: Number(v) || 0 })} />
          </div>
          <TextArea label={t('builder.help')} value={c.help} error={e(`criteria[${i}].help`)} onChange={(help) => set(i, { help })} rows={2} />
          <button type="button" className="button button-secondary button-small" onClick={() => onChange({ ...grid, criteria: grid.criteria.filter((_, j) => j !== i) })}>
            {t('callsManage.removeCriterion', { name: c.label || String(i + 1) })}
          </button>
        </fieldset>
      ))}
      <button type="button" className="button button-secondary" onClick={() => onChange({ ...grid, criteria: [...grid.criteria, { key: '', label: '', help: '', weight: 1 }] })}>
        {t('callsManage.addCriterion')}
      </button>
    </>
  );
}

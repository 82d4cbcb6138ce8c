// Renders a call's application form from its schema: the applicant fills it in, the project lead
// previews it, staff read it. The same component everywhere, so the preview is what applicants see.
import { useId, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApplicationDocument } from '../../api/applications';
import type { Answers, Commune, FormField, FormSchema } from '../../api/forms';
import { useCommunes } from '../../api/reference';
import { formatMoney } from '../../format';
import { centsToInput, inputToCents, pathId, visibleRow, visibleTop } from './formLogic';
import { useTypedText } from './useTypedText';
import './forms.css';

/** Props of FormRenderer. */
export interface FormRendererProps {
  schema: FormSchema;
  answers: Answers;
  /** Called with the new answers on every change; omitted, the form is read-only. */
  onChange?: (next: Answers) => void;
  /** Messages by server path ("answers.actions[0].tarif"). */
  errors?: Record<string, string>;
  /** The application's documents, offered to file fields. */
  documents?: ApplicationDocument[];
}

/** The whole form, in order, showing only the fields visible for the current answers. */
export function FormRenderer({ schema, answers, onChange, errors = {}, documents = [] }: FormRendererProps) {
  const communes = useCommunes();
  const { fields, shown } = useMemo(() => visibleTop(schema, answers), [schema, answers]);
  const set = (key: string, value: unknown) => {
    if (!onChange) return;
    const next = { ...answers };
    if (value === undefined) delete next[key];
    else next[key] = value;
    onChange(next);
  };
  const ctx: FieldContext = { communes: communes.data ?? [], documents, readOnly: !onChange, errors };
  return (
    <div className="form-renderer">
      {fields.map((f) => {
        if (f.type === 'section') {
          return (
            <h3 key={f.key} className="form-section">
              {f.label}
            </h3>
          );
        }
        if (f.type === 'repeatable') {
          return (
            <RepeatableField
              key={f.key}
              field={f}
              path={`answers.${f.key}`}
              value={answers[f.key]}
              onChange={(v) => set(f.key, v)}
              rowFields={(row) => visibleRow(f, shown, answers, row)}
              ctx={ctx}
            />
          );
        }
        return <FieldInput key={f.key} field={f} path={`answers.${f.key}`} value={answers[f.key]} onChange={(v) => set(f.key, v)} ctx={ctx} />;
      })}
    </div>
  );
}

interface FieldContext {
  communes: Commune[];
  documents: ApplicationDocument[];
  readOnly: boolean;
  errors: Record<string, string>;
}

interface FieldProps {
  field: FormField;
  path: string;
  value: unknown;
  onChange: (v: unknown) => void;
  ctx: FieldContext;
}

/** Label, help and error around one input; ids tie them together for screen readers. */
function FieldFrame({ field, path, ctx, children, group }: { field: FormField; path: string; ctx: FieldContext; children: (ids: FrameIds) => ReactNode; group?: boolean }) {
  const { t } = useTranslation();
  const id = pathId(path);
  const error = ctx.errors[path];
  const helpId = field.help ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [helpId, errorId].filter(Boolean).join(' ') || undefined;
  const label = (
    <>
      {field.label}
      {field.required && !ctx.readOnly && (
        <>
          <span aria-hidden="true"> *</span>
          <span className="visually-hidden">{t('forms.requiredSuffix')}</span>
        </>
      )}
    </>
  );
  const body = (
    <>
      {field.help && (
        <p id={helpId} className="field-hint">
          {field.help}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-message">
          {error}
        </p>
      )}
      {children({ id, describedBy, invalid: !!error })}
    </>
  );
  if (group) {
    return (
      <fieldset className={`form-field form-group${error ? ' field-error' : ''}`} aria-describedby={describedBy} id={id}>
        <legend>{label}</legend>
        {body}
      </fieldset>
    );
  }
  return (
    <div className={`form-field${error ? ' field-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {body}
    </div>
  );
}

interface FrameIds {
  id: string;
  describedBy?: string;
  invalid: boolean;
}

/** One question that is not a repeatable block. */
export function FieldInput({ field, path, value, onChange, ctx }: FieldProps) {
  const { t } = useTranslation();
  if (ctx.readOnly) {
    return (
      <div className="form-field form-readonly">
        <p className="readonly-label">{field.label}</p>
        <p className="readonly-value">{displayValue(field, value, ctx, t)}</p>
      </div>
    );
  }
  const common = (ids: FrameIds) => ({
    id: ids.id,
    'aria-describedby': ids.describedBy,
    'aria-invalid': ids.invalid || undefined,
    'aria-required': field.required || undefined,
  });
  switch (field.type) {
    case 'long_text':
      return (
        <FieldFrame field={field} path={path} ctx={ctx}>
          {(ids) => <textarea {...common(ids)} rows={5} value={str(value)} onChange={(e) => onChange(e.target.value)} />}
        </FieldFrame>
      );
    case 'integer':
      return (
        <FieldFrame field={field} path={path} ctx={ctx}>
          {(ids) => <IntegerInput {...common(ids)} value={value} onChange={onChange} />}
        </FieldFrame>
      );
    case 'money':
      return (
        <FieldFrame field={field} path={path} ctx={ctx}>
          {(ids) => <MoneyInput {...common(ids)} value={value} onChange={onChange} />}
        </FieldFrame>
      );
    case 'date':
      return (
        <FieldFrame field={field} path={path} ctx={ctx}>
          {(ids) => (
            <input
              {...common(ids)}
              type="date"
              min={field.min_date || undefined}
              max={field.max_date || undefined}
              value={str(value)}
              onChange={(e) => onChange(e.target.value || undefined)}
            />
          )}
        </FieldFrame>
      );
    case 'yes_no':
      return (
        <FieldFrame field={field} path={path} ctx={ctx} group>
          {(ids) => (
            <div className="choices choices-inline">
              {[true, false].map((b) => (
                <label key={String(b)} className="choice">
                  <input type="radio" name={ids.id} checked={value === b} onChange={() => onChange(b)} />
                  {b ? t('forms.yes') : t('forms.no')}
                </label>
              ))}
            </div>
          )}
        </FieldFrame>
      );
    case 'single_choice':
      return (
        <FieldFrame field={field} path={path} ctx={ctx} group>
          {(ids) => (
            <div className="choices">
              {(field.options ?? []).map((o) => (
                <label key={o.value} className="choice">
                  <input type="radio" name={ids.id} checked={value === o.value} onChange={() => onChange(o.value)} />
                  {o.label}
                </label>
              ))}
            </div>
          )}
        </FieldFrame>
      );
    case 'multiple_choice': {
      const list = Array.isArray(value) ? (value as unknown[]) : [];
      const toggle = (v: string) => {
        const next = list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
        onChange(next.length ? next : undefined);
      };
      return (
        <FieldFrame field={field} path={path} ctx={ctx} group>
          {() => (
            <div className={`choices${(field.options ?? []).length > 8 ? ' choices-columns' : ''}`}>
              {(field.options ?? []).map((o) => (
                <label key={o.value} className="choice">
                  <input type="checkbox" checked={list.includes(o.value)} onChange={() => toggle(o.value)} />
                  {o.label}
                </label>
              ))}
            </div>
          )}
        </FieldFrame>
      );
    }
    case 'commune':
      return (
        <FieldFrame field={field} path={path} ctx={ctx}>
          {(ids) => (
            <select {...common(ids)} value={str(value)} onChange={(e) => onChange(e.target.value || undefined)}>
              <option value="">{t('forms.chooseCommune')}</option>
              {groupByEPT(ctx.communes).map(([ept, list]) => (
                <optgroup key={ept} label={ept}>
                  {list.map((c) => (
                    <option key={c.insee} value={c.insee}>
                      {c.name}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          )}
        </FieldFrame>
      );
    case 'file':
      return (
        <FieldFrame field={field} path={path} ctx={ctx}>
          {(ids) => (
            <select
              {...common(ids)}
              value={typeof value === 'number' ? String(value) : ''}
              onChange={(e) => onChange(e.target.value ? Number(e.target.value) : undefined)}
            >
              <option value="">{ctx.documents.length ? t('forms.chooseDocument') : t('forms.noDocument')}</option>
              {ctx.documents.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.filename}
                </option>
              ))}
            </select>
          )}
        </FieldFrame>
      );
    default: {
      const type = field.type === 'email' ? 'email' : field.type === 'phone' ? 'tel' : 'text';
      const inputMode = field.type === 'siret' ? 'numeric' : undefined;
      const autoComplete = field.type === 'email' ? 'email' : field.type === 'phone' ? 'tel' : field.type === 'address' ? 'street-address' : 'off';
      return (
        <FieldFrame field={field} path={path} ctx={ctx}>
          {(ids) => (
            <input
              {...common(ids)}
              type={type}
              inputMode={inputMode}
              autoComplete={autoComplete}
              value={str(value)}
              onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
            />
          )}
        </FieldFrame>
      );
    }
  }
}

/** A repeatable block: rows of columns, each row with its own conditional columns. */
function RepeatableField({
  field,
  path,
  value,
  onChange,
  rowFields,
  ctx,
}: FieldProps & { rowFields: (row: Answers) => FormField[] }) {
  const { t } = useTranslation();
  const rows = Array.isArray(value) ? (value as Answers[]) : [];
  const error = ctx.errors[path];
  const legendId = useId();
  const setRow = (i: number, row: Answers) => onChange(rows.map((r, j) => (j === i ? row : r)));
  const remove = (i: number) => {
    const next = rows.filter((_, j) => j !== i);
    onChange(next.length ? next : undefined);
  };
  return (
    <fieldset className={`form-field form-repeatable${error ? ' field-error' : ''}`} id={pathId(path)}>
      <legend id={legendId}>
        {field.label}
        {field.required && !ctx.readOnly && <span aria-hidden="true"> *</span>}
      </legend>
      {field.help && <p className="field-hint">{field.help}</p>}
      {error && <p className="field-message">{error}</p>}
      {rows.length === 0 && <p className="empty-row">{t('forms.noRow')}</p>}
      {rows.map((row, i) => (
        <fieldset key={i} className="repeatable-row">
          <legend>{t('forms.rowLegend', { label: field.label, n: i + 1 })}</legend>
          {rowFields(row).map((col) => (
            <FieldInput
              key={col.key}
              field={col}
              path={`${path}[${i}].${col.key}`}
              value={row[col.key]}
              onChange={(v) => {
                const next = { ...row };
                if (v === undefined) delete next[col.key];
                else next[col.key] = v;
                setRow(i, next);
              }}
              ctx={ctx}
            />
          ))}
          {!ctx.readOnly && (
            <button type="button" className="button button-secondary button-small" onClick={() => remove(i)}>
              {t('forms.removeRow', { n: i + 1 })}
            </button>
          )}
        </fieldset>
      ))}
      {!ctx.readOnly && (field.max == null || rows.length < field.max) && (
        <button type="button" className="button button-secondary" onClick={() => onChange([...rows, {}])}>
          {t('forms.addRow', { label: field.label })}
        </button>
      )}
    </fieldset>
  );
}

type InputProps = { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean; 'aria-required'?: boolean; value: unknown; onChange: (v: unknown) => void };

/** Euros typed, cents stored; what is not an amount is kept as typed (the server warns). */
function MoneyInput({ value, onChange, ...rest }: InputProps) {
  const [text, setText] = useTypedText(value, centsToInput, (cur, v) => (typeof v === 'number' ? inputToCents(cur) === v : typeof v === 'string' ? v === cur : cur === ''));
  return (
    <span className="money-input">
      <input
        {...rest}
        type="text"
        inputMode="decimal"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          const cents = inputToCents(e.target.value);
          onChange(e.target.value.trim() === '' ? undefined : cents ?? e.target.value);
        }}
      />
      <span aria-hidden="true">€</span>
    </span>
  );
}

function IntegerInput({ value, onChange, ...rest }: InputProps) {
  const [text, setText] = useTypedText(value, (v) => (v === undefined || v === null ? '' : String(v)), (cur, v) => String(v ?? '') === cur || (typeof v === 'number' && Number(cur) === v));
  return (
    <input
      {...rest}
      type="text"
      inputMode="numeric"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const v = e.target.value.trim();
        onChange(v === '' ? undefined : /^-?\d+$/.test(v) ? Number(v) : v);
      }}
    />
  );
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function groupByEPT(communes: Commune[]): [string, Commune[]][] {
  const m = new Map<string, Commune[]>();
  for (const c of communes) m.set(c.ept_name, [...(m.get(c.ept_name) ?? []), c]);
  return [...m.entries()];
}

/** An answer as text, for read-only pages. */
function displayValue(field: FormField, v: unknown, ctx: FieldContext, t: (k: 'forms.yes' | 'forms.no' | 'forms.noAnswer') => string): string {
  if (v === undefined || v === null || v === '') return t('forms.noAnswer');
  switch (field.type) {
    case 'money':
      return typeof v === 'number' ? formatMoney(v) : String(v);
    case 'yes_no':
      return v === true ? t('forms.yes') : v === false ? t('forms.no') : String(v);
    case 'date':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v.split('-').reverse().join('/') : String(v);
    case 'single_choice':
      return field.options?.find((o) => o.value === v)?.label ?? String(v);
    case 'multiple_choice':
      return Array.isArray(v) ? v.map((x) => field.options?.find((o) => o.value === x)?.label ?? String(x)).join(', ') : String(v);
    case 'commune':
      return ctx.communes.find((c) => c.insee === v)?.name ?? String(v);
    case 'file':
      return ctx.documents.find((d) => d.id === v)?.filename ?? String(v);
    default:
      return String(v);
  }
}

// The application form builder: typed fields, required flag, help, bounds, options, repeatable
// blocks with their columns, and "show if" conditions on an earlier field. The server validates the
// whole form (FormSchema.Validate) and its errors come back here, under the field at fault.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldTypes, type Condition, type FormField } from '../../api/forms';
import { centsToInput, inputToCents } from '../../components/forms/formLogic';

/** Props of FormBuilder. */
export interface FormBuilderProps {
  fields: FormField[];
  onChange: (fields: FormField[]) => void;
  /** Messages by path relative to the form ("fields[2].options"). */
  errors: Record<string, string>;
}

const comparable = (type: string) => !['section', 'file', 'repeatable'].includes(type);
const boundKind = (type: string) =>
  ['short_text', 'long_text'].includes(type) ? 'length' : ['integer', 'money'].includes(type) ? 'value' : ['multiple_choice', 'repeatable', 'file'].includes(type) ? 'count' : '';

/** A fresh key not used at this level. */
function freshKey(fields: FormField[]): string {
  let n = fields.length + 1;
  while (fields.some((f) => f.key === `champ_${n}`)) n++;
  return `champ_${n}`;
}

/** The top level of the form. */
export function FormBuilder({ fields, onChange, errors }: FormBuilderProps) {
  return <FieldList fields={fields} onChange={onChange} errors={errors} path="fields" top={fields} nested={false} />;
}

function FieldList({
  fields,
  onChange,
  errors,
  path,
  top,
  nested,
  blockIndex,
}: {
  fields: FormField[];
  onChange: (f: FormField[]) => void;
  errors: Record<string, string>;
  path: string;
  top: FormField[];
  nested: boolean;
  blockIndex?: number;
}) {
  const { t } = useTranslation();
  const addId = useId();
  const set = (i: number, f: FormField) => onChange(fields.map((x, j) => (j === i ? f : x)));
  const move = (i: number, d: number) => {
    const j = i + d;
    if (j < 0 || j >= fields.length) return;
    const next = [...fields];
    [next[i], next[j]] = [next[j]!, next[i]!];
    onChange(next);
  };
  const add = (type: string) => {
    const f: FormField = { key: freshKey(fields), type, label: '' };
    if (type === 'repeatable') f.fields = [];
    if (type === 'single_choice' || type === 'multiple_choice') f.options = [];
    onChange([...fields, f]);
  };
  const types = fieldTypes.filter((ty) => !nested || (ty !== 'repeatable' && ty !== 'section'));
  return (
    <div className="builder-list">
      {errors[path] && <p className="field-message">{errors[path]}</p>}
      {fields.length === 0 && <p className="empty-row">{nested ? t('builder.noColumn') : t('builder.noField')}</p>}
      {fields.map((f, i) => (
        <FieldEditor
          key={i}
          field={f}
          index={i}
          count={fields.length}
          path={`${path}[${i}]`}
          errors={errors}
          earlier={[...(nested ? top.slice(0, blockIndex) : []), ...fields.slice(0, i)]}
          top={top}
          nested={nested}
          onChange={(nf) => set(i, nf)}
          onMove={(d) => move(i, d)}
          onRemove={() => onChange(fields.filter((_, j) => j !== i))}
        />
      ))}
      <div className="actions">
        <label htmlFor={addId}>{nested ? t('builder.addColumn') : t('builder.addField')}</label>
        <select
          id={addId}
          value=""
          onChange={(e) => {
            if (e.target.value) add(e.target.value);
          }}
        >
          <option value="">{t('builder.chooseType')}</option>
          {types.map((ty) => (
            <option key={ty} value={ty}>
              {t(`builder.types.${ty}`)}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

function FieldEditor({
  field,
  index,
  count,
  path,
  errors,
  earlier,
  top,
  nested,
  onChange,
  onMove,
  onRemove,
}: {
  field: FormField;
  index: number;
  count: number;
  path: string;
  errors: Record<string, string>;
  earlier: FormField[];
  top: FormField[];
  nested: boolean;
  onChange: (f: FormField) => void;
  onMove: (d: number) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const err = (p: string) => errors[`${path}${p}`];
  const hasError = Object.keys(errors).some((k) => k.startsWith(`${path}.`) || k === path);
  const set = (patch: Partial<FormField>) => onChange({ ...field, ...patch });
  const kind = boundKind(field.type);
  const name = field.label || t('builder.untitled');
  const input = (key: string, label: string, value: string, onValue: (v: string) => void, opts: { type?: string; hint?: string } = {}) => (
    <div className={`form-field${err(key) ? ' field-error' : ''}`}>
      <label htmlFor={`${id}${key}`}>{label}</label>
      {opts.hint && <p className="field-hint">{opts.hint}</p>}
      {err(key) && (
        <p id={`${id}${key}-error`} className="field-message">
          {err(key)}
        </p>
      )}
      <input
        id={`${id}${key}`}
        type={opts.type ?? 'text'}
        value={value}
        aria-invalid={err(key) ? true : undefined}
        aria-describedby={err(key) ? `${id}${key}-error` : undefined}
        onChange={(e) => onValue(e.target.value)}
      />
    </div>
  );
  const bound = (which: 'min' | 'max') => {
    const v = field[which];
    const label = t(`builder.${which}_${kind}` as 'builder.min_length');
    if (field.type === 'money') {
      return input(`.${which}`, label, v == null ? '' : centsToInput(v), (s) => set({ [which]: s.trim() === '' ? null : (inputToCents(s) ?? null) }));
    }
    return input(`.${which}`, label, v == null ? '' : String(v), (s) => set({ [which]: s.trim() === '' || !/^-?\d+$/.test(s.trim()) ? null : Number(s) }), { type: 'number' });
  };
  return (
    <fieldset className={`builder-field${nested ? ' builder-child' : ''}${hasError ? ' field-error' : ''}`}>
      <legend>{nested ? t('builder.columnLegend', { n: index + 1, name }) : t('builder.fieldLegend', { n: index + 1, name })}</legend>
      <div className="builder-head">
        <p className="field-hint">{t(`builder.types.${field.type}` as 'builder.types.short_text')}</p>
        <div className="actions">
          <button type="button" className="button button-secondary button-small" disabled={index === 0} onClick={() => onMove(-1)}>
            {t('builder.moveUp', { name })}
          </button>
          <button type="button" className="button button-secondary button-small" disabled={index === count - 1} onClick={() => onMove(1)}>
            {t('builder.moveDown', { name })}
          </button>
          <button type="button" className="button button-secondary button-small" onClick={onRemove}>
            {t('builder.remove', { name })}
          </button>
        </div>
      </div>
      <div className="builder-grid">
        {input('.label', t('builder.label'), field.label, (v) => set({ label: v }))}
        {input('.key', t('builder.key'), field.key, (v) => set({ key: v }), { hint: t('builder.keyHint') })}
      </div>
      <div className={`form-field${err('.type') ? ' field-error' : ''}`}>
        <label htmlFor={`${id}-type`}>{t('builder.type')}</label>
        {err('.type') && <p className="field-message">{err('.type')}</p>}
        <select
          id={`${id}-type`}
          value={field.type}
          onChange={(e) => {
            const type = e.target.value;
            const next: FormField = { key: field.key, type, label: field.label, help: field.help, required: type === 'section' ? false : field.required, show_if: field.show_if };
            if (type === 'single_choice' || type === 'multiple_choice') next.options = field.options ?? [];
            if (type === 'repeatable') next.fields = field.fields ?? [];
            onChange(next);
          }}
        >
          {fieldTypes
            .filter((ty) => !nested || (ty !== 'repeatable' && ty !== 'section'))
            .map((ty) => (
              <option key={ty} value={ty}>
                {t(`builder.types.${ty}`)}
              </option>
            ))}
        </select>
      </div>
      {field.type !== 'section' && (
        <>
          <div className="form-field">
            <label htmlFor={`${id}-help`}>{t('builder.help')}</label>
            {err('.help') && <p className="field-message">{err('.help')}</p>}
            <textarea id={`${id}-help`} rows={2} value={field.help ?? ''} onChange={(e) => set({ help: e.target.value || undefined })} />
          </div>
          <div className="form-field">
            <label className="choice">
              <input type="checkbox" checked={!!field.required} onChange={(e) => set({ required: e.target.checked || undefined })} />
              {t('builder.required')}
            </label>
            {err('.required') && <p className="field-message">{err('.required')}</p>}
          </div>
        </>
      )}
      {kind && (
        <div className="builder-grid">
          {bound('min')}
          {bound('max')}
        </div>
      )}
      {field.type === 'date' && (
        <div className="builder-grid">
          {input('.min_date', t('builder.minDate'), field.min_date ?? '', (v) => set({ min_date: v || undefined }), { type: 'date' })}
          {input('.max_date', t('builder.maxDate'), field.max_date ?? '', (v) => set({ max_date: v || undefined }), { type: 'date' })}
        </div>
      )}
      {(field.type === 'single_choice' || field.type === 'multiple_choice') && (
        <OptionsEditor field={field} path={path} errors={errors} onChange={(options) => set({ options })} />
      )}
      {field.type === 'repeatable' && (
        <div className="builder-children">
          <p className="field-hint">{t('builder.columnsHelp')}</p>
          <FieldList
            fields={field.fields ?? []}
            onChange={(fields) => set({ fields })}
            errors={errors}
            path={`${path}.fields`}
            top={top}
            nested
            blockIndex={nested ? undefined : top.indexOf(field)}
          />
        </div>
      )}
      <ConditionEditor field={field} path={path} errors={errors} earlier={earlier.filter((f) => comparable(f.type))} onChange={(show_if) => set({ show_if })} />
    </fieldset>
  );
}

function OptionsEditor({ field, path, errors, onChange }: { field: FormField; path: string; errors: Record<string, string>; onChange: (o: FormField['options']) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const options = field.options ?? [];
  const set = (i: number, label: string) =>
    onChange(options.map((o, j) => (j === i ? { label, value: o.value && o.value !== slug(o.label) ? o.value : slug(label) } : o)));
  return (
    <div className="form-field">
      <p className="readonly-label">{t('builder.options')}</p>
      {errors[`${path}.options`] && <p className="field-message">{errors[`${path}.options`]}</p>}
      <ul className="plain-list">
        {options.map((o, i) => (
          <li key={i} className="actions">
            <label htmlFor={`${id}-${i}`} className="visually-hidden">
              {t('builder.optionLabel', { n: i + 1 })}
            </label>
            <input id={`${id}-${i}`} type="text" value={o.label} onChange={(e) => set(i, e.target.value)} />
            <button type="button" className="button button-secondary button-small" onClick={() => onChange(options.filter((_, j) => j !== i))}>
              {t('builder.removeOption', { n: i + 1 })}
            </button>
            {(errors[`${path}.options[${i}].value`] || errors[`${path}.options[${i}].label`]) && (
              <span className="field-message">{errors[`${path}.options[${i}].label`] ?? errors[`${path}.options[${i}].value`]}</span>
            )}
          </li>
        ))}
      </ul>
      <button type="button" className="button button-secondary button-small" onClick={() => onChange([...options, { value: '', label: '' }])}>
        {t('builder.addOption')}
      </button>
    </div>
  );
}

/** "Show this field only if <earlier field> is <value>". */
function ConditionEditor({
  field,
  path,
  errors,
  earlier,
  onChange,
}: {
  field: FormField;
  path: string;
  errors: Record<string, string>;
  earlier: FormField[];
  onChange: (c: Condition | null) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const cond = field.show_if ?? null;
  const target = earlier.find((f) => f.key === cond?.field);
  const error = errors[`${path}.show_if`] ?? errors[`${path}.show_if.field`] ?? errors[`${path}.show_if.equals`];
  if (earlier.length === 0 && !cond) return null;
  const valueInput = () => {
    if (!target) return null;
    const vid = `${id}-value`;
    if (target.type === 'yes_no') {
      return (
        <select id={vid} value={cond?.equals === true ? 'true' : cond?.equals === false ? 'false' : ''} onChange={(e) => onChange({ field: target.key, equals: e.target.value === 'true' })}>
          <option value="true">{t('forms.yes')}</option>
          <option value="false">{t('forms.no')}</option>
        </select>
      );
    }
    if (target.type === 'single_choice' || target.type === 'multiple_choice') {
      return (
        <select id={vid} value={String(cond?.equals ?? '')} onChange={(e) => onChange({ field: target.key, equals: e.target.value })}>
          <option value="">{t('builder.chooseValue')}</option>
          {(target.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
    }
    return (
      <input
        id={vid}
        type="text"
        value={cond?.equals === undefined || cond?.equals === null ? '' : String(cond.equals)}
        onChange={(e) => {
          const raw = e.target.value;
          const num = target.type === 'integer' ? Number(raw) : target.type === 'money' ? inputToCents(raw) : null;
          onChange({ field: target.key, equals: num !== null && raw.trim() !== '' && Number.isFinite(num) ? num : raw });
        }}
      />
    );
  };
  return (
    <div className={`form-field${error ? ' field-error' : ''}`}>
      <label htmlFor={`${id}-field`}>{t('builder.showIf')}</label>
      {error && <p className="field-message">{error}</p>}
      <div className="builder-grid">
        <select
          id={`${id}-field`}
          value={cond?.field ?? ''}
          onChange={(e) => {
            const f = earlier.find((x) => x.key === e.target.value);
            if (!f) return onChange(null);
            const equals = f.type === 'yes_no' ? true : f.type === 'single_choice' || f.type === 'multiple_choice' ? (f.options?.[0]?.value ?? '') : '';
            onChange({ field: f.key, equals });
          }}
        >
          <option value="">{t('builder.always')}</option>
          {earlier.map((f) => (
            <option key={f.key} value={f.key}>
              {f.label || f.key}
            </option>
          ))}
        </select>
        {target && (
          <div>
            <label htmlFor={`${id}-value`}>{t('builder.equals')}</label>
            {valueInput()}
          </div>
        )}
      </div>
    </div>
  );
}

/** A machine value from a label: "Personnes âgées" → "personnes_agees". */
export function slug(label: string): string {
  const s = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  return s;
}

// Form pieces shared by the identity screens: a labelled field with its hint and its error
// (announced and linked with aria-describedby), and the error summary of a failed submission.
import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldErrors, isApiError } from '../api/client';
import { ErrorMessage } from '../components/ErrorMessage';
import './identity.css';

/** Props of Field: an <input> with a visible label. */
export interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: string;
  hint?: ReactNode;
  error?: string;
}

/** A labelled input; aria-invalid and the error text follow the server's field error. */
export function Field({ label, hint, error, className, ...input }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-error' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>
        {label}
        {input.required && <span aria-hidden="true"> *</span>}
      </label>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-message">
          {error}
        </p>
      )}
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
    </div>
  );
}

/** Props of SelectField. */
export interface SelectFieldProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: { value: string; label: string }[];
  error?: string;
  required?: boolean;
  name?: string;
}

/** A labelled <select>. */
export function SelectField({ label, value, onChange, options, error, required, name }: SelectFieldProps) {
  const id = useId();
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={`field${error ? ' field-error' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required && <span aria-hidden="true"> *</span>}
      </label>
      {error && (
        <p id={errorId} className="field-message">
          {error}
        </p>
      )}
      <select id={id} name={name} value={value} required={required} aria-invalid={error ? true : undefined}
        aria-describedby={errorId} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The field errors of a failed request, by field path. */
export function useFieldErrors(error: unknown): Record<string, string> {
  return fieldErrors(error);
}

/** The summary at the top of a form after a failed submission (nothing otherwise). */
export function FormError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  return <ErrorMessage error={error} title={isApiError(error) && error.errors.length > 0 ? t('auth.form.fixErrors') : undefined} />;
}

/** A polite confirmation, announced to screen readers. */
export function Success({ children }: { children: ReactNode }) {
  return (
    <div className="alert alert-success" role="status">
      {children}
    </div>
  );
}

/** Props of TextAreaField. */
export interface TextAreaFieldProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
  hint?: string;
  error?: string;
  rows?: number;
}

/** A labelled <textarea>. */
export function TextAreaField({ label, value, onChange, hint, error, rows = 3 }: TextAreaFieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={`field${error ? ' field-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-message">
          {error}
        </p>
      )}
      <textarea id={id} rows={rows} value={value} aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

/**
 * A horizontally scrollable wrapper for a wide table. It is focusable and named so keyboard users
 * can scroll it too (WCAG 2.1.1; axe "scrollable-region-focusable").
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}

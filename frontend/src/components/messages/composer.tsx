// What the message thread and the notes share: a required text and its sending.
import { useRef, useState, type FormEvent, type RefObject } from 'react';

/** State and submit handler of a text the user writes and sends. */
export function useComposer(send: (body: string) => Promise<void>, sentNotice: string) {
  const [body, setBody] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setNotice('');
    if (!body.trim()) {
      setMissing(true);
      area.current?.focus();
      return;
    }
    setMissing(false);
    setBusy(true);
    setError(null);
    try {
      await send(body);
      setBody('');
      setNotice(sentNotice);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { body, setBody, missing, busy, error, notice, area, submit };
}

/** The required text area, with its error when sent empty. */
export function ComposerField({
  id,
  label,
  requiredMessage,
  maxLength,
  body,
  setBody,
  missing,
  area,
}: {
  id: string;
  label: string;
  requiredMessage: string;
  maxLength: number;
  body: string;
  setBody: (v: string) => void;
  missing: boolean;
  area: RefObject<HTMLTextAreaElement | null>;
}) {
  return (
    <div className={`form-field${missing ? ' field-error' : ''}`}>
      <label htmlFor={`${id}-body`}>{label}</label>
      {missing && (
        <p id={`${id}-error`} className="field-message">
          {requiredMessage}
        </p>
      )}
      <textarea
        id={`${id}-body`}
        ref={area}
        value={body}
        maxLength={maxLength}
        aria-required="true"
        aria-invalid={missing || undefined}
        aria-describedby={missing ? `${id}-error` : undefined}
        onChange={(e) => setBody(e.target.value)}
      />
    </div>
  );
}

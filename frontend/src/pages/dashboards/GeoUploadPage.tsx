// Admin: upload the GIS service's GeoJSON of the 93's communes (the dashboard's map background).
import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { apiFetch, fieldErrors, isApiError } from '../../api/client';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { usePageTitle } from '../../components/usePageTitle';
import { expKeys } from '../experiments/api';
import '../experiments/experiments.css';

/** The map upload page. */
export default function GeoUploadPage() {
  const { t } = useTranslation();
  usePageTitle(t('experiments.geo.title'));
  return (
    <RequireAuth permission="reference:manage">
      <Upload />
    </RequireAuth>
  );
}

function Upload() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<number | null>(null);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    if (!file) return;
    setError(null);
    setDone(null);
    const fd = new FormData();
    fd.append('file', file, file.name);
    try {
      const r = await apiFetch<{ features: number }>('/admin/geo/communes', { method: 'POST', body: fd });
      setDone(r.features);
      await qc.invalidateQueries({ queryKey: expKeys.geo });
    } catch (err) {
      setError(err);
    }
  };
  const errs = isApiError(error) ? error.errors : [];
  return (
    <>
      <h1>{t('experiments.geo.title')}</h1>
      <p className="lead">{t('experiments.geo.intro')}</p>
      <form onSubmit={(ev) => void submit(ev)} className="exp-field">
        <label htmlFor="geo-file">{t('experiments.geo.file')}</label>
        <input id="geo-file" type="file" accept=".geojson,.json,application/geo+json,application/json"
          onChange={(ev) => setFile(ev.target.files?.[0] ?? null)} aria-describedby="geo-hint" />
        <p id="geo-hint">{t('experiments.geo.hint')}</p>
        <div className="actions-row">
          <button type="submit" className="button" disabled={!file}>
            {t('experiments.geo.upload')}
          </button>
        </div>
      </form>
      {done !== null && (
        <p role="status" className="success">
          {t('experiments.geo.done', { count: done })}
        </p>
      )}
      {error !== null && (
        <>
          <ErrorMessage error={error} />
          {errs.length > 0 && Object.keys(fieldErrors(error)).length > 0 && (
            <ul className="field-error">
              {errs.map((e, i) => (
                <li key={i}>
                  {e.field} : {e.detail}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </>
  );
}

import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { RequireAuth } from '../../auth/RequireAuth';
import { FormError } from '../../auth/form';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatMoney } from '../../format';
import { formatDay, post, useInvalidateAll, useSessions, type Session } from '../reviews/api';
import '../reviews/reviews.css';

function Create({ call, candidates }: { call: number; candidates: { id: number; reference: string; title: string; requested_cents: number }[] }) {
  const { t } = useTranslation();
  const formId = useId();
  const navigate = useNavigate();
  const invalidate = useInvalidateAll();
  const [title, setTitle] = useState('');
  const [heldOn, setHeldOn] = useState('');
  const [members, setMembers] = useState('');
  const [ids, setIds] = useState<number[]>([]);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const s = await post<Session>(`/calls/${call}/committee-sessions`, {
        title, held_on: heldOn, application_ids: ids,
        members: members.split('\n').map((m) => m.trim()).filter(Boolean),
      });
      invalidate();
      void navigate(`/comite/seances/${s.id}`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <h2>{t('committee.sessions.create')}</h2>
      <FormError error={error} />
      <div className="field">
        <label htmlFor={`${formId}-title`}>{t('committee.sessions.sessionTitle')}</label>
        <input id={`${formId}-title`} value={title} onChange={(e) => setTitle(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${formId}-date`}>{t('committee.sessions.heldOn')}</label>
        <input id={`${formId}-date`} type="date" value={heldOn} onChange={(e) => setHeldOn(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${formId}-members`}>{t('committee.sessions.members')}</label>
        <textarea id={`${formId}-members`} rows={3} value={members} onChange={(e) => setMembers(e.target.value)} />
      </div>
      <fieldset className="criterion">
        <legend>{t('committee.sessions.agenda')}</legend>
        {candidates.length === 0 && <p>{t('committee.sessions.noCandidates')}</p>}
        {candidates.map((c) => (
          <div key={c.id}>
            <input type="checkbox" id={`${formId}-c-${c.id}`} checked={ids.includes(c.id)}
              onChange={() => setIds((x) => (x.includes(c.id) ? x.filter((y) => y !== c.id) : [...x, c.id]))} />
            <label htmlFor={`${formId}-c-${c.id}`}>
              {c.reference} — {c.title} ({formatMoney(c.requested_cents)})
            </label>
          </div>
        ))}
      </fieldset>
      <button type="submit" className="button">
        {t('committee.sessions.createButton')}
      </button>
    </form>
  );
}

function Sessions({ call }: { call: number }) {
  const { t } = useTranslation();
  const q = useSessions(call);
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  return (
    <>
      {q.data.items.length === 0 ? (
        <p className="empty-state">{t('committee.sessions.none')}</p>
      ) : (
        <ul>
          {q.data.items.map((s) => (
            <li key={s.id}>
              <Link to={`/comite/seances/${s.id}`}>
                {s.title} ({formatDay(s.held_on)})
              </Link>
            </li>
          ))}
        </ul>
      )}
      <Create call={call} candidates={q.data.candidates} />
    </>
  );
}

/** A call's committee sessions, and a new one with its agenda. */
export default function SessionsPage() {
  const { id } = useParams();
  const { t } = useTranslation();
  usePageTitle(t('committee.sessions.title'));
  return (
    <RequireAuth permission="committee:read">
      <h1>{t('committee.sessions.title')}</h1>
      <p>
        <Link to={`/gestion/appels/${id}/classement`}>{t('reviews.ranking.title')}</Link>
      </p>
      <Sessions call={Number(id)} />
    </RequireAuth>
  );
}

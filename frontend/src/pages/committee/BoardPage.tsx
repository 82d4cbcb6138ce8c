import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { apiBase } from '../../api/client';
import { RequireAuth } from '../../auth/RequireAuth';
import { FormError } from '../../auth/form';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatMoney } from '../../format';
import { formatDay, formatScore, parseEuros, post, send, useBoard, useInvalidateAll, useSessions, type Board, type BoardRow } from '../reviews/api';
import { DecisionDialog } from './DecisionDialog';
import '../reviews/reviews.css';

function euros(cents: number | null): string {
  return cents === null ? '' : (cents / 100).toLocaleString('fr-FR', { maximumFractionDigits: 2, useGrouping: false });
}

function AddToAgenda({ board }: { board: Board }) {
  const { t } = useTranslation();
  const id = useId();
  const q = useSessions(board.call.id);
  const invalidate = useInvalidateAll();
  const [ids, setIds] = useState<number[]>([]);
  const [error, setError] = useState<unknown>(null);
  const onAgenda = new Set(board.rows.map((r) => r.application_id));
  const candidates = (q.data?.candidates ?? []).filter((c) => !onAgenda.has(c.id));
  if (candidates.length === 0) return null;
  const add = async () => {
    try {
      setError(null);
      await send(`/committee-sessions/${board.session.id}`, {
        method: 'PUT',
        headers: { 'If-Match': `"${board.session.version}"` },
        body: { title: board.session.title, held_on: board.session.held_on, members: board.session.members,
          application_ids: [...board.rows.map((r) => r.application_id), ...ids] },
      });
      setIds([]);
      invalidate();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('committee.board.addTitle')}</h2>
      <FormError error={error} />
      {candidates.map((c) => (
        <div key={c.id}>
          <input type="checkbox" id={`${id}-${c.id}`} checked={ids.includes(c.id)}
            onChange={() => setIds((x) => (x.includes(c.id) ? x.filter((y) => y !== c.id) : [...x, c.id]))} />
          <label htmlFor={`${id}-${c.id}`}>
            {c.reference} — {c.title} ({formatMoney(c.requested_cents)})
          </label>
        </div>
      ))}
      <button type="button" className="button button-secondary" onClick={() => void add()} disabled={ids.length === 0}>
        {t('committee.board.add')}
      </button>
    </section>
  );
}

function BoardView({ board, info, setInfo }: { board: Board; info: string; setInfo: (s: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const invalidate = useInvalidateAll();
  // Typed amounts start from the saved simulation; the view remounts when the session changes.
  const [amounts, setAmounts] = useState<Record<number, string>>(() => {
    const init: Record<number, string> = {};
    for (const r of board.rows) init[r.application_id] = euros(r.proposed_cents);
    return init;
  });
  const [error, setError] = useState<unknown>(null);
  const [deciding, setDeciding] = useState<BoardRow | null>(null);
  // The running total follows what is typed: decided amounts count as decided.
  let total = board.committed_elsewhere_cents;
  for (const r of board.rows) {
    if (r.decision?.kind === 'accept') total += r.decision.amount_cents;
    else if (r.decision?.kind === 'refuse') continue;
    else total += parseEuros(amounts[r.application_id] ?? '') ?? 0;
  }
  const remaining = board.call.envelope_cents - total;
  const saveSimulation = async () => {
    setError(null);
    try {
      const lines = board.rows
        .filter((r) => !r.decision || r.decision.kind === 'defer')
        .map((r) => ({ application_id: r.application_id, proposed_cents: parseEuros(amounts[r.application_id] ?? '') }));
      await send(`/committee-sessions/${board.session.id}/simulation`, {
        method: 'PUT', body: { lines }, headers: { 'If-Match': `"${board.session.version}"` },
      });
      setInfo(t('committee.board.saved'));
      invalidate();
    } catch (err) {
      setError(err);
    }
  };
  const publish = async () => {
    setError(null);
    try {
      const r = await post<{ published: number[]; mailed: number }>(`/committee-sessions/${board.session.id}/publish`);
      setInfo(t('committee.board.published', { count: r.published.length, mailed: r.mailed }));
      invalidate();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <div className="summary-panel" aria-live="polite">
        <div>
          {t('committee.board.envelope')}
          <strong>{formatMoney(board.call.envelope_cents)}</strong>
        </div>
        <div>
          {t('committee.board.elsewhere')}
          <strong>{formatMoney(board.committed_elsewhere_cents)}</strong>
        </div>
        <div>
          {t('committee.board.total')}
          <strong data-testid="running-total">{formatMoney(total)}</strong>
        </div>
        <div>
          {t('committee.board.remaining')}
          <strong data-testid="remaining">{formatMoney(remaining)}</strong>
        </div>
      </div>
      {remaining < 0 && (
        <p className="alert alert-warning" role="alert">
          {t('committee.board.overrun', { amount: formatMoney(-remaining) })}
        </p>
      )}
      <FormError error={error} />
      {info && (
        <p className="alert alert-success" role="status">
          {info}
        </p>
      )}
      <table className="rv-table">
        <caption>{t('committee.board.caption')}</caption>
        <thead>
          <tr>
            <th scope="col" className="num">{t('reviews.ranking.rank')}</th>
            <th scope="col">{t('reviews.ranking.application')}</th>
            <th scope="col" className="num">{t('reviews.ranking.requested')}</th>
            <th scope="col" className="num">{t('reviews.ranking.mean')}</th>
            <th scope="col" className="num">{t('reviews.ranking.stdDev')}</th>
            <th scope="col">{t('reviews.ranking.opinions')}</th>
            <th scope="col">{t('committee.board.proposed')}</th>
            <th scope="col">{t('committee.board.decision')}</th>
          </tr>
        </thead>
        <tbody>
          {board.rows.map((r) => {
            const decided = r.decision && r.decision.kind !== 'defer';
            return (
              <tr key={r.application_id} className={r.high_dispersion ? 'row-flagged' : undefined}>
                <td className="num">{r.rank ?? '—'}</td>
                <td>
                  <Link to={`/evaluations/${r.application_id}/comparaison`}>
                    {r.reference} — {r.title}
                  </Link>
                  <div className="muted">
                    {r.org_name} · {r.state_label}
                  </div>
                </td>
                <td className="num">{formatMoney(r.requested_cents)}</td>
                <td className="num">{formatScore(r.mean)}</td>
                <td className="num">
                  {formatScore(r.std_dev)}
                  {r.high_dispersion && <span className="rv-badge rv-badge-danger">{t('reviews.ranking.flag')}</span>}
                </td>
                <td>{t('reviews.ranking.opinionCounts', { f: r.opinions.favourable, r: r.opinions.reserved, u: r.opinions.unfavourable })}</td>
                <td>
                  {decided ? (
                    r.decision?.kind === 'accept' ? formatMoney(r.decision.amount_cents) : '—'
                  ) : (
                    <>
                      <label htmlFor={`${id}-amount-${r.application_id}`} className="visually-hidden">
                        {t('committee.board.amountFor', { reference: r.reference })}
                      </label>
                      <input id={`${id}-amount-${r.application_id}`} className="amount-input" inputMode="decimal"
                        value={amounts[r.application_id] ?? ''} onChange={(e) => setAmounts((a) => ({ ...a, [r.application_id]: e.target.value }))} />
                    </>
                  )}
                </td>
                <td>
                  {r.decision && (
                    <p>
                      <span className={`rv-badge ${r.decision.kind === 'accept' ? 'rv-badge-ok' : ''}`}>{r.decision.kind_label}</span>
                      {r.decision.published ? ` ${t('committee.board.isPublished')}` : ` ${t('committee.board.notPublished')}`}
                    </p>
                  )}
                  {decided && (
                    <a href={`${apiBase}/applications/${r.application_id}/letter.pdf?inline=1`} target="_blank" rel="noreferrer">
                      {r.decision?.published ? t('committee.board.letter') : t('committee.board.preview')}
                    </a>
                  )}
                  {r.state === 'to_committee' && (
                    <button type="button" className="button button-secondary button-small" onClick={() => setDeciding(r)}>
                      {t('committee.board.decide', { reference: r.reference })}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="toolbar">
        <button type="button" className="button button-secondary" onClick={() => void saveSimulation()}>
          {t('committee.board.saveSimulation')}
        </button>
        <button type="button" className="button" onClick={() => void publish()} disabled={board.unpublished === 0}>
          {t('committee.board.publish', { count: board.unpublished })}
        </button>
      </div>
      {deciding && (
        <DecisionDialog row={deciding} sessionId={board.session.id} proposed={amounts[deciding.application_id] ?? ''}
          onClose={() => setDeciding(null)} onDone={() => {
            setInfo(t('committee.board.recorded', { reference: deciding.reference }));
            invalidate();
          }} />
      )}
      <AddToAgenda board={board} />
    </>
  );
}

function BoardLoader({ id }: { id: number }) {
  const { t } = useTranslation();
  const q = useBoard(id);
  // Kept here: the board view remounts when the session's version moves.
  const [info, setInfo] = useState('');
  usePageTitle(q.data ? q.data.session.title : t('committee.board.title'));
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  const b = q.data;
  return (
    <>
      <h1>{b.session.title}</h1>
      <p className="lead">
        {t('committee.board.intro', { call: b.call.title, date: formatDay(b.session.held_on) })}
      </p>
      {b.session.members.length > 0 && <p>{t('committee.board.members', { members: b.session.members.join(', ') })}</p>}
      <p>
        <Link to={`/gestion/appels/${b.call.id}/classement`}>{t('reviews.ranking.title')}</Link>
      </p>
      <BoardView key={b.session.version} board={b} info={info} setInfo={setInfo} />
    </>
  );
}

/** The committee board: ranked agenda, envelope simulation, decisions and their publication. */
export default function BoardPage() {
  const { id } = useParams();
  return (
    <RequireAuth permission="committee:read">
      <BoardLoader id={Number(id)} />
    </RequireAuth>
  );
}

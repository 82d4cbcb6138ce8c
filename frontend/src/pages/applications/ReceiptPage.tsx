// The receipt of a submitted version (/dossiers/:id/accuse-de-reception?version=n), with its PDF.
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { receiptPdfUrl, useReceipt, type ReceiptItem } from '../../api/applications';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatMoney } from '../../format';

/** "Accusé de réception". */
export default function ReceiptPage() {
  return (
    <RequireAuth>
      <Receipt />
    </RequireAuth>
  );
}

function Receipt() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const version = Number(params.get('version') ?? 0) || 0;
  const q = useReceipt(id, version);
  usePageTitle(q.data ? t('receipt.pageTitle', { reference: q.data.reference }) : t('receipt.title'));
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  const r = q.data;
  return (
    <article className="receipt">
      <p className="back-link">
        <Link to={`/dossiers/${id}`}>{t('receipt.backToApplication')}</Link>
      </p>
      <h1>{t('receipt.title')}</h1>
      <div className="alert alert-success" role="status">
        <p>{t('receipt.confirmation', { reference: r.reference, date: r.submitted_at_fr })}</p>
      </div>
      <p>
        <a className="button" href={receiptPdfUrl(id, r.version)} download>
          {t('receipt.downloadPdf')}
        </a>
      </p>
      <dl className="facts-list">
        <div>
          <dt>{t('receipt.reference')}</dt>
          <dd>{r.reference}</dd>
        </div>
        <div>
          <dt>{t('receipt.call')}</dt>
          <dd>{r.call_title}</dd>
        </div>
        <div>
          <dt>{t('receipt.organisation')}</dt>
          <dd>{r.org_name}</dd>
        </div>
        <div>
          <dt>{t('receipt.submittedAt')}</dt>
          <dd>{r.submitted_at_fr}</dd>
        </div>
        <div>
          <dt>{t('receipt.submittedBy')}</dt>
          <dd>{r.submitted_by || '—'}</dd>
        </div>
        <div>
          <dt>{t('receipt.version')}</dt>
          <dd>{t('receipt.versionOf', { n: r.version, total: r.versions })}</dd>
        </div>
      </dl>
      <h2>{t('receipt.budget')}</h2>
      <dl className="facts-list">
        <div>
          <dt>{t('budget.totalCharges')}</dt>
          <dd>{formatMoney(r.totals.charges_cents)}</dd>
        </div>
        <div>
          <dt>{t('budget.totalProducts')}</dt>
          <dd>{formatMoney(r.totals.products_cents)}</dd>
        </div>
        <div>
          <dt>{t('budget.requested')}</dt>
          <dd>{formatMoney(r.totals.requested_cents)}</dd>
        </div>
      </dl>
      <h2>{t('receipt.answers')}</h2>
      <dl className="receipt-answers">
        {r.answers.map((it) => (
          <ReceiptEntry key={it.key} item={it} />
        ))}
      </dl>
      <h2>{t('receipt.documents')}</h2>
      {r.documents.length === 0 ? (
        <p>{t('receipt.noDocument')}</p>
      ) : (
        <ul>
          {r.documents.map((d) => (
            <li key={d.id}>{d.filename}</li>
          ))}
        </ul>
      )}
    </article>
  );
}

function ReceiptEntry({ item }: { item: ReceiptItem }) {
  const { t } = useTranslation();
  if (item.section) {
    return (
      <div className="receipt-section">
        <dt>
          <strong>{item.label}</strong>
        </dt>
        <dd />
      </div>
    );
  }
  return (
    <div>
      <dt>{item.label}</dt>
      <dd>
        {item.rows && item.rows.length > 0 ? (
          <ol>
            {item.rows.map((row, i) => (
              <li key={i}>
                {row.map((cell) => (
                  <span key={cell.key} className="receipt-cell">
                    {t('receipt.cell', { label: cell.label, value: cell.value })}
                  </span>
                ))}
              </li>
            ))}
          </ol>
        ) : (
          item.value
        )}
      </dd>
    </div>
  );
}

import { useTranslation } from 'react-i18next';
import { usePublishedCalls, type CallFilters } from '../api/calls';
import { CallCard } from './CallCard';
import { ErrorMessage } from './ErrorMessage';
import { Loading } from './Loading';

/** The published calls with loading, empty and error states and a "show more" button. */
export function CallList({ headingLevel = 3, filters }: { headingLevel?: 2 | 3; filters?: CallFilters }) {
  const { t } = useTranslation();
  const q = usePublishedCalls(filters);
  const filtered = !!(filters?.theme || filters?.public);
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  if (q.data.length === 0) return <p className="empty-state">{filtered ? t('callsPublic.noMatch') : t('calls.empty')}</p>;
  return (
    <>
      <ul className="card-list">
        {q.data.map((call) => (
          <li key={call.id}>
            <CallCard call={call} headingLevel={headingLevel} />
          </li>
        ))}
      </ul>
      {q.hasNextPage && (
        <button
          type="button"
          className="button button-secondary"
          disabled={q.isFetchingNextPage}
          onClick={() => void q.fetchNextPage()}
        >
          {q.isFetchingNextPage ? t('common.loading') : t('common.loadMore')}
        </button>
      )}
    </>
  );
}

import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { jsonResponse, mockFetch, renderApp } from '../../test/render';

const demoCall = {
  id: 1,
  title: 'Appel à projets Mobilité solidaire 2027',
  summary: 'Soutenir les projets de mobilité des publics fragiles.',
  state: 'published',
  opens_at: '2026-12-01T08:00:00Z',
  closes_at: '2027-03-31T15:00:00Z',
  themes: ['Vélo'],
  publics: ['personnes_agees'],
  envelope_cents: 50000000,
  max_amount_cents: 3000000,
};

describe('home page', () => {
  it('lists the published calls with deadline in Paris time and amounts in euros', async () => {
    const fetchMock = mockFetch({
      '/api/v1/calls': () =>
        jsonResponse({
          items: [demoCall, { ...demoCall, id: 2, title: 'Brouillon interne', state: 'draft' }],
          next_cursor: null,
        }),
    });
    renderApp('/');

    expect(await screen.findByRole('heading', { level: 1, name: 'Plan de mobilité solidaire' })).toBeInTheDocument();
    const link = await screen.findByRole('link', { name: 'Appel à projets Mobilité solidaire 2027' });
    expect(link).toHaveAttribute('href', '/appels/1');

    const card = link.closest('article')!;
    expect(within(card).getByText('Date limite : 31/03/2027 à 17:00')).toBeInTheDocument();
    // Testing Library collapses the no-break spaces of fr-FR amounts to plain spaces.
    expect(within(card).getByText('Enveloppe : 500 000,00 €')).toBeInTheDocument();
    expect(within(card).getByText('Montant maximum par projet : 30 000,00 €')).toBeInTheDocument();
    // Only published calls are shown to the public.
    expect(screen.queryByText('Brouillon interne')).not.toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledWith('/api/v1/calls', expect.objectContaining({ credentials: 'same-origin' }));
  });

  it('says so when no call is open', async () => {
    mockFetch({ '/api/v1/calls': () => jsonResponse({ items: [], next_cursor: null }) });
    renderApp('/');
    expect(await screen.findByText('Aucun appel à projets ouvert pour le moment.')).toBeInTheDocument();
    expect(screen.queryByRole('article')).not.toBeInTheDocument();
  });

  it('shows the server error with its request id when the list fails', async () => {
    mockFetch({
      '/api/v1/calls': () =>
        jsonResponse(
          { title: 'Service indisponible', status: 503, code: 'unavailable', detail: 'La base de données ne répond pas.', request_id: 'r-9' },
          503,
          'application/problem+json',
        ),
    });
    renderApp('/');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('La base de données ne répond pas.');
    expect(alert).toHaveTextContent('Référence de la demande : r-9');
  });

  it('loads the next page when there is a cursor', async () => {
    const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
      const url = new URL(String(input), 'http://localhost');
      return url.searchParams.get('cursor') === 'c2'
        ? jsonResponse({ items: [{ ...demoCall, id: 2, title: 'Deuxième appel' }], next_cursor: null })
        : jsonResponse({ items: [demoCall], next_cursor: 'c2' });
    });
    vi.stubGlobal('fetch', fetchMock);
    renderApp('/');
    await userEvent.click(await screen.findByRole('button', { name: "Afficher plus d'appels à projets" }));
    expect(await screen.findByRole('link', { name: 'Deuxième appel' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: "Afficher plus d'appels à projets" })).not.toBeInTheDocument();
  });
});

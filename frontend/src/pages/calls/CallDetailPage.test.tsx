import { screen } from '@testing-library/react';
import { jsonResponse, mockFetch, renderApp } from '../../test/render';

describe('call detail page', () => {
  it('shows the key facts and the description HTML', async () => {
    mockFetch({
      '/api/v1/calls/1': () =>
        jsonResponse({
          id: 1,
          title: 'Appel à projets Mobilité solidaire 2027',
          summary: 'Résumé',
          state: 'published',
          opens_at: '2026-12-01T08:00:00Z',
          closes_at: '2027-03-31T15:00:00Z',
          themes: ['velo', 'atelier_mobile'],
          publics: ['personnes_agees', 'code_inconnu'],
          envelope_cents: 50000000,
          max_amount_cents: 3000000,
          description_html: '<p>Les projets <strong>éligibles</strong> …</p>',
        }),
    });
    renderApp('/appels/1');
    expect(await screen.findByRole('heading', { level: 1, name: 'Appel à projets Mobilité solidaire 2027' })).toBeInTheDocument();
    expect(screen.getByText('31/03/2027 à 17:00')).toBeInTheDocument();
    expect(screen.getByText('01/12/2026 à 09:00')).toBeInTheDocument();
    expect(screen.getByText('Personnes âgées')).toBeInTheDocument();
    expect(screen.getByText('Code inconnu')).toBeInTheDocument();
    expect(screen.getByText('Vélo')).toBeInTheDocument();
    expect(screen.getByText('Atelier mobile')).toBeInTheDocument();
    expect(screen.getByText('éligibles').tagName).toBe('STRONG');
    expect(document.title).toBe('Appel à projets Mobilité solidaire 2027 — Tremplin');
  });

  it('says the call does not exist on a 404', async () => {
    mockFetch({});
    renderApp('/appels/999');
    expect(await screen.findByRole('heading', { level: 1, name: 'Appel à projets introuvable' })).toBeInTheDocument();
  });
});

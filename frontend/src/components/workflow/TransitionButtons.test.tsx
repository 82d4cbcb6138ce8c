import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { vi } from 'vitest';
import { jsonResponse } from '../../test/render';
import { TransitionButtons } from './TransitionButtons';

function renderButtons() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={qc}>
      <TransitionButtons resource="applications" id={7} />
    </QueryClientProvider>,
  );
}

const view = {
  state: 'in_instruction',
  state_label: 'En instruction',
  version: 4,
  transitions: [
    { name: 'route', label: 'Envoyer en évaluation', to: 'in_review', to_label: 'En évaluation', enabled: false, require_comment: false,
      blockers: [{ code: 'no_assignment', message: "Affectez d'abord le dossier à au moins une direction pour évaluation." }] },
    { name: 'request_correction', label: 'Demander des compléments', to: 'correction_requested', to_label: 'Compléments demandés', enabled: true, require_comment: true, blockers: [] },
  ],
};

describe('TransitionButtons', () => {
  it('shows a blocked transition disabled with its reason tied to it', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(view)));
    renderButtons();
    const route = await screen.findByRole('button', { name: 'Envoyer en évaluation' });
    expect(route).toHaveAttribute('aria-disabled', 'true');
    expect(route).toHaveAccessibleDescription("Affectez d'abord le dossier à au moins une direction pour évaluation.");
    expect(screen.getByText('En instruction')).toBeInTheDocument();
  });

  it('asks for the comment in a dialog and sends If-Match; a 409 says to reload', async () => {
    const calls: { url: string; init?: RequestInit }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        calls.push({ url, init });
        if (init?.method === 'POST') {
          return jsonResponse({ status: 409, code: 'stale_version', detail: 'modifié' }, 409, 'application/problem+json');
        }
        return jsonResponse(view);
      }),
    );
    renderButtons();
    await userEvent.click(await screen.findByRole('button', { name: 'Demander des compléments' }));
    const dialog = screen.getByRole('dialog', { name: 'Demander des compléments' });
    const comment = screen.getByLabelText('Commentaire (obligatoire)');
    expect(comment).toHaveFocus();
    await userEvent.click(screen.getByRole('button', { name: 'Confirmer : Demander des compléments' }));
    expect(dialog).toHaveTextContent('Écrivez un commentaire');
    await userEvent.type(comment, 'Joindre le RIB');
    await userEvent.click(screen.getByRole('button', { name: 'Confirmer : Demander des compléments' }));
    expect(await screen.findByText(/modifié entre-temps par quelqu'un d'autre/)).toBeInTheDocument();
    const post = calls.find((c) => c.init?.method === 'POST')!;
    expect(post.url).toBe('/api/v1/applications/7/transitions/request_correction');
    expect((post.init!.headers as Record<string, string>)['If-Match']).toBe('"4"');
    expect(post.init!.body).toBe(JSON.stringify({ comment: 'Joindre le RIB' }));
  });
});

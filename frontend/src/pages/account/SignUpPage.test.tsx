import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { vi } from 'vitest';
import { jsonResponse, renderApp } from '../../test/render';

describe('sign-up page', () => {
  it('shows the server field errors next to their fields', async () => {
    vi.stubGlobal('fetch', vi.fn(async (input: RequestInfo | URL) => {
      const path = new URL(String(input), 'http://localhost').pathname;
      if (path !== '/api/v1/auth/signup') return jsonResponse({ status: 401, code: 'unauthenticated' }, 401, 'application/problem+json');
      return jsonResponse({
        status: 400, code: 'validation_failed', detail: 'Certains champs sont invalides.',
        errors: [
          { field: 'password', code: 'too_common', detail: 'Ce mot de passe est trop courant.' },
          { field: 'email', code: 'email', detail: 'Adresse e-mail invalide.' },
        ],
      }, 400, 'application/problem+json');
    }));
    renderApp('/inscription');
    await userEvent.type(await screen.findByLabelText(/Prénom et nom/), 'Fatou Diop');
    await userEvent.type(screen.getByLabelText(/Adresse e-mail/), 'fatou');
    await userEvent.type(screen.getByLabelText(/^Mot de passe/), 'motdepasse123');
    await userEvent.click(screen.getByRole('button', { name: 'Créer mon compte' }));

    const password = screen.getByLabelText(/^Mot de passe/);
    await vi.waitFor(() => expect(password).toHaveAttribute('aria-invalid', 'true'));
    expect(password).toHaveAccessibleDescription(expect.stringContaining('Ce mot de passe est trop courant.'));
    expect(screen.getByLabelText(/Adresse e-mail/)).toHaveAccessibleDescription(expect.stringContaining('Adresse e-mail invalide.'));
    expect(screen.getByLabelText(/Prénom et nom/)).not.toHaveAttribute('aria-invalid');
    expect(screen.getByRole('alert')).toHaveTextContent('Le formulaire contient des erreurs');
  });

  it('goes on to "check your e-mail" with the server message', async () => {
    vi.stubGlobal('fetch', vi.fn(async (input: RequestInfo | URL) => {
      const path = new URL(String(input), 'http://localhost').pathname;
      if (path === '/api/v1/auth/signup') return jsonResponse({ message: 'Si cette adresse peut être utilisée, un e-mail vient d’y être envoyé.' }, 202);
      return jsonResponse({ status: 401, code: 'unauthenticated' }, 401, 'application/problem+json');
    }));
    renderApp('/inscription');
    await userEvent.type(await screen.findByLabelText(/Prénom et nom/), 'Fatou Diop');
    await userEvent.type(screen.getByLabelText(/Adresse e-mail/), 'fatou@asso93.fr');
    await userEvent.type(screen.getByLabelText(/^Mot de passe/), 'Une phrase de passe solide');
    await userEvent.click(screen.getByRole('button', { name: 'Créer mon compte' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Vérifiez votre messagerie' })).toBeInTheDocument();
    expect(screen.getByText(/un e-mail vient d’y être envoyé/)).toBeInTheDocument();
    expect(screen.getByLabelText(/Adresse e-mail/)).toHaveValue('fatou@asso93.fr');
  });
});

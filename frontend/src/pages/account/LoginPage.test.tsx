import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { vi } from 'vitest';
import { jsonResponse, renderApp } from '../../test/render';

const user = { id: 8, email: 'admin@cd93.fr', name: 'Admin', kind: 'staff', email_verified_at: null, created_at: '', version: 1, mfa_required: true, totp_enabled_at: '2027-01-01T00:00:00Z' };

describe('login page', () => {
  it('asks for the authenticator code after the password, then lets the user in', async () => {
    const bodies: Record<string, unknown> = {};
    vi.stubGlobal('fetch', vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const path = new URL(String(input), 'http://localhost').pathname;
      if (init?.body) bodies[path] = JSON.parse(String(init.body));
      switch (path) {
        case '/api/v1/auth/session':
          return jsonResponse({ signed_in: false });
        case '/api/v1/auth/login':
          return jsonResponse({ user, grants: [], permissions: [], csrf_token: 'c1', mfa_required: true, mfa_enrollment_required: false });
        case '/api/v1/auth/totp':
          return jsonResponse({ user, grants: [{ role: 'admin', domain: '*' }], permissions: ['user:read', 'audit:search'], csrf_token: 'c1', mfa_required: false, mfa_enrollment_required: false });
        default:
          return jsonResponse({ items: [], next_cursor: null });
      }
    }));
    const { router } = renderApp('/connexion');
    await userEvent.type(await screen.findByLabelText(/Adresse e-mail/), 'admin@cd93.fr');
    await userEvent.type(screen.getByLabelText(/^Mot de passe/), 'Une phrase de passe');
    await userEvent.click(screen.getByRole('button', { name: 'Se connecter' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Vérification en deux étapes' })).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/Code de vérification/), '123456');
    await userEvent.click(screen.getByRole('button', { name: 'Valider' }));
    expect(await screen.findByRole('link', { name: 'Utilisateurs' })).toBeInTheDocument();
    await vi.waitFor(() => expect(router.state.location.pathname).toBe('/'));
    expect(bodies['/api/v1/auth/totp']).toEqual({ code: '123456' });
  });
});

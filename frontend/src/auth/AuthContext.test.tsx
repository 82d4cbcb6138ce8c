import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { vi } from 'vitest';
import { getCsrfToken } from '../api/client';
import { jsonResponse, renderApp } from '../test/render';

const me = {
  user: { id: 7, email: 'karim@roues93.fr', name: 'Karim Diallo', kind: 'applicant', email_verified_at: '2027-01-01T00:00:00Z',
    created_at: '2027-01-01T00:00:00Z', version: 1, mfa_required: false, totp_enabled_at: null },
  grants: [{ role: 'org_admin', domain: 'org:1' }],
  permissions: ['organisation:read', 'organisation:update'],
  csrf_token: 'csrf-abc',
  mfa_required: false,
  mfa_enrollment_required: false,
};

function stubApi(signedIn: boolean) {
  let session = signedIn;
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = new URL(String(input), 'http://localhost').pathname;
    if (path === '/api/v1/auth/session') return jsonResponse(session ? { signed_in: true, ...me } : { signed_in: false });
    if (path === '/api/v1/auth/logout' && init?.method === 'POST') {
      session = false;
      return new Response(null, { status: 204 });
    }
    return jsonResponse({ items: [], next_cursor: null });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

describe('account navigation', () => {
  it('offers to sign in or sign up to a visitor', async () => {
    stubApi(false);
    renderApp('/');
    const nav = await screen.findByRole('navigation', { name: 'Navigation principale' });
    expect(await within(nav).findByRole('link', { name: 'Connexion' })).toHaveAttribute('href', '/connexion');
    expect(within(nav).getByRole('link', { name: 'Créer un compte' })).toBeInTheDocument();
    expect(within(nav).queryByRole('link', { name: 'Mon compte' })).not.toBeInTheDocument();
    expect(getCsrfToken()).toBeNull();
  });

  it('shows my account, my organisations and sign-out, and signs out with the CSRF token', async () => {
    const fetchMock = stubApi(true);
    renderApp('/');
    const nav = await screen.findByRole('navigation', { name: 'Navigation principale' });
    expect(await within(nav).findByRole('link', { name: 'Mon compte' })).toHaveAttribute('href', '/compte');
    expect(within(nav).getByRole('link', { name: 'Mes organisations' })).toBeInTheDocument();
    expect(within(nav).queryByRole('link', { name: 'Utilisateurs' })).not.toBeInTheDocument();
    expect(getCsrfToken()).toBe('csrf-abc');

    await userEvent.click(within(nav).getByRole('button', { name: 'Déconnexion' }));
    expect(await within(nav).findByRole('link', { name: 'Connexion' })).toBeInTheDocument();
    const logout = fetchMock.mock.calls.find(([u]) => String(u).endsWith('/auth/logout'));
    expect(new Headers(logout?.[1]?.headers).get('X-CSRF-Token')).toBe('csrf-abc');
    expect(getCsrfToken()).toBeNull();
  });

  it('sends a visitor who opens a private page to the login page', async () => {
    stubApi(false);
    const { router } = renderApp('/compte');
    expect(await screen.findByRole('heading', { level: 1, name: 'Connexion' })).toBeInTheDocument();
    expect(router.state.location.search).toBe('?retour=%2Fcompte');
  });
});

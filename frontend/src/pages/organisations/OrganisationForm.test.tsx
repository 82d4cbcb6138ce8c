import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { vi } from 'vitest';
import { jsonResponse, renderApp } from '../../test/render';
import { eurosToCents } from './OrganisationForm';

const me = {
  user: { id: 3, email: 'a@asso.fr', name: 'A', kind: 'applicant', email_verified_at: null, created_at: '', version: 1, mfa_required: false, totp_enabled_at: null },
  grants: [], permissions: [], csrf_token: 'c', mfa_required: false, mfa_enrollment_required: false,
};

describe('organisation form', () => {
  it('converts French euro amounts to cents without floats', () => {
    expect(eurosToCents('1 200,50')).toBe(120050);
    expect(eurosToCents('12')).toBe(1200);
    expect(eurosToCents('0,1')).toBe(10);
    expect(eurosToCents('douze')).toBeNaN();
  });

  it('says at once that a SIRET is mistyped, and that a good one is valid', async () => {
    vi.stubGlobal('fetch', vi.fn(async (input: RequestInfo | URL) => {
      const path = new URL(String(input), 'http://localhost').pathname;
      if (path === '/api/v1/auth/session') return jsonResponse({ signed_in: true, ...me });
      if (path === '/api/v1/communes') return jsonResponse({ items: [{ insee: '93071', name: 'Sevran' }] });
      return jsonResponse({ items: [] });
    }));
    renderApp('/organisations/nouvelle');
    const siret = await screen.findByLabelText('Numéro SIRET');
    await userEvent.type(siret, '732 829 320 00075');
    expect(siret).toHaveAttribute('aria-invalid', 'true');
    expect(siret).toHaveAccessibleDescription(expect.stringContaining('clé de contrôle incorrecte'));
    await userEvent.clear(siret);
    await userEvent.type(siret, '51234567900025');
    expect(siret).not.toHaveAttribute('aria-invalid');
    expect(screen.getByText('SIRET valide.')).toBeInTheDocument();
    expect(await screen.findByRole('option', { name: 'Sevran' })).toBeInTheDocument();
  });
});

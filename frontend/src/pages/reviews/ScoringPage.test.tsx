import { fireEvent, screen, within } from '@testing-library/react';
import { jsonResponse, mockFetch, renderApp } from '../../test/render';

const me = {
  user: { id: 4, email: 'evaluateur.diess@demo.tremplin.fr', name: 'Youssef Haddad', kind: 'staff' },
  grants: [{ role: 'reviewer', domain: 'dir:DIESS' }],
  permissions: ['review:queue', 'review:write', 'application:read'],
  csrf_token: 'csrf',
  mfa_required: false,
  mfa_enrollment_required: false,
};

const context = {
  application: { id: 3, reference: 'AAP-2026-00003', title: 'Transport à la demande', call_id: 1, call_title: 'AAP 2027',
    org_name: 'Roues Solidaires 93', state: 'in_review', state_label: 'En évaluation', requested_cents: 2400000, answers: {} },
  grid: { scale_min: 0, scale_max: 5, dispersion_threshold: 1, criteria: [
    { key: 'pertinence', label: 'Pertinence', help: 'Le projet répond-il au besoin ?', weight: 3 },
    { key: 'impact', label: 'Impact', help: '', weight: 2 },
  ] },
  direction: 'DIESS',
  review: { id: 0, application_id: 3, reviewer_id: 4, direction: 'DIESS', state: 'draft', scores: [], opinion: '', summary: '',
    weighted: null, submitted_at: null, version: 0 },
  editable: true,
  due_on: '2026-12-07',
};

describe('scoring form', () => {
  it('offers one labelled radio group per criterion and lists the server errors with links', async () => {
    const fetch = mockFetch({
      '/api/v1/auth/me': () => jsonResponse(me),
      '/api/v1/auth/session': () => jsonResponse({ signed_in: true, ...me }),
      '/api/v1/applications/3/review': () => jsonResponse(context),
      '/api/v1/applications/3/review/submit': () =>
        jsonResponse({ status: 400, code: 'validation_failed', detail: 'Certains champs sont invalides.',
          errors: [{ field: 'scores.impact', code: 'required', detail: "Le critère « Impact » doit être noté avant l'envoi." }] },
        400, 'application/problem+json'),
    });
    renderApp('/evaluations/3');
    expect(await screen.findByRole('heading', { level: 1, name: 'Évaluation du dossier AAP-2026-00003' })).toBeInTheDocument();
    const group = screen.getByRole('radiogroup', { name: 'Note pour « Pertinence »' });
    expect(within(group).getAllByRole('radio')).toHaveLength(6);
    fireEvent.click(within(group).getByRole('radio', { name: '4' }));
    expect(within(group).getByRole('radio', { name: '4' })).toBeChecked();
    fireEvent.click(screen.getByRole('button', { name: "Envoyer l'évaluation" }));
    const alert = await screen.findByRole('alert');
    const link = within(alert).getByRole('link', { name: "Le critère « Impact » doit être noté avant l'envoi." });
    expect(link.getAttribute('href')).toMatch(/-crit-impact$/);
    const sent = fetch.mock.calls.find(([u]) => String(u).endsWith('/review/submit'));
    const init = (sent as unknown as [unknown, RequestInit])[1];
    const body = JSON.parse(String(init.body)) as { scores: { criterion: string; value: number }[] };
    expect(body.scores).toEqual([{ criterion: 'pertinence', value: 4, comment: '' }]);
  }, 20_000);
});

import { render, screen } from '@testing-library/react';
import { ApiError } from '../api/client';
import { ErrorMessage } from './ErrorMessage';
import '../i18n';

describe('ErrorMessage', () => {
  it('lists field errors from the server', () => {
    const err = new ApiError({
      status: 400,
      code: 'invalid',
      detail: 'Certains champs sont invalides.',
      errors: [{ field: 'siret', code: 'siret_checksum', detail: 'Le SIRET est invalide.' }],
    });
    render(<ErrorMessage error={err} />);
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Certains champs sont invalides.');
    expect(alert).toHaveTextContent('Le SIRET est invalide.');
  });

  it('explains a network failure and falls back to a generic message', () => {
    const { unmount } = render(<ErrorMessage error={new ApiError({ status: 0, code: 'network_error' })} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Le serveur ne répond pas.');
    unmount();
    render(<ErrorMessage error={new Error('TypeError: x is undefined')} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Une erreur inattendue est survenue.');
    expect(screen.getByRole('alert')).not.toHaveTextContent('TypeError');
  });
});

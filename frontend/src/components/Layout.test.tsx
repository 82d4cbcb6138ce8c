import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { jsonResponse, mockFetch, renderApp } from '../test/render';

describe('layout', () => {
  beforeEach(() => {
    mockFetch({ '/api/v1/calls': () => jsonResponse({ items: [], next_cursor: null }) });
  });

  it('starts with the skip link, then landmarks', async () => {
    renderApp('/');
    await screen.findByRole('heading', { level: 1 });
    await userEvent.tab();
    expect(screen.getByRole('link', { name: 'Aller au contenu' })).toHaveFocus();
    expect(screen.getByRole('banner')).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Navigation principale' })).toBeInTheDocument();
    expect(screen.getByRole('main')).toHaveAttribute('id', 'contenu');
    expect(screen.getByRole('contentinfo')).toBeInTheDocument();
  });

  it('moves focus to the main content with the skip link', async () => {
    renderApp('/');
    await screen.findByRole('heading', { level: 1 });
    await userEvent.click(screen.getByRole('link', { name: 'Aller au contenu' }));
    expect(screen.getByRole('main')).toHaveFocus();
  });

  it('switches to English, updates <html lang> and remembers the choice', async () => {
    renderApp('/');
    expect(await screen.findByRole('link', { name: 'Accueil' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('fr');
    expect(screen.getByRole('button', { name: /FR/ })).toHaveAttribute('aria-pressed', 'true');

    await userEvent.click(screen.getByRole('button', { name: /EN/ }));
    expect(await screen.findByRole('link', { name: 'Home' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Calls for projects' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('en');
    expect(screen.getByRole('button', { name: /EN/ })).toHaveAttribute('aria-pressed', 'true');
    expect(localStorage.getItem('tremplin.lang')).toBe('en');
  });

  it('marks the current page in the navigation', async () => {
    renderApp('/appels');
    await screen.findByRole('heading', { level: 1, name: 'Appels à projets' });
    expect(screen.getByRole('link', { name: 'Appels à projets' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('link', { name: 'Accueil' })).not.toHaveAttribute('aria-current');
  });

  it('shows a French 404 page for unknown routes', async () => {
    renderApp('/nulle-part');
    expect(await screen.findByRole('heading', { level: 1, name: 'Page introuvable' })).toBeInTheDocument();
    expect(document.title).toBe('Page introuvable — Tremplin');
  });
});

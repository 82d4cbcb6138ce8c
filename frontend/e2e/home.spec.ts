import { formatDateTime } from '../src/format';
import { collectPageErrors, demoCallTitle, expect, expectNoSeriousA11yViolations, test } from './support';

interface ListedCall {
  id: number;
  title: string;
  closes_at: string;
}

test('the home page lists the demo call with its Paris deadline and opens its detail', async ({ page, request }) => {
  const errors = collectPageErrors(page);

  // The browser runs in Los Angeles time (playwright.config.ts): the page must still show Paris time.
  const res = await request.get('/api/v1/calls');
  expect(res.ok()).toBe(true);
  const { items } = (await res.json()) as { items: ListedCall[] };
  const demo = items.find((c) => c.title === demoCallTitle);
  expect(demo, `seed-demo should publish "${demoCallTitle}"`).toBeDefined();

  await page.goto('/');
  await expect(page).toHaveTitle(/Tremplin/);
  await expect(page.getByRole('heading', { level: 1, name: 'Plan de mobilité solidaire' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');

  const link = page.getByRole('link', { name: demoCallTitle, exact: true });
  await expect(link).toBeVisible();
  const card = page.locator('article', { has: link });
  await expect(card.getByText(/^Date limite : \d{2}\/\d{2}\/\d{4} à \d{2}:\d{2}$/)).toBeVisible();
  await expect(card.getByText(`Date limite : ${formatDateTime(demo!.closes_at)}`)).toBeVisible();
  await expect(card.getByText(/^Enveloppe : [\d\s]+,\d{2}\s€$/)).toBeVisible();

  await expectNoSeriousA11yViolations(page);

  await link.click();
  await expect(page).toHaveURL(new RegExp(`/appels/${demo!.id}$`));
  await expect(page.getByRole('heading', { level: 1, name: demoCallTitle })).toBeVisible();
  await expect(page.getByText('Date limite de dépôt')).toBeVisible();
  await expect(page.getByText(formatDateTime(demo!.closes_at), { exact: true })).toBeVisible();
  // Focus moves to the new page's content after a client-side navigation.
  await expect(page.locator('main#contenu')).toBeFocused();
  await expectNoSeriousA11yViolations(page);

  // A direct load of the detail URL works too (the server falls back to index.html).
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: demoCallTitle })).toBeVisible();

  expect(errors, 'console errors (CSP violations, uncaught exceptions)').toEqual([]);
});

test('the skip link is the first focusable element and jumps to the content', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Aller au contenu' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible(); // hidden until focused, visible once focused

  await page.keyboard.press('Enter');
  await expect(page.locator('main#contenu')).toBeFocused();
});

test('the language switcher changes the navigation and <html lang>', async ({ page }) => {
  await page.goto('/');
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });
  await expect(nav.getByRole('link', { name: 'Accueil' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Appels à projets' })).toBeVisible();

  await page.getByRole('button', { name: /^EN/ }).click();
  const navEn = page.getByRole('navigation', { name: 'Main navigation' });
  await expect(navEn.getByRole('link', { name: 'Home' })).toBeVisible();
  await expect(navEn.getByRole('link', { name: 'Calls for projects' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('button', { name: /^EN/ })).toHaveAttribute('aria-pressed', 'true');

  // The choice survives a reload.
  await page.reload();
  await expect(navEn.getByRole('link', { name: 'Home' })).toBeVisible();

  await page.getByRole('button', { name: /^FR/ }).click();
  await expect(nav.getByRole('link', { name: 'Accueil' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
});

test('an unknown route shows the French 404 page', async ({ page }) => {
  await page.goto('/cette-page-n-existe-pas');
  await expect(page.getByRole('heading', { level: 1, name: 'Page introuvable' })).toBeVisible();
  await expect(page).toHaveTitle('Page introuvable — Tremplin');
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('link', { name: "Retour à l'accueil", exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Plan de mobilité solidaire' })).toBeVisible();
});

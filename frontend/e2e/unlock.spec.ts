// Failed sign-ins lock this browser out of the account; the owner receives an e-mail whose link,
// opened on a phone, unlocks sign-in in French without signing anyone in; the link works once.
import { request } from '@playwright/test';
import { baseURL, collectPageErrors, expect, expectNoSeriousA11yViolations, linkFromMail, test } from './support';

const password = 'Une phrase de passe pour Bondy';
const phone = { width: 390, height: 844 };

test.use({ viewport: phone });

test('after failed sign-ins, the e-mailed link unlocks sign-in, on a phone too', async ({ page }) => {
  test.setTimeout(90_000);
  const email = `verrou-${Date.now().toString(36)}@velo-bondy.fr`;
  // Writes must come from the site: the API client sends the Origin a browser would.
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL } });
  const signup = await api.post('/api/v1/auth/signup', { data: { email, password, name: 'Awa Diallo' } });
  expect(signup.status()).toBe(202);
  const verify = new URL(await linkFromMail(email, '/verifier-email'));
  expect((await api.post('/api/v1/auth/verify-email', { data: { token: verify.searchParams.get('token') } })).ok()).toBe(true);

  // Six wrong passwords from this machine, waiting out each short lock: the next lock lasts 8 s.
  for (let failures = 0; failures < 6; ) {
    const r = await api.post('/api/v1/auth/login', { data: { email, password: `pas le bon ${failures}` } });
    if (r.status() === 429) {
      await new Promise((resolve) => setTimeout(resolve, Number(r.headers()['retry-after']) * 1000));
      continue;
    }
    expect(r.status()).toBe(401);
    failures++;
  }
  await api.dispose();

  const errors = collectPageErrors(page);
  await page.goto('/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('alert')).toContainText('Trop de tentatives de connexion.');
  await expect(page.getByRole('alert')).toContainText('débloquer la connexion avec le lien reçu par e-mail');

  const link = await linkFromMail(email, '/debloquer-connexion');
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: 'Déblocage de la connexion' })).toBeVisible();
  await expect(page.getByText(`La connexion à votre compte ${email} est débloquée.`)).toBeVisible();
  await expect(page.getByText('Ce lien ne vous connecte pas', { exact: false })).toBeVisible();
  // Fits the phone: nothing wider than the screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
  await expectNoSeriousA11yViolations(page);

  await page.getByRole('link', { name: 'Se connecter' }).click();
  await expect(page.getByLabel('Adresse e-mail')).toHaveValue(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mes organisations' })).toBeVisible();
  expect(errors.filter((e) => !e.includes('429')), 'console errors (CSP violations, uncaught exceptions)').toEqual([]);

  // The link works once, and says so in French.
  await page.goto(link);
  await expect(page.getByRole('alert')).toContainText('Ce lien a déjà été utilisé.');
  await expect(page.getByRole('link', { name: 'Mot de passe oublié ?' })).toBeVisible();
});

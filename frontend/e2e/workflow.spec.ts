// The workflow UI: the project lead moves demo application a2 ("Auto-école sociale Est Ensemble")
// through instruction with buttons whose disabled reasons are readable; the timeline shows each
// step; the admin sees the three workflow diagrams.
import { request, type Browser, type Page } from '@playwright/test';
import { baseURL, collectPageErrors, demoPassword, expect, expectNoSeriousA11yViolations, test } from './support';

async function login(browser: Browser, email: string, target: string): Promise<Page> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`/connexion?retour=${encodeURIComponent(target)}`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(demoPassword);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((u) => u.pathname === target);
  return page;
}

/** The id of demo application a2, read as its applicant would. */
async function demoA2(): Promise<number> {
  // Writes must come from the site: send the Origin a browser would.
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL } });
  const r = await api.post('/api/v1/auth/login', { data: { email: 'porteuse@demo.tremplin.fr', password: demoPassword } });
  expect(r.ok()).toBe(true);
  const list = (await (await api.get('/api/v1/me/applications')).json()) as { items: { id: number; title: string }[] };
  await api.dispose();
  const a2 = list.items.find((a) => a.title === 'Auto-école sociale Est Ensemble');
  expect(a2, 'seed-demo creates application a2').toBeDefined();
  return a2!.id;
}

test('the lead moves a2 through instruction with explained buttons, and the timeline shows it', async ({ browser }) => {
  test.setTimeout(90_000);
  const id = await demoA2();
  const page = await login(browser, 'cheffe.projet@demo.tremplin.fr', `/dossiers/${id}`);
  const errors = collectPageErrors(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Auto-école sociale Est Ensemble' })).toBeVisible();
  const facts = page.locator('.facts-list').first();
  await expect(facts.getByText('Déposé', { exact: true })).toBeVisible();
  const timeline = page.getByRole('region', { name: 'Historique' });
  await expect(timeline.getByText('Soumettre le dossier')).toBeVisible();

  await page.getByRole('button', { name: "Commencer l'instruction" }).click();
  await expect(facts.getByText('En instruction', { exact: true })).toBeVisible();

  // "Route" is offered but blocked: the reason is written next to it and tied to the button.
  const route = page.getByRole('button', { name: 'Envoyer en évaluation' });
  await expect(route).toHaveAttribute('aria-disabled', 'true');
  const reason = page.getByText("Affectez d'abord le dossier à au moins une direction pour évaluation.");
  await expect(reason).toBeVisible();
  const describedBy = await route.getAttribute('aria-describedby');
  expect(describedBy).toBeTruthy();
  await expect(page.locator(`[id="${describedBy}"]`)).toContainText("Affectez d'abord");
  await route.click({ force: true }); // pressing a disabled button changes nothing
  await expect(facts.getByText('En instruction', { exact: true })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // A correction request needs a comment: an accessible dialog asks for it.
  await page.getByRole('button', { name: 'Demander des compléments' }).click();
  const dialog = page.getByRole('dialog', { name: 'Demander des compléments' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Commentaire (obligatoire)')).toBeFocused();
  await dialog.getByRole('button', { name: /^Confirmer/ }).click();
  await expect(dialog.getByText('Écrivez un commentaire')).toBeVisible();
  await dialog.getByLabel('Commentaire (obligatoire)').fill('Merci de joindre le devis de l’auto-école partenaire.');
  await dialog.getByRole('button', { name: /^Confirmer/ }).click();
  await expect(facts.getByText('Compléments demandés', { exact: true })).toBeVisible();

  await expect(timeline.getByText("Commencer l'instruction")).toBeVisible();
  await expect(timeline.getByText('Demander des compléments')).toBeVisible();
  await expect(timeline.getByText('Merci de joindre le devis de l’auto-école partenaire.')).toBeVisible();
  await expect(timeline.getByText(/par cheffe\.projet@demo\.tremplin\.fr, le \d{2}\/\d{2}\/\d{4} à \d{2}:\d{2}/).first()).toBeVisible();
  expect(errors, 'console errors').toEqual([]);
});

test('the admin sees the three workflows drawn with their counts', async ({ browser }) => {
  const page = await login(browser, 'admin@demo.tremplin.fr', '/admin/workflows');
  const errors = collectPageErrors(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Workflows' })).toBeVisible();
  for (const name of ['Appel à projets (version 1)', 'Dossier de candidature (version 1)', 'Expérimentation (version 1)']) {
    const section = page.getByRole('region', { name });
    await expect(section).toBeVisible();
    await expect(section.locator('svg').first()).toBeVisible({ timeout: 20_000 });
  }
  await expect(page.getByRole('region', { name: 'Dossier de candidature (version 1)' }).getByRole('cell', { name: 'Déposé', exact: true })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  expect(errors, 'console errors (CSP: mermaid must run under script-src self)').toEqual([]);
});

// Issue 7 in a browser: the admin uploads the communes' GeoJSON and sees the job queues; the
// applicant of the demo's accepted application (a7, now an experiment) enters actuals (with an
// explanation for a gap) and an indicator value; finance pays tranche 1; the dashboard shows
// granted vs paid by commune on the map. Only a7's experiment and the map are changed here.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from '@playwright/test';
import { collectPageErrors, demoCalendar, demoPassword, expect, expectNoSeriousA11yViolations, test } from './support';

const a7Title = 'Accompagnement au permis pour jeunes à Sevran';
const here = path.dirname(fileURLToPath(import.meta.url));
// The GIS service's file lives in the shared data folder beside the repository (the product does not carry it).
const geojson = [
  process.env.TREMPLIN_SHARED_DATA ? path.join(process.env.TREMPLIN_SHARED_DATA, 'communes-93.geojson') : '',
  path.resolve(here, '../../../shared/data/communes-93.geojson'),
  '/work/shared/data/communes-93.geojson',
].find((p) => p !== '' && existsSync(p));

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

async function experimentId(page: Page): Promise<number> {
  const res = await page.request.get('/api/v1/experiments');
  expect(res.ok()).toBe(true);
  const { items } = (await res.json()) as { items: { id: number; title: string }[] };
  const e = items.find((i) => i.title === a7Title);
  expect(e, 'a7 became an experiment').toBeTruthy();
  return e!.id;
}

test.describe.configure({ mode: 'serial' });

test('experiments: map upload, actuals and indicators, payment of tranche 1, dashboard map', async ({ browser }) => {
  test.setTimeout(120_000);

  // The admin uploads the communes' map, then looks at the job queues.
  const admin = await login(browser, 'admin@demo.tremplin.fr', '/admin/carte');
  const adminErrors = collectPageErrors(admin);
  await expect(admin.getByRole('heading', { name: 'Fond de carte des communes' })).toBeVisible();
  expect(geojson, 'the shared GeoJSON of the 93').toBeTruthy();
  await admin.getByLabel('Fichier GeoJSON').setInputFiles(geojson!);
  await admin.getByRole('button', { name: 'Déposer le fond de carte' }).click();
  await expect(admin.getByRole('status')).toContainText('40 communes');
  await expectNoSeriousA11yViolations(admin);
  await admin.goto('/admin/files');
  await expect(admin.getByRole('heading', { name: 'Files de tâches' })).toBeVisible();
  await expect(admin.getByTestId('queues-table')).toContainText('default');
  await expectNoSeriousA11yViolations(admin);
  expect(adminErrors).toEqual([]);

  // The applicant enters actuals: a gap over 15 % needs an explanation.
  const owner = await login(browser, 'porteur@demo.tremplin.fr', '/experimentations');
  const id = await experimentId(owner);
  await owner.getByRole('link', { name: a7Title }).click();
  await expect(owner.getByRole('heading', { level: 1, name: a7Title })).toBeVisible();
  const actuals = (await (await owner.request.get(`/api/v1/experiments/${id}/actuals`)).json()) as {
    lines: { index: number; label: string; forecast_cents: number; kind: string }[];
  };
  const charges = actuals.lines.filter((l) => l.kind === 'charge');
  expect(charges.length).toBeGreaterThan(1);
  const euros = (c: number) => `${Math.floor(c / 100)},${String(c % 100).padStart(2, '0')}`;
  for (const l of charges) {
    const cents = l === charges[0] ? l.forecast_cents * 2 : l.forecast_cents;
    await owner.getByLabel(`Montant réalisé : ${l.label}`).fill(euros(cents));
  }
  await owner.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  const explanation = owner.getByLabel(`Explication de l'écart : ${charges[0]!.label}`);
  await expect(explanation).toHaveAttribute('aria-invalid', 'true');
  await expect(owner.locator(`#actual-${charges[0]!.index}-explanation-error`)).toContainText('expliquez-le');
  await explanation.fill('Deux sessions de code supplémentaires ont été organisées.');
  await owner.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  await expect(owner.getByText('Enregistré.').first()).toBeVisible();

  // An indicator value for this month.
  await owner.getByLabel('Valeur du mois : Permis obtenus').fill('3');
  await owner.getByRole('button', { name: 'Enregistrer les indicateurs' }).click();
  await expect(owner.getByRole('row', { name: /Permis obtenus/ })).toContainText('3');
  await expectNoSeriousA11yViolations(owner);

  // Finance pays tranche 1 from the payments queue.
  const finance = await login(browser, 'finances@demo.tremplin.fr', '/finances');
  const row = finance.getByRole('row').filter({ hasText: a7Title });
  await expect(row).toBeVisible();
  await row.getByLabel('Engagement juridique (EJ)').fill('2100077001');
  await row.getByRole('button', { name: 'Mettre la tranche 1 en paiement' }).click();
  const payRow = finance.getByRole('row').filter({ hasText: a7Title });
  await payRow.getByLabel('Référence du mandat').fill(`MANDAT-${demoCalendar.year}-0701`);
  await payRow.getByRole('button', { name: 'Déclarer la tranche 1 payée' }).click();
  await expect(finance.getByRole('row').filter({ hasText: a7Title })).toHaveCount(0);
  await expectNoSeriousA11yViolations(finance);
  await finance.goto(`/experimentations/${id}`);
  await expect(finance.getByTestId('tranche-1-state')).toHaveText('Payée');
  await expect(finance.getByTestId('paid-amount')).toContainText(/9\s?000,00/);

  // The dashboard shows granted vs paid by commune, on the map and in its table.
  const lead = await login(browser, 'cheffe.projet@demo.tremplin.fr', '/tableau-de-bord');
  const leadErrors = collectPageErrors(lead);
  await expect(lead.getByRole('heading', { level: 1, name: 'Tableau de bord des subventions' })).toBeVisible();
  await expect(lead.getByTestId('commune-map').locator('path.leaflet-interactive')).toHaveCount(40);
  const sevran = lead.getByTestId('communes-table').getByRole('row', { name: /Sevran/ });
  await expect(sevran).toContainText(/18\s?000,00/);
  await expect(sevran).toContainText(/9\s?000,00/);
  await expectNoSeriousA11yViolations(lead);
  expect(leadErrors).toEqual([]);
});

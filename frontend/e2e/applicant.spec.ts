// The call editor and the applicant's journey: the project lead builds a call with a repeatable
// block and conditional fields and publishes it; an applicant fills an application in, leaves and
// comes back to find every answer, attaches a PDF, submits and downloads the receipt.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import { collectPageErrors, deadlineIn, demoCalendar, demoCallTitle, demoPassword, expect, expectNoSeriousA11yViolations, test } from './support';

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

/** The smallest valid PDF: what an applicant would attach. */
const pdfBytes = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 300]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

test('the lead builds and publishes a call; an applicant fills it in, comes back, submits and gets the receipt', async ({ browser }) => {
  test.setTimeout(120_000);
  const title = `Appel vélo solidaire ${Date.now()}`;
  // About seven months ahead: in the future whatever the day, and after the demo call's deadline.
  const deadline = deadlineIn(210);

  // --- The project lead builds the call. ---
  const lead = await login(browser, 'cheffe.projet@demo.tremplin.fr', '/gestion/appels');
  const leadErrors = collectPageErrors(lead);
  await expect(lead.getByRole('heading', { level: 1, name: 'Gestion des appels à projets' })).toBeVisible();
  await lead.getByRole('link', { name: 'Créer un appel à projets' }).click();
  await expect(lead.getByRole('heading', { level: 1, name: 'Nouvel appel à projets' })).toBeVisible();

  await lead.getByRole('textbox', { name: 'Titre', exact: true }).fill(title);
  await lead.getByLabel('Résumé', { exact: true }).fill('Soutenir les ateliers de réparation et de prêt de vélos.');
  await lead.getByLabel('Description détaillée').fill('<p>Pour les <strong>ateliers vélo</strong>.</p><script>alert(1)</script>');
  await lead.getByRole('group', { name: 'Thèmes' }).getByLabel('Vélo').check();
  await lead.getByLabel('Enveloppe totale').fill('100 000');
  await lead.getByLabel('Montant maximal par projet').fill('20000');
  await lead.getByLabel('Date limite de dépôt').fill(deadline.input);

  await lead.getByRole('button', { name: 'Ajouter une pièce' }).click();
  const doc = lead.getByRole('group', { name: /^Pièce 1 :/ });
  await doc.getByLabel('Libellé de la pièce').fill('Devis des travaux');

  // A question, a yes/no and an amount shown only for "yes", then a repeatable block.
  const addQuestion = lead.getByLabel('Ajouter une question');
  await addQuestion.selectOption('short_text');
  let q = lead.getByRole('group', { name: /^Question 1 :/ });
  await q.getByLabel('Libellé', { exact: true }).fill('Intitulé du projet');
  await q.getByLabel('Réponse obligatoire').check();

  await addQuestion.selectOption('yes_no');
  await lead.getByRole('group', { name: /^Question 2 :/ }).getByLabel('Libellé', { exact: true }).fill('Projet payant ?');

  await addQuestion.selectOption('money');
  q = lead.getByRole('group', { name: /^Question 3 :/ });
  await q.getByLabel('Libellé', { exact: true }).fill('Montant de la participation');
  await q.getByLabel('Afficher seulement si…').selectOption({ label: 'Projet payant ?' });

  await addQuestion.selectOption('repeatable');
  const block = lead.getByRole('group', { name: /^Question 4 :/ });
  await block.getByLabel('Libellé', { exact: true }).first().fill('Actions');
  const addColumn = block.getByLabel('Ajouter une colonne au bloc');
  await addColumn.selectOption('short_text');
  await block.getByRole('group', { name: /^Colonne 1 :/ }).getByLabel('Libellé', { exact: true }).fill('Action');
  await addColumn.selectOption('yes_no');
  await block.getByRole('group', { name: /^Colonne 2 :/ }).getByLabel('Libellé', { exact: true }).fill('Payante ?');
  await addColumn.selectOption('money');
  const tarif = block.getByRole('group', { name: /^Colonne 3 :/ });
  await tarif.getByLabel('Libellé', { exact: true }).fill('Tarif');
  await tarif.getByLabel('Afficher seulement si…').selectOption({ label: 'Payante ?' });

  // The preview renders the form with the applicant's renderer: the condition works live.
  await lead.getByRole('button', { name: 'Prévisualiser comme un candidat' }).click();
  const preview = lead.locator('#call-preview');
  await expect(preview.getByLabel('Montant de la participation')).toHaveCount(0);
  await preview.getByRole('group', { name: /Projet payant/ }).getByLabel('Oui').check();
  await expect(preview.getByLabel('Montant de la participation')).toBeVisible();

  await lead.getByRole('button', { name: "Enregistrer l'appel" }).click();
  await lead.waitForURL(/\/gestion\/appels\/\d+$/);
  const callId = Number(new URL(lead.url()).pathname.split('/').pop());
  await expect(lead.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(lead.getByLabel('Description détaillée')).toHaveValue('<p>Pour les <strong>ateliers vélo</strong>.</p>');
  await expectNoSeriousA11yViolations(lead);

  await lead.getByRole('button', { name: "Publier l'appel" }).click();
  await expect(lead.getByText('Publié', { exact: true }).first()).toBeVisible();
  await expect(lead.getByRole('button', { name: "Clôturer l'appel" })).toBeVisible();
  expect(leadErrors, 'console errors on the editor').toEqual([]);

  // --- An applicant finds it and starts an application. ---
  const app = await login(browser, 'porteur@demo.tremplin.fr', '/appels');
  const appErrors = collectPageErrors(app);
  await app.getByLabel('Thème').selectOption('velo');
  await app.getByRole('link', { name: title }).click();
  await expect(app.getByText(`Date limite : ${deadline.shown}`, { exact: true })).toBeVisible();
  await expect(app.getByText('Devis des travaux')).toBeVisible();
  await app.getByLabel('Titre du projet').fill('Atelier mobile de réparation');
  await app.getByRole('button', { name: 'Commencer le dossier' }).click();
  await app.waitForURL(/\/dossiers\/\d+$/);
  const path = new URL(app.url()).pathname;

  await app.getByLabel('Intitulé du projet').fill('Atelier mobile de réparation de vélos');
  const paying = app.getByRole('group', { name: /^Projet payant/ });
  await expect(app.getByLabel('Montant de la participation')).toHaveCount(0);
  await paying.getByLabel('Oui').check();
  await app.getByLabel('Montant de la participation').fill('12,50');
  await app.getByRole('button', { name: 'Ajouter une ligne : Actions' }).click();
  const row = app.getByRole('group', { name: 'Actions — ligne 1' });
  await row.getByLabel('Action', { exact: true }).fill('Réparations au pied des immeubles');
  await expect(row.getByLabel('Tarif')).toHaveCount(0);
  await row.getByRole('group', { name: /Payante/ }).getByLabel('Oui').check();
  await row.getByLabel('Tarif').fill('5');

  // The CERFA budget: 1 000 € of charges = 800 € requested + 200 € of own resources.
  await app.getByRole('button', { name: 'Ajouter une charge' }).click();
  await app.getByLabel('Montant de la ligne 1 en euros').fill('1000');
  await app.getByRole('button', { name: 'Ajouter un produit' }).click();
  await app.getByLabel('Montant de la ligne 2 en euros').fill('800');
  await app.getByRole('button', { name: 'Ajouter un produit' }).click();
  await app.getByLabel('Compte de la ligne 3').selectOption('75');
  await app.getByLabel('Montant de la ligne 3 en euros').fill('200');
  await expect(app.getByText('Le budget est équilibré.')).toBeVisible();
  await expect(app.getByText(/^Enregistré le /)).toBeVisible();
  await expectNoSeriousA11yViolations(app);

  // Leave and come back: every answer is there.
  await app.goto('/dossiers');
  await app.getByRole('link', { name: 'Atelier mobile de réparation' }).click();
  await app.reload();
  await expect(app.getByLabel('Intitulé du projet')).toHaveValue('Atelier mobile de réparation de vélos');
  await expect(app.getByRole('group', { name: /^Projet payant/ }).getByLabel('Oui')).toBeChecked();
  await expect(app.getByLabel('Montant de la participation')).toHaveValue('12,50');
  const row1 = app.getByRole('group', { name: 'Actions — ligne 1' });
  await expect(row1.getByLabel('Action', { exact: true })).toHaveValue('Réparations au pied des immeubles');
  await expect(row1.getByLabel('Tarif')).toHaveValue('5');
  await expect(app.getByLabel('Montant de la ligne 3 en euros')).toHaveValue('200');

  // Attach the quote (the documents feature's upload component).
  const fileInput = app.locator('input[type="file"]').first();
  await expect(fileInput, 'the document upload component of the documents feature is on the application page').toBeAttached();
  await fileInput.setInputFiles({ name: 'devis.pdf', mimeType: 'application/pdf', buffer: pdfBytes });
  await expect(app.getByText('devis.pdf').first()).toBeVisible();

  // Submit, then the receipt and its PDF.
  await app.getByRole('button', { name: 'Soumettre le dossier' }).click();
  await expect(app.locator('.facts-list').getByText('Déposé', { exact: true })).toBeVisible();
  await app.getByRole('link', { name: "Voir l'accusé de réception" }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Accusé de réception' })).toBeVisible();
  await expect(app.getByText(/^Votre dossier AAP-\d{4}-\d{5} a bien été déposé le \d{2}\/\d{2}\/\d{4} à \d{2}:\d{2}/)).toBeVisible();
  await expect(app.getByText('Réparations au pied des immeubles', { exact: false })).toBeVisible();
  await expectNoSeriousA11yViolations(app);
  const [download] = await Promise.all([app.waitForEvent('download'), app.getByRole('link', { name: /Télécharger l'accusé de réception/ }).click()]);
  expect(download.suggestedFilename()).toMatch(/^accuse-reception-AAP-\d{4}-\d{5}-v1\.pdf$/);
  const file = await download.path();
  expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
  expect(path).toMatch(/^\/dossiers\/\d+$/);
  expect(callId).toBeGreaterThan(0);
  expect(appErrors, 'console errors on the applicant pages').toEqual([]);
});

test('public list filters by theme and public; the detail shows the deadline and the documents', async ({ page }) => {
  await page.goto('/appels?public=jeunes');
  await expect(page.getByLabel('Public visé')).toHaveValue('jeunes');
  await page.getByLabel('Public visé').selectOption('personnes_agees');
  const link = page.getByRole('link', { name: demoCallTitle });
  await expect(link).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await link.click();
  await expect(page.getByText(`Date limite : ${demoCalendar.closes_fr}`, { exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Pièces à préparer' })).toBeVisible();
  await expect(page.getByText('Statuts signés')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Connectez-vous pour déposer un dossier' })).toBeVisible();
});

// Issue 6 in a browser: two directions score demo applications (one form with the keyboard alone),
// a reviewer declares a conflict, the project lead ranks and closes, the committee simulates the
// envelope, decides and publishes, the applicant gets the e-mail and the letter, and the SCDL
// open-data file downloads. Only demo objects reserved for this spec are changed: a3, a4, a5 and
// the demo committee session.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { collectPageErrors, demoCalendar, demoPassword, expect, expectNoSeriousA11yViolations, test } from './support';

const titles = {
  a3: 'Transport à la demande pour personnes âgées à Montreuil',
  a4: 'Conseil en mobilité pour bénéficiaires du RSA',
  a5: 'Garage solidaire à Bondy',
};

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

interface QueueItem {
  application_id: number;
  reference: string;
  title: string;
}

async function queue(page: Page): Promise<Record<string, QueueItem>> {
  const res = await page.request.get('/api/v1/reviews/queue');
  expect(res.ok()).toBe(true);
  const { items } = (await res.json()) as { items: QueueItem[] };
  const out: Record<string, QueueItem> = {};
  for (const it of items) out[it.title] = it;
  return out;
}

/** Scores every criterion with the keyboard: focus the group's first radio, Space, then arrows. */
async function scoreWithKeyboard(page: Page, values: number[]) {
  const groups = page.locator('.criterion [role="radiogroup"]');
  for (let i = 0; i < values.length; i++) {
    await groups.nth(i).getByRole('radio').first().focus();
    await page.keyboard.press('Space');
    for (let k = 0; k < values[i]!; k++) await page.keyboard.press('ArrowRight');
    await expect(groups.nth(i).getByRole('radio', { name: String(values[i]) })).toBeChecked();
  }
}

async function scoreWithClicks(page: Page, values: number[], opinion: string, summary: string) {
  const groups = page.locator('.criterion [role="radiogroup"]');
  for (let i = 0; i < values.length; i++) await groups.nth(i).getByRole('radio', { name: String(values[i]), exact: true }).check();
  await page.getByRole('radiogroup', { name: 'Avis global' }).getByRole('radio', { name: opinion, exact: true }).check();
  await page.getByLabel("Synthèse de l'évaluation").fill(summary);
  await page.getByRole('button', { name: "Envoyer l'évaluation" }).click();
  await expect(page.getByText(/Évaluation envoyée \(note pondérée/)).toBeVisible();
}

/** Quoted-printable to text (the file mailer's encoding). */
function decodeQP(s: string): string {
  const soft = s.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const m = /^=([0-9A-F]{2})/.exec(soft.slice(i, i + 3));
    if (m) {
      bytes.push(parseInt(m[1]!, 16));
      i += 2;
    } else bytes.push(soft.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The newest e-mail to `to` containing `text`: from Mailpit in CI, else from the server's mail folder. */
async function findMail(to: string, text: string): Promise<string | null> {
  const mailpit = process.env.MAILPIT_URL;
  if (mailpit) {
    const res = await fetch(`${mailpit}/api/v1/search?query=${encodeURIComponent(`to:${to}`)}`);
    const { messages } = (await res.json()) as { messages: { ID: string }[] };
    for (const m of messages ?? []) {
      const msg = (await (await fetch(`${mailpit}/api/v1/message/${m.ID}`)).json()) as { Subject: string; Text: string };
      if ((msg.Subject + msg.Text).includes(text)) return msg.Subject + '\n' + msg.Text;
    }
    return null;
  }
  const log = process.env.TREMPLIN_E2E_SERVER_LOG;
  if (!log) return null;
  const dir = path.join(path.dirname(log), 'data', 'mail');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
  } catch {
    return null;
  }
  files.sort((a, b) => statSync(path.join(dir, b)).mtimeMs - statSync(path.join(dir, a)).mtimeMs);
  for (const f of files) {
    const raw = readFileSync(path.join(dir, f), 'utf8');
    const body = decodeQP(raw);
    if (raw.includes(to) && body.includes(text)) return body;
  }
  return null;
}

test('directions score, the committee decides within the envelope, the applicant gets the letter', async ({ browser }) => {
  test.setTimeout(240_000);

  // --- DIESS scores a3 with the keyboard alone, a4 with the mouse. ---
  const diess = await login(browser, 'evaluateur.diess@demo.tremplin.fr', '/evaluations');
  const errors = collectPageErrors(diess);
  await expect(diess.getByRole('heading', { level: 1, name: 'Mes évaluations' })).toBeVisible();
  const q = await queue(diess);
  const [a3, a4, a5] = [q[titles.a3]!, q[titles.a4]!, q[titles.a5]!];
  expect(a3 && a4 && a5, 'the demo routes a3, a4 and a5 to DIESS').toBeTruthy();
  await expectNoSeriousA11yViolations(diess);
  await diess.getByRole('link', { name: new RegExp(titles.a3) }).click();
  await expect(diess.getByRole('heading', { level: 1, name: `Évaluation du dossier ${a3.reference}` })).toBeVisible();
  await expectNoSeriousA11yViolations(diess);
  // Sending an incomplete form shows the error summary, focused, with links to the fields.
  await diess.getByRole('button', { name: "Envoyer l'évaluation" }).focus();
  await diess.keyboard.press('Enter');
  const summary = diess.getByRole('alert').filter({ hasText: "L'évaluation n'a pas pu être enregistrée" });
  await expect(summary).toBeVisible();
  await expect(summary.getByRole('link', { name: /Pertinence au regard des besoins des publics/ })).toBeVisible();
  await scoreWithKeyboard(diess, [5, 4, 4, 3, 4]);
  await diess.getByRole('radiogroup', { name: 'Avis global' }).getByRole('radio', { name: 'Favorable', exact: true }).focus();
  await diess.keyboard.press('Space');
  await diess.getByLabel("Synthèse de l'évaluation").focus();
  await diess.keyboard.type('Service utile aux personnes âgées isolées ; partenariats solides.');
  await diess.getByRole('button', { name: "Envoyer l'évaluation" }).focus();
  await diess.keyboard.press('Enter');
  await expect(diess.getByText(/Évaluation envoyée \(note pondérée : 4,20\)/)).toBeVisible();
  await diess.goto(`/evaluations/${a4.application_id}`);
  await scoreWithClicks(diess, [4, 4, 3, 3, 3], 'Favorable', 'Permanences bien implantées dans les espaces insertion.');

  // --- DA scores both (far from DIESS on a3: dispersion), sees the comparison, recuses on a5. ---
  const da = await login(browser, 'evaluatrice.da@demo.tremplin.fr', '/evaluations');
  await da.goto(`/evaluations/${a3.application_id}/comparaison`);
  await expect(da.getByRole('alert')).toContainText('Évaluation en aveugle');
  await da.goto(`/evaluations/${a3.application_id}`);
  await scoreWithClicks(da, [2, 1, 2, 2, 2], 'Défavorable', 'Le transport à la demande existe déjà sur ce territoire.');
  await da.getByRole('link', { name: 'Comparer avec les autres évaluations' }).click();
  await expect(da.getByRole('table', { name: 'Notes par critère et par évaluateur' })).toBeVisible();
  await expect(da.getByText('Dispersion forte').first()).toBeVisible();
  await expectNoSeriousA11yViolations(da);
  await da.goto(`/evaluations/${a4.application_id}`);
  await scoreWithClicks(da, [4, 3, 4, 3, 3], 'Réservé', 'Utile, mais peu de personnes âgées concernées.');
  await da.goto(`/evaluations/${a5.application_id}`);
  await da.getByRole('button', { name: "Déclarer un conflit d'intérêts" }).click();
  await da.getByLabel("Nature du conflit d'intérêts").fill("Je siège au conseil d'administration du garage solidaire.");
  await da.getByRole('button', { name: 'Confirmer le déport' }).click();
  await expect(da.getByText("Vous vous êtes déclaré(e) en conflit d'intérêts sur ce dossier")).toBeVisible();
  await da.goto('/evaluations');
  await expect(da.getByRole('link', { name: new RegExp(titles.a4) })).toBeVisible();
  await expect(da.getByRole('link', { name: new RegExp(titles.a5) })).toHaveCount(0);

  // --- The project lead: the recusal on the routing screen, the ranking with its flag, then closing. ---
  const lead = await login(browser, 'cheffe.projet@demo.tremplin.fr', '/gestion/appels/1/affectations');
  await expect(lead.getByText(/Monique Lefèvre \(DA\) : Je siège au conseil/)).toBeVisible();
  await lead.goto('/gestion/appels/1/classement');
  const ranking = lead.getByRole('table', { name: /Classement/ });
  await expect(ranking).toBeVisible();
  await expect(ranking.getByRole('row', { name: new RegExp(titles.a3) }).getByText('Dispersion forte')).toBeVisible();
  await expectNoSeriousA11yViolations(lead);
  await lead.getByLabel('Normaliser les notes par évaluateur').check();
  await expect(lead.getByText(/score z/)).toBeVisible();
  await lead.getByRole('button', { name: 'Moyenne', exact: true }).click();
  const csv = await lead.request.get('/api/v1/calls/1/ranking.csv');
  expect(csv.ok()).toBe(true);
  expect(await csv.text()).toContain('Rang;Référence;Dossier');
  for (const a of [a3, a4]) {
    await lead.getByRole('button', { name: `Clore l'évaluation de ${a.reference}` }).click();
    await expect(lead.getByRole('button', { name: `Clore l'évaluation de ${a.reference}` })).toHaveCount(0);
  }
  // The demo session: the lead puts a3 and a4 on its agenda (they are proposed to the committee).
  await lead.goto('/gestion/appels/1/comite');
  await lead.getByRole('link', { name: demoCalendar.session_title }).click();
  await lead.waitForURL(/\/comite\/seances\/\d+$/);
  const sessionURL = new URL(lead.url()).pathname;
  await lead.getByLabel(new RegExp(titles.a3)).check();
  await lead.getByLabel(new RegExp(titles.a4)).check();
  await lead.getByRole('button', { name: "Ajouter à l'ordre du jour" }).click();
  await expect(lead.getByRole('button', { name: `Décider pour ${a4.reference}` })).toBeVisible();

  // --- The committee simulates the envelope, decides and publishes. ---
  const committee = await login(browser, 'comite@demo.tremplin.fr', sessionURL);
  await expect(committee.getByRole('table', { name: 'Ordre du jour classé' })).toBeVisible();
  await expectNoSeriousA11yViolations(committee);
  const a4Amount = committee.getByLabel(`Montant provisoire pour ${a4.reference}, en euros`);
  await a4Amount.fill('600000');
  await expect(committee.getByRole('alert').filter({ hasText: "la simulation dépasse l'enveloppe" })).toBeVisible();
  await a4Amount.fill('12000');
  await expect(committee.getByText("la simulation dépasse l'enveloppe")).toHaveCount(0);
  await expect(committee.getByTestId('running-total')).toHaveText(/35\s000,00\s€/);
  await committee.getByRole('button', { name: 'Enregistrer la simulation' }).click();
  await expect(committee.getByText('Simulation enregistrée.')).toBeVisible();

  await committee.getByRole('button', { name: `Décider pour ${a4.reference}` }).click();
  const dialog = committee.getByRole('dialog');
  await expect(dialog.getByLabel('Montant accordé (€)')).toHaveValue('12000');
  await dialog.getByLabel('Référence de la délibération').fill(demoCalendar.deliberation_ref);
  await dialog.getByLabel('Date de la délibération').fill(demoCalendar.deliberation_on);
  await dialog.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await expect(committee.getByText(`Décision enregistrée pour ${a4.reference}.`)).toBeVisible();

  await committee.getByRole('button', { name: `Décider pour ${a3.reference}` }).click();
  await dialog.getByRole('radio', { name: 'Refuser' }).check();
  await dialog.getByLabel('Référence de la délibération').fill(demoCalendar.deliberation_ref);
  await dialog.getByLabel('Date de la délibération').fill(demoCalendar.deliberation_on);
  await dialog.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await expect(dialog.getByText(/Motivez le refus/).first()).toBeVisible();
  await dialog.getByLabel('Motivation du refus (figure dans la lettre)').fill("Le service existe déjà sur ce territoire ; le comité privilégie d'autres communes.");
  await dialog.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await expect(committee.getByText(`Décision enregistrée pour ${a3.reference}.`)).toBeVisible();
  // Staff preview the letter before publication.
  const preview = await committee.request.get(`/api/v1/applications/${a4.application_id}/letter.pdf`);
  expect(preview.headers()['content-type']).toBe('application/pdf');
  await committee.getByRole('button', { name: /Publier les décisions \(2\)/ }).click();
  await expect(committee.getByText(/2 décision\(s\) publiée\(s\)/)).toBeVisible();

  // --- The applicant of a4 receives the e-mail and downloads the letter. ---
  await expect.poll(() => findMail('porteuse@demo.tremplin.fr', 'douze mille euros'), { timeout: 20_000 }).not.toBeNull();
  const applicant = await login(browser, 'porteuse@demo.tremplin.fr', `/dossiers/${a4.application_id}/decision`);
  await expect(applicant.getByRole('heading', { level: 1, name: `Décision sur votre dossier ${a4.reference}` })).toBeVisible();
  await expect(applicant.getByText(/subvention de 12\s000,00\s€ \(douze mille euros\)/)).toBeVisible();
  await expectNoSeriousA11yViolations(applicant);
  const [download] = await Promise.all([
    applicant.waitForEvent('download'),
    applicant.getByRole('link', { name: 'Télécharger la lettre de notification (PDF)' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^decision-.*\.pdf$/);
  const pdf = readFileSync((await download.path())!);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

  // --- Open data: the public page and the SCDL file list the new grant. ---
  const anon = await (await browser.newContext()).newPage();
  await anon.goto('/open-data/subventions');
  await expect(anon.getByRole('heading', { level: 1, name: 'Subventions attribuées' })).toBeVisible();
  await expect(anon.getByRole('cell', { name: new RegExp(titles.a4) })).toBeVisible();
  await expectNoSeriousA11yViolations(anon);
  const scdl = await anon.request.get('/api/v1/opendata/subventions.csv');
  expect(scdl.ok()).toBe(true);
  const text = await scdl.text();
  expect(text.split('\n')[0]).toBe(
    'nomAttribuant,idAttribuant,dateConvention,referenceDecision,nomBeneficiaire,idBeneficiaire,rnaBeneficiaire,objet,montant,nature,conditionsVersement,datesPeriodeVersement,idRAE,notificationUE,pourcentageSubvention,dispositifAide',
  );
  expect(text).toContain(`${titles.a4},12000.00,aide en numéraire`);

  // The one 400 is the incomplete submission sent on purpose above.
  expect(errors.filter((e) => !e.includes('status of 400')), 'console errors on the reviewer pages').toEqual([]);
});

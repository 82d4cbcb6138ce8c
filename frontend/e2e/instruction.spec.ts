// Issue 5 (instruction) in a browser: the project lead finds an application by searching a word of
// its description, starts the instruction and requests a correction; the applicant (another
// browser) sees the request, edits the application, replaces a document with a visible progress
// bar and resubmits; the project lead sees the resubmission in the timeline. The application is
// created by this spec (from a3's answers, read only) so no other spec's object changes.
import type { APIRequestContext, Browser, Page } from '@playwright/test';
import { baseURL, collectPageErrors, demoPassword, expect, expectNoSeriousA11yViolations, test } from './support';

const a3Title = 'Transport à la demande pour personnes âgées à Montreuil';
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

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

async function json<T>(res: Awaited<ReturnType<APIRequestContext['get']>>): Promise<T> {
  expect(res.ok(), `${res.url()} answered ${res.status()}: ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

interface App {
  id: number;
  title: string;
  version: number;
  org_id: number;
  answers: Record<string, unknown>;
  budget: unknown;
  call: { id: number };
}

/** A submitted application of org A whose description holds `word`, made through the API. */
async function submittedApplication(page: Page, word: string): Promise<{ id: number; title: string }> {
  const r = page.request;
  const me = await json<{ csrf_token: string }>(await r.get('/api/v1/auth/me'));
  // Writes must come from the site: send the Origin the page itself would.
  const headers = { 'X-CSRF-Token': me.csrf_token, Origin: baseURL };
  const mine = await json<{ items: { id: number; title: string }[] }>(await r.get('/api/v1/me/applications'));
  const a3 = mine.items.find((a) => a.title === a3Title);
  expect(a3, 'the demo application a3').toBeDefined();
  const model = await json<App>(await r.get(`/api/v1/applications/${a3!.id}`));

  const title = `Navette solidaire ${word.slice(-4)}`;
  const created = await json<App>(
    await r.post(`/api/v1/calls/${model.call.id}/applications`, { headers, data: { org_id: model.org_id, title } }),
  );
  const answers = { ...model.answers, resume: `${String(model.answers.resume)} Le projet ${word} relie les quartiers aux gares.` };
  const saved = await json<App>(
    await r.patch(`/api/v1/applications/${created.id}`, {
      headers: { ...headers, 'If-Match': `"${created.version}"` },
      data: { answers, budget: model.budget },
    }),
  );
  for (const slot of ['statuts', 'rib', 'budget']) {
    await json(
      await r.post(`/api/v1/applications/${created.id}/documents?slot=${slot}&filename=${slot}.pdf`, {
        headers: { ...headers, 'Content-Type': 'application/pdf' },
        data: pdf,
      }),
    );
  }
  await json(
    await r.post(`/api/v1/applications/${created.id}/transitions/submit`, {
      headers: { ...headers, 'If-Match': `"${saved.version}"` },
      data: {},
    }),
  );
  return { id: created.id, title };
}

test('the project lead searches, requests a correction; the applicant corrects and resubmits', async ({ browser }) => {
  test.setTimeout(120_000);
  const word = `velotram${Math.random().toString(36).replace(/[^a-z]/g, '').slice(0, 6)}`;
  const applicant = await login(browser, 'porteur@demo.tremplin.fr', '/dossiers');
  const applicantErrors = collectPageErrors(applicant);
  const app = await submittedApplication(applicant, word);

  // The project lead finds it by a word of its description, accents and case aside.
  const lead = await login(browser, 'cheffe.projet@demo.tremplin.fr', '/instruction');
  const leadErrors = collectPageErrors(lead);
  await expect(lead.getByRole('heading', { level: 1, name: 'Instruction des dossiers' })).toBeVisible();
  await lead.getByLabel('Recherche plein texte').fill(word.toUpperCase());
  await lead.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await expect(lead).toHaveURL(new RegExp(`q=${word.toUpperCase()}`));
  const row = lead.getByRole('row', { name: new RegExp(app.title) });
  await expect(row).toBeVisible();
  await expect(lead.getByRole('status').filter({ hasText: 'dossier(s) affiché(s)' })).toHaveText('1 dossier(s) affiché(s)');
  await expect(row.getByText('Déposé')).toBeVisible();
  await expectNoSeriousA11yViolations(lead);
  const exportLink = lead.getByRole('link', { name: 'Exporter en CSV (Excel)' });
  const csv = await lead.request.get((await exportLink.getAttribute('href'))!);
  expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
  expect(await csv.text()).toContain(app.title);

  await row.getByRole('link', { name: app.title }).click();
  await expect(lead.getByRole('heading', { level: 1, name: app.title })).toBeVisible();
  await lead.getByRole('button', { name: "Commencer l'instruction" }).click();
  await expect(lead.locator('.state-badge').first()).toHaveText('En instruction');

  // A private note: the applicant never sees it.
  await lead.getByLabel('Nouvelle note').fill(`Vérifier le RIB ${word} avant le comité.`);
  await lead.getByRole('button', { name: 'Ajouter la note' }).click();
  await expect(lead.getByText(`Vérifier le RIB ${word} avant le comité.`)).toBeVisible();

  await lead.getByRole('button', { name: 'Demander des compléments' }).click();
  const dialog = lead.getByRole('dialog', { name: 'Demander des compléments' });
  await dialog.getByLabel('Commentaire').fill('Merci de joindre un RIB daté de moins de trois mois.');
  await dialog.getByRole('button', { name: /Confirmer/ }).click();
  await expect(lead.locator('.state-badge').first()).toHaveText('Compléments demandés');
  await expectNoSeriousA11yViolations(lead);

  // The applicant, in another browser, is told in the app and sees the request first on the page.
  await applicant.goto('/notifications');
  await expect(applicant.getByText(/Compléments demandés pour le dossier .*Navette solidaire/)).toBeVisible();
  await expectNoSeriousA11yViolations(applicant);
  await applicant.getByRole('link', { name: 'Ouvrir' }).first().click();
  await expect(applicant).toHaveURL(new RegExp(`/dossiers/${app.id}$`));
  const request = applicant.getByRole('region', { name: 'Compléments demandés par le Département' });
  await expect(request).toBeVisible();
  await expect(request.getByText('Merci de joindre un RIB daté de moins de trois mois.')).toBeVisible();
  await expect(applicant.getByRole('heading', { name: 'Notes internes' })).toHaveCount(0);
  await expect(applicant.getByText(`Vérifier le RIB ${word}`)).toHaveCount(0);

  // It edits: a new version of the RIB (progress bar to 100 %), the title, and a message.
  const rib = applicant.getByLabel(/Remplacer « RIB de l'organisation »/);
  await rib.setInputFiles({ name: 'rib-a-jour.pdf', mimeType: 'application/pdf', buffer: pdf });
  await expect(applicant.getByRole('progressbar', { name: /rib-a-jour\.pdf/ })).toHaveAttribute('value', '100');
  await expect(applicant.getByRole('status').filter({ hasText: '« rib-a-jour.pdf » a été déposé.' })).toBeVisible();
  await expect(applicant.getByText('Versions précédentes (1)').first()).toBeVisible();
  await applicant.getByLabel('Titre du dossier').fill(`${app.title} (RIB à jour)`);
  await expect(applicant.getByText(/Enregistré le/)).toBeVisible();
  await applicant.getByLabel('Votre message').fill('Voici le RIB à jour, daté de ce mois-ci.');
  await applicant.getByRole('button', { name: 'Envoyer le message' }).click();
  await expect(applicant.getByText('Voici le RIB à jour, daté de ce mois-ci.')).toBeVisible();
  await expectNoSeriousA11yViolations(applicant);

  await applicant.getByRole('button', { name: 'Renvoyer le dossier complété' }).click();
  await expect(applicant.locator('.state-badge').first()).toHaveText('Déposé');

  // The project lead sees the resubmission in the timeline, and the message.
  await lead.reload();
  const timeline = lead.getByRole('region', { name: 'Historique' });
  await expect(timeline.getByText('Renvoyer le dossier complété')).toBeVisible();
  await expect(timeline.getByText('Merci de joindre un RIB daté de moins de trois mois.')).toBeVisible();
  await expect(lead.getByText('Voici le RIB à jour, daté de ce mois-ci.')).toBeVisible();

  expect(applicantErrors, 'console errors of the applicant').toEqual([]);
  expect(leadErrors, 'console errors of the project lead').toEqual([]);
});

// A newcomer signs up, confirms the address from the e-mail, signs in, registers an organisation
// with a real-looking SIRET, and invites a colleague who signs up and joins; axe checks each screen.
// E-mails are read with support.ts's mailsTo (Mailpit in CI, else the server's .eml files).
import { type Browser, type Page } from '@playwright/test';
import { collectPageErrors, demoPassword, expect, expectNoSeriousA11yViolations, linkFromMail, test } from './support';

const password = 'Une phrase de passe pour Sevran';
const run = Date.now().toString(36);

/** A valid SIRET (Luhn on the SIREN and on the whole number) no other run has used. */
function freshSiret(): string {
  const luhnDigit = (s: string) => {
    for (let d = 0; d < 10; d++) {
      const v = s + d;
      let sum = 0;
      for (let i = 0; i < v.length; i++) {
        let n = Number(v[v.length - 1 - i]);
        if (i % 2 === 1 && (n *= 2) > 9) n -= 9;
        sum += n;
      }
      if (sum % 10 === 0) return String(d);
    }
    throw new Error('unreachable');
  };
  const siren8 = String(40_000_000 + (Date.now() % 50_000_000)).slice(0, 8);
  const siren = siren8 + luhnDigit(siren8);
  return siren + '0001' + luhnDigit(siren + '0001');
}

async function signUpAndVerify(page: Page, name: string, email: string) {
  await page.goto('/inscription');
  await expect(page.getByRole('heading', { level: 1, name: 'Créer un compte porteur de projet' })).toBeVisible();
  await page.getByLabel('Prénom et nom').fill(name);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Vérifiez votre messagerie' })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await page.goto(await linkFromMail(email, '/verifier-email'));
  await expect(page.getByText(`Votre adresse ${email} est confirmée.`)).toBeVisible();
  await page.getByRole('link', { name: 'Se connecter' }).click();
  await expect(page.getByLabel('Adresse e-mail')).toHaveValue(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mes organisations' })).toBeVisible();
}

async function newPage(browser: Browser): Promise<Page> {
  const ctx = await browser.newContext();
  return ctx.newPage();
}

test('a newcomer signs up, registers an organisation and a colleague joins it', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  const founder = `fondatrice-${run}@aes-sevran.fr`;
  const colleague = `collegue-${run}@aes-sevran.fr`;
  const orgName = `Auto-école solidaire de Sevran ${run}`;

  await signUpAndVerify(page, 'Mariam Koné', founder);
  await expect(page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('button', { name: 'Déconnexion' })).toBeVisible();
  await expect(page.getByText("Vous n'êtes membre d'aucune organisation.", { exact: false })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // Register the organisation; the SIRET is checked as it is typed.
  await page.getByRole('link', { name: 'Déclarer une organisation' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Déclarer une organisation' })).toBeVisible();
  const siret = freshSiret();
  const typo = siret.slice(0, 13) + ((Number(siret[13]) + 1) % 10);
  await page.getByLabel('Numéro SIRET').fill(typo);
  await expect(page.getByText('Ce SIRET n\'est pas valide (clé de contrôle incorrecte). Vérifiez les 14 chiffres.')).toBeVisible();
  await page.getByLabel('Numéro SIRET').fill(`${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}`);
  await expect(page.getByText('SIRET valide.')).toBeVisible();
  await page.getByLabel('Dénomination').fill(orgName);
  await page.getByRole('textbox', { name: 'Adresse', exact: true }).fill('8 avenue Salvador Allende');
  await page.getByLabel('Code postal').fill('93270');
  await page.getByLabel('Ville').fill('Sevran');
  await page.getByLabel('Commune de la Seine-Saint-Denis').selectOption({ label: 'Sevran' });
  const rep = page.getByRole('group', { name: 'Représentant légal' });
  await rep.getByLabel('Prénom').fill('Mariam');
  await rep.getByRole('textbox', { name: 'Nom', exact: true }).fill('Koné');
  const contact = page.getByRole('group', { name: 'Personne chargée du dossier' });
  await contact.getByLabel('Prénom').fill('Hugo');
  await contact.getByRole('textbox', { name: 'Nom', exact: true }).fill('Leroy');
  await contact.getByLabel('Adresse e-mail').fill(founder);
  await page.getByLabel('Bénévoles').fill('5');
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('button', { name: "Créer l'organisation" }).click();
  await expect(page.getByRole('heading', { level: 1, name: orgName })).toBeVisible();
  await expect(page.getByText("L'organisation est créée : vous en êtes l'administrateur.")).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  const orgUrl = page.url();

  // Invite a colleague.
  await page.getByLabel('Adresse e-mail du collègue').fill(colleague);
  await page.getByRole('button', { name: "Envoyer l'invitation" }).click();
  await expect(page.getByText(`Invitation envoyée à ${colleague}.`, { exact: false })).toBeVisible();
  const invitation = await linkFromMail(colleague, '/invitations/accepter');

  // The colleague, in another browser, opens the link, signs up, comes back and accepts.
  const other = await newPage(browser);
  const otherErrors = collectPageErrors(other);
  await other.goto(invitation);
  await expect(other.getByText(`Vous êtes invité à rejoindre « ${orgName} »`, { exact: false })).toBeVisible();
  await expectNoSeriousA11yViolations(other);
  await signUpAndVerify(other, 'Hugo Leroy', colleague);
  await other.goto(invitation);
  await other.getByRole('button', { name: "Accepter l'invitation" }).click();
  await expect(other.getByText(`Vous avez rejoint « ${orgName} ».`)).toBeVisible();
  await other.getByRole('link', { name: "Voir l'organisation" }).click();
  await expect(other.getByRole('heading', { level: 1, name: orgName })).toBeVisible();
  await expectNoSeriousA11yViolations(other);

  // The founder sees the new member.
  await page.goto(orgUrl);
  const members = page.getByRole('table', { name: 'Membres' });
  await expect(members.getByRole('row', { name: new RegExp(colleague) })).toContainText('Membre');
  await expect(members.getByRole('row', { name: new RegExp(founder) })).toContainText('Administrateur');

  expect(errors, 'console errors (CSP violations, uncaught exceptions)').toEqual([]);
  expect(otherErrors, "the colleague's console errors").toEqual([]);

  // A reused invitation link says so precisely (the browser logs the 400 answer: checked above).
  await other.goto(invitation);
  await expect(other.getByText('Cette invitation a déjà été acceptée.', { exact: false })).toBeVisible();
});

test('the account screens are accessible and a wrong password is refused in French', async ({ page }) => {
  for (const [url, heading] of [
    ['/connexion', 'Connexion'],
    ['/mot-de-passe-oublie', 'Mot de passe oublié'],
    ['/inscription', 'Créer un compte porteur de projet'],
  ] as const) {
    await page.goto(url);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  }
  await page.goto('/connexion');
  await page.getByLabel('Adresse e-mail').fill('porteuse@demo.tremplin.fr');
  await page.getByLabel('Mot de passe').fill('pas le bon mot de passe');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('alert')).toContainText('Adresse e-mail ou mot de passe incorrect.');

  // An admin reaches the users and audit screens.
  await page.getByLabel('Adresse e-mail').fill('admin@demo.tremplin.fr');
  await page.getByLabel('Mot de passe').fill(demoPassword);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('link', { name: 'Utilisateurs' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Utilisateurs' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'evaluatrice.da@demo.tremplin.fr' })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('link', { name: "Journal d'audit" }).click();
  await expect(page.getByRole('heading', { level: 1, name: "Journal d'audit" })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'login_failed' }).first()).toBeVisible();
  await page.getByRole('button', { name: "Vérifier l'intégrité du journal" }).click();
  await expect(page.getByText(/Journal intègre/)).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('link', { name: 'Mon compte' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Double authentification' })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});

// Shared helpers for the browser tests: import { test, expect, … } from './support'.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';

/** Base URL of the server under test (set by global-setup.ts). */
export const baseURL = process.env.TREMPLIN_E2E_BASE_URL ?? '';

/** Password of every demo account (`tremplin serve` prints it with the logins). */
export const demoPassword = 'Tremplin-Demo-2027';

/** The demo's dates, as `tremplin demo-calendar` prints them (internal/demo/calendar.go). */
export interface DemoCalendar {
  today: string;
  year: number;
  call_title: string;
  closes_at: string;
  /** The deadline as the pages show it: "31/03/2027 à 17:00". */
  closes_fr: string;
  project_start: string;
  session_on: string;
  session_title: string;
  deliberation_ref: string;
  /** The day the decisions were voted: the seeding day (a deliberation is never dated in the future). */
  deliberation_on: string;
  agreement_number: string;
}

function readDemoCalendar(): DemoCalendar {
  const raw = process.env.TREMPLIN_E2E_DEMO_CALENDAR;
  if (!raw) throw new Error('TREMPLIN_E2E_DEMO_CALENDAR is not set: run the browser tests through playwright (global-setup.ts).');
  return JSON.parse(raw) as DemoCalendar;
}

/** The dates of the demo under test: every date a test types or expects comes from here, never a literal year. */
export const demoCalendar = readDemoCalendar();

/** Title of the call created by `tremplin seed-demo`. */
export const demoCallTitle = demoCalendar.call_title;

/** A deadline `days` after the demo's day at 17:00 (Paris): as the call editor takes it, and as the pages show it. */
export function deadlineIn(days: number): { input: string; shown: string } {
  const day = new Date(`${demoCalendar.today}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  const iso = day.toISOString().slice(0, 10);
  const [y, m, d] = iso.split('-');
  return { input: `${iso}T17:00`, shown: `${d}/${m}/${y} à 17:00` };
}

/** WCAG rule sets checked by axe. */
const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** Runs axe-core on the page and fails on any serious or critical violation, listing them. */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(axeTags).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`);
  expect(report, `axe violations on ${page.url()}`).toEqual([]);
}

/** Collects console errors and uncaught exceptions (CSP violations show up here). */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

function decodeQuotedPrintable(s: string): string {
  const bytes = s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/**
 * The bodies of the e-mails sent to `to`, newest first: from Mailpit's API when MAILPIT_URL is set
 * (CI), else from the .eml files the embedded mailer writes in the server's data directory.
 */
export async function mailsTo(to: string): Promise<string[]> {
  const mailpit = process.env.MAILPIT_URL;
  if (mailpit) {
    const res = await fetch(`${mailpit}/api/v1/search?query=${encodeURIComponent(`to:"${to}"`)}`);
    const { messages } = (await res.json()) as { messages: { ID: string }[] };
    return Promise.all(
      messages.map(async (m) => ((await (await fetch(`${mailpit}/api/v1/message/${m.ID}`)).json()) as { Text: string }).Text),
    );
  }
  const log = process.env.TREMPLIN_E2E_SERVER_LOG;
  const dir = process.env.TREMPLIN_E2E_DATA_DIR ?? (log ? path.join(path.dirname(log), 'data') : '');
  const mailDir = path.join(dir, 'mail');
  if (!existsSync(mailDir)) return [];
  return readdirSync(mailDir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .reverse()
    .map((f) => decodeQuotedPrintable(readFileSync(path.join(mailDir, f), 'latin1')))
    .filter((m) => m.includes(`<${to}>`) || m.includes(`To: ${to}`));
}

/** Waits for an e-mail to `to` linking to `linkPath` and returns that link (newest first). */
export async function linkFromMail(to: string, linkPath: string): Promise<string> {
  const re = new RegExp(`https?://[^\\s"<>]+${linkPath}\\?token=[A-Za-z0-9_-]+`);
  let link = '';
  await expect
    .poll(async () => {
      for (const body of await mailsTo(to)) {
        const m = re.exec(body);
        if (m) return (link = m[0]);
      }
      return '';
    }, { message: `e-mail to ${to} with a ${linkPath} link`, timeout: 20_000 })
    .not.toBe('');
  // Open it on the server under test whatever base URL the server was given.
  return new URL(new URL(link).pathname + new URL(link).search, process.env.TREMPLIN_E2E_BASE_URL).toString();
}

export { expect };
export const test = base;

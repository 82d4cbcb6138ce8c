// Shared helpers for the browser tests: import { test, expect, … } from './support'.
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';

/** Base URL of the server under test (set by global-setup.ts). */
export const baseURL = process.env.TREMPLIN_E2E_BASE_URL ?? '';

/** Title of the call created by `tremplin seed-demo`. */
export const demoCallTitle = 'Appel à projets Mobilité solidaire 2027';

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

export { expect };
export const test = base;

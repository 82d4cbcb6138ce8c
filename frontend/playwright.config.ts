import { defineConfig } from '@playwright/test';

// Browser tests drive Debian's chromium against the real Go server started by e2e/global-setup.ts.
// Never download a browser: the executable path is fixed and `playwright install` is never run.
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  globalSetup: './e2e/global-setup.ts',
  // 2 cores: one browser per worker plus the server.
  workers: process.env.CI ? 1 : 2,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['./e2e/server-log-reporter.ts']],
  use: {
    // Set by global-setup.ts before the workers start (workers inherit the runner's environment).
    baseURL: process.env.TREMPLIN_E2E_BASE_URL,
    browserName: 'chromium',
    locale: 'fr-FR',
    // Far from Paris on purpose: dates must still be shown in Europe/Paris.
    timezoneId: 'America/Los_Angeles',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});

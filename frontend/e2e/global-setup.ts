// Starts the real Tremplin server for the browser tests: `tremplin migrate up`, `tremplin seed-demo
// --as-of <today in Paris>`, then `tremplin serve` on a free loopback port with a fresh data directory;
// `tremplin demo-calendar` gives the tests the demo's dates for that day (support.ts: demoCalendar). The rest of the
// environment passes through, so CI's DATABASE_URL, REDIS_URL, S3_* and SMTP_URL select real backends.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FullConfig } from '@playwright/test';

const frontendDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(frontendDir, '..');

/** Where the teardown copies the server log so it survives the temporary directory. */
export const savedLogPath = path.join(frontendDir, 'test-results', 'server.log');

const readyTimeoutMs = 60_000;
const commandTimeoutMs = 120_000;
const stopGraceMs = 10_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** The in-process stand-ins to allow: those whose backend variable is empty. */
function embeddedFor(e: NodeJS.ProcessEnv): string {
  const vars: [string, string | undefined][] = [['redis', e.REDIS_URL], ['s3', e.S3_ENDPOINT], ['mail', e.SMTP_URL]];
  return vars.filter(([, v]) => !v).map(([word]) => word).join(',');
}

function tail(file: string, lines = 200): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

function startProcess(bin: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    return spawn(bin, args, { cwd: repoRoot, env, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd); // the child keeps its own copy of the descriptor
  }
}

async function runToCompletion(bin: string, args: string[], env: NodeJS.ProcessEnv, logFile: string) {
  const child = startProcess(bin, args, env, logFile);
  const code = await new Promise<number | string>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('timeout');
    }, commandTimeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve(err.message);
    });
    child.on('exit', (c, signal) => {
      clearTimeout(timer);
      resolve(c ?? signal ?? 'unknown');
    });
  });
  if (code !== 0) {
    throw new Error(`\`tremplin ${args.join(' ')}\` failed (${code}). Server log:\n${tail(logFile)}`);
  }
}

/** Today in Europe/Paris (YYYY-MM-DD): the day the demo is built around. */
function parisToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** The demo's dates for a day, as `tremplin demo-calendar` prints them (JSON). */
function demoCalendar(bin: string, asOf: string, env: NodeJS.ProcessEnv): string {
  return execFileSync(bin, ['demo-calendar', '--as-of', asOf], { env, encoding: 'utf8', timeout: commandTimeoutMs });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function waitReady(baseURL: string, child: ChildProcess, logFile: string) {
  const deadline = Date.now() + readyTimeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (exited(child)) {
      throw new Error(`\`tremplin serve\` exited early (${child.exitCode ?? child.signalCode}). Server log:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${baseURL}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${baseURL}/readyz did not answer 200 within ${readyTimeoutMs / 1000}s (last: ${last}). Server log:\n${tail(logFile)}`);
}

// A binary built before `npm run build` embeds a placeholder page: say so instead of timing out.
async function checkFrontEndEmbedded(baseURL: string) {
  const html = await (await fetch(`${baseURL}/`)).text();
  if (!/<script[^>]+src="\/assets\//.test(html)) {
    throw new Error(
      `${baseURL}/ does not serve the built front end (got ${html.length} bytes: ${html.slice(0, 120)}). ` +
        'Rebuild with make build (it runs npm run build before go build).',
    );
  }
}

async function stop(child: ChildProcess) {
  if (exited(child)) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const graceful = await Promise.race([done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), stopGraceMs))]);
  if (!graceful) {
    child.kill('SIGKILL');
    await done;
  }
}

/** Playwright global setup; the returned function is the global teardown. */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  const bin = process.env.TREMPLIN_BIN || path.join(repoRoot, 'bin', 'tremplin');
  if (!existsSync(bin)) {
    throw new Error(`${bin} not found: run make build first (or set TREMPLIN_BIN).`);
  }
  // The day the demo is (or was) seeded: set TREMPLIN_E2E_DEMO_AS_OF for a server seeded on another day.
  const asOf = process.env.TREMPLIN_E2E_DEMO_AS_OF || parisToday();
  process.env.TREMPLIN_E2E_DEMO_CALENDAR = demoCalendar(bin, asOf, process.env);

  if (process.env.TREMPLIN_E2E_BASE_URL) {
    // An already running server (e.g. `make run` while developing the tests): use it as is.
    return async () => {};
  }

  const workDir = mkdtempSync(path.join(tmpdir(), 'tremplin-e2e-'));
  const dataDir = path.join(workDir, 'data');
  mkdirSync(dataDir);
  const logFile = path.join(workDir, 'server.log');
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TREMPLIN_ADDR: `127.0.0.1:${port}`,
    TREMPLIN_DATA_DIR: dataDir,
    // On PostgreSQL the server refuses to start its own Redis, S3 or mail folder unless asked: the
    // tests ask for those the environment does not provide.
    TREMPLIN_EMBEDDED: process.env.TREMPLIN_EMBEDDED ?? embeddedFor(process.env),
    TREMPLIN_METRICS_ADDR: '127.0.0.1:0',
  };

  let server: ChildProcess | undefined;
  const cleanup = async () => {
    if (server) await stop(server);
    try {
      mkdirSync(path.dirname(savedLogPath), { recursive: true });
      copyFileSync(logFile, savedLogPath);
    } catch {
      // No log to keep.
    }
    if (!process.env.TREMPLIN_E2E_KEEP_DATA) rmSync(workDir, { recursive: true, force: true });
  };
  // If the runner dies, do not leave a server behind.
  const killOnExit = () => server?.kill('SIGKILL');
  process.once('exit', killOnExit);

  try {
    await runToCompletion(bin, ['migrate', 'up'], env, logFile);
    await runToCompletion(bin, ['seed-demo', '--as-of', asOf], env, logFile);
    server = startProcess(bin, ['serve'], env, logFile);
    await waitReady(baseURL, server, logFile);
    await checkFrontEndEmbedded(baseURL);
  } catch (err) {
    await cleanup();
    throw err;
  }

  process.env.TREMPLIN_E2E_BASE_URL = baseURL;
  process.env.TREMPLIN_E2E_SERVER_LOG = logFile;
  return async () => {
    process.off('exit', killOnExit);
    await cleanup();
  };
}

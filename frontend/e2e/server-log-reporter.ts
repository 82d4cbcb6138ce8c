// Prints the end of the Tremplin server's log when the browser tests fail, so CI shows why.
import { existsSync, readFileSync } from 'node:fs';
import type { FullResult, Reporter } from '@playwright/test/reporter';
import { savedLogPath } from './global-setup';

export default class ServerLogReporter implements Reporter {
  printsToStdio(): boolean {
    return false;
  }

  onEnd(result: FullResult): void {
    if (result.status === 'passed') return;
    const candidates = [process.env.TREMPLIN_E2E_SERVER_LOG, savedLogPath].filter((p): p is string => !!p);
    const file = candidates.find((p) => existsSync(p));
    if (!file) return;
    const lines = readFileSync(file, 'utf8').split('\n').slice(-300).join('\n');
    console.log(`\n----- tremplin server log (last 300 lines of ${file}) -----\n${lines}\n----- end of server log -----`);
  }
}

// The @vscode/test-electron suite (test/integration) run inside code-server's extension host: VS Code's
// web workbench takes the extension under development and the tests through its `payload` query
// parameter (as @vscode/test-web does). Mocha reports in the browser console; its summary lines
// decide (the extension host's exit code does not reflect failures there).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { prepareFixture, writeFixtureFile } from '../integration/fixture';
import { FIXTURE_ENV } from '../integration/fixtureInfo';
import { startCodeServer, writeUserSettings, type CodeServer } from './harness/codeServer';
import { CHROMIUM, REPO_ROOT } from './harness/paths';
import { CHROMIUM_ARGS } from './harness/session';

const LIMIT_MS = 4 * 60_000;

test('the extension-host integration suite passes inside code-server', { timeout: LIMIT_MS }, async () => {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build-integration.mjs')], { cwd: REPO_ROOT, stdio: 'inherit' });
  const fixture = await prepareFixture(REPO_ROOT);
  const fixtureFile = writeFixtureFile(fixture);
  const root = mkdtempSync(path.join(os.tmpdir(), 'finetune-it-cs-'));
  const dirs = {
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    configHome: path.join(root, 'config'),
    logFile: path.join(root, 'code-server.log'),
  };
  for (const dir of [dirs.userDataDir, dirs.extensionsDir, dirs.configHome]) mkdirSync(dir, { recursive: true });
  writeUserSettings(dirs.userDataDir);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const lines: string[] = [];
  try {
    server = await startCodeServer(dirs, fixture.workspace, [], { [FIXTURE_ENV]: fixtureFile });
    const authority = new URL(server.url).host;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', `vscode-remote://${authority}${REPO_ROOT}`],
      ['extensionTestsPath', `vscode-remote://${authority}${path.join(REPO_ROOT, 'out', 'integration', 'suite', 'index.js')}`],
    ]);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    // Mocha logs through console.log with format strings ("%d passing (%s)", then the values), so
    // the count follows the word once the colour codes are stripped.
    const plain = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');
    const countAfter = (text: string, word: string): number | null => {
      const m = new RegExp(`${word}\\D*?(\\d+)`).exec(plain(text).replace(/%[a-z]/g, ''));
      return m ? Number(m[1]) : null;
    };
    const summary = new Promise<string>((resolve) => {
      page.on('console', (m) => {
        const text = m.text();
        lines.push(plain(text));
        if (/ failing|integration test\(s\) failed/.test(text)) resolve(text);
        else if (/ passing/.test(text)) setTimeout(() => resolve(text), 1000);
      });
    });
    await page.goto(`${server.url}&payload=${encodeURIComponent(payload)}`);
    const timeout = new Promise<string>((_, reject) =>
      setTimeout(() => reject(new Error(`no mocha summary within 3 minutes; console:\n${lines.slice(-40).join('\n')}`)), Number(process.env.IT_WAIT_MS ?? 180_000)),
    );
    const result = await Promise.race([summary, timeout]);
    const failing = lines.find((l) => / failing|integration test\(s\) failed/.test(l));
    assert.equal(failing, undefined, `integration tests failed:\n${lines.slice(-60).join('\n')}`);
    const passing = countAfter(result, 'passing') ?? 0;
    assert.ok(passing >= 6, `expected at least 6 passing tests, console said: ${plain(result)}`);
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    for (const dir of [root, fixture.workspace, fixtureFile]) rmSync(dir, { recursive: true, force: true });
  }
});

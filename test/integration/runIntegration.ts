// Launcher of the @vscode/test-electron suite: prepares a fixture workspace (a small CSV, and a runs
// folder holding two real tiny runs trained with the built CLI), then starts a downloaded VS Code
// with this repository as the extension under development and out/integration/suite/index.js as the
// tests. Build first: `npm run build && node scripts/build-integration.mjs` (npm run test:integration).
//
// Environment: VSCODE_EXECUTABLE_PATH (use this VS Code instead of downloading one), VSCODE_VERSION
// (version to download, default 'stable'), FINETUNE_IT_KEEP=1 (keep the fixture folder).

import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { tempDir } from '../unit/helpers/fixtures';
import { prepareFixture, repoRoot, writeFixtureFile } from './fixture';
import { FIXTURE_ENV } from './fixtureInfo';

/** Download failures (no internet, proxy, update server down) get one clear explanation. */
function explainFailure(error: unknown, downloading: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!downloading) return message;
  const network = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|timed? ?out|getaddrinfo|socket|network|download|fetch|update\.code\.visualstudio\.com/i;
  if (!network.test(message)) return message;
  return [
    `Could not download VS Code for the integration tests: ${message}`,
    '@vscode/test-electron downloads VS Code from update.code.visualstudio.com on the first run (cached in .vscode-test/).',
    'Run this suite on a machine with internet access, or point VSCODE_EXECUTABLE_PATH at an installed VS Code',
    '(e.g. VSCODE_EXECUTABLE_PATH=/usr/share/code/code npm run test:integration). Machines without internet run the',
    'end-to-end suite instead: npm run test:e2e (see test/e2e/README.md).',
  ].join('\n');
}

async function main(): Promise<number> {
  const root = repoRoot();
  const extensionTestsPath = path.join(root, 'out', 'integration', 'suite', 'index.js');
  if (!existsSync(extensionTestsPath)) throw new Error(`${path.relative(root, extensionTestsPath)} is missing: run \`node scripts/build-integration.mjs\` first.`);
  const fixture = await prepareFixture(root);
  const fixtureFile = writeFixtureFile(fixture);
  const vscodeExecutablePath = process.env.VSCODE_EXECUTABLE_PATH || undefined;
  const userDataDir = tempDir('finetune-integration-user-');
  try {
    await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath,
      extensionTestsEnv: { [FIXTURE_ENV]: fixtureFile },
      launchArgs: [fixture.workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', `--user-data-dir=${userDataDir}`],
      ...(vscodeExecutablePath ? { vscodeExecutablePath } : { version: process.env.VSCODE_VERSION || 'stable', timeout: 30_000 }),
    });
    return 0;
  } catch (error: unknown) {
    console.error(explainFailure(error, vscodeExecutablePath === undefined));
    return 1;
  } finally {
    if (process.env.FINETUNE_IT_KEEP === '1') console.error(`fixture kept: ${fixture.workspace}`);
    else for (const dir of [fixture.workspace, fixtureFile, userDataDir]) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);

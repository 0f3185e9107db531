// Where the end-to-end suite finds its tools and puts its outputs.

import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Installed by scripts/e2e-setup.sh. */
export const E2E_CACHE = process.env.E2E_CACHE ?? path.join(REPO_ROOT, '.e2e-cache');
export const CODE_SERVER_ENTRY = path.join(E2E_CACHE, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CODE_SERVER_READY_MARKER = path.join(E2E_CACHE, 'code-server', '.e2e-ready');

/** Written by scripts/e2e-package.sh: the extension exactly as a user downloads it. */
export const VSIX_PATH = process.env.E2E_VSIX ?? path.join(E2E_CACHE, 'fine-tune.vsix');
export const PACKAGE_SCRIPT = path.join(REPO_ROOT, 'scripts', 'e2e-package.sh');

export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots, and on failure the page console and VS Code's logs: test/e2e/artifacts/<scenario>/. */
export const ARTIFACTS_DIR = process.env.E2E_ARTIFACTS ?? path.join(REPO_ROOT, 'test', 'e2e', 'artifacts');

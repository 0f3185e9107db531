// One scenario's world: a fresh temporary folder holding the workspace (with its dataset), VS Code's
// user data and extensions folders and the browser profile; code-server with the extension installed
// from the .vsix; headless Chromium showing the workbench. Screenshots of the key moments go to
// test/e2e/artifacts/<scenario>/; when the scenario fails, also the page's console, code-server's
// output and VS Code's logs (extension host, output channels). Every process is stopped at the end,
// pass or fail.

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { installExtension, startCodeServer, writeUserSettings, type CodeServer, type CodeServerDirs } from './codeServer';
import { ARTIFACTS_DIR, CHROMIUM, PACKAGE_SCRIPT, VSIX_PATH } from './paths';
import { killStragglers } from './processes';
import { waitForWorkbench } from './workbench';

export interface SessionOptions {
  /** Writes the workspace's files (datasets) into the given folder. */
  files: (workspace: string) => void;
  /** Extra user settings, merged over the suite's defaults. */
  settings?: Record<string, unknown>;
  /** Whole-scenario limit, including start-up and clean-up (default 5 minutes). */
  timeoutMs?: number;
  /** Wait for the workbench to show the workspace folder before the body runs (default true). */
  waitForExplorer?: boolean;
  /**
   * Runs after the extension is installed and before VS Code starts: e.g. runs made with the installed
   * extension's own `finetune` CLI (dist/cli.js), as a user of the CLI would have left them.
   */
  prepare?: (context: { workspace: string; extensionDir: string }) => Promise<void> | void;
}

export interface Session {
  name: string;
  page: Page;
  context: BrowserContext;
  server: CodeServer;
  /** The workspace folder VS Code has open. */
  workspace: string;
  /** test/e2e/artifacts/<scenario>/ */
  artifacts: string;
  /** Saves a numbered full-window screenshot: <nn>-<label>.png. */
  shot(label: string): Promise<string>;
  /** Console lines of the page and its frames (webviews included) so far. */
  consoleLines: string[];
  /** Adds a line to the scenario's log (saved with the console on failure). */
  log(line: string): void;
}

/**
 * Time node:test allows a scenario beyond its own limit (`timeoutMs`): enough to save the failure
 * artifacts and stop every process, so the harness's deadline always fires first.
 */
export const TEARDOWN_MS = 45_000;

/** node:test options for a scenario with this limit. */
export function testLimit(scenarioMs: number): number {
  return scenarioMs + TEARDOWN_MS;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--disable-crash-reporter',
  '--disable-breakpad',
];

let vsixChecked = false;

/**
 * The .vsix of this build. scripts/e2e.sh packages it once and sets E2E_PACKAGED=1; a scenario file run
 * on its own packages it here (once per process).
 */
export function ensureVsix(): string {
  if (vsixChecked) return VSIX_PATH;
  if (process.env.E2E_PACKAGED !== '1' || !existsSync(VSIX_PATH)) execFileSync('bash', [PACKAGE_SCRIPT], { stdio: 'inherit' });
  vsixChecked = true;
  return VSIX_PATH;
}

function safeName(label: string): string {
  return label.replace(/[^a-z0-9._-]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
}

function copyLogs(from: string, to: string): void {
  if (!existsSync(from)) return;
  mkdirSync(to, { recursive: true });
  cpSync(from, to, { recursive: true, filter: (src) => !statSync(src).isSocket() });
}

async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still running after ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one scenario in a fresh world and always tears it down. Rethrows the scenario's error after
 * saving the failure artifacts.
 */
export async function runScenario(name: string, options: SessionOptions, body: (session: Session) => Promise<void>): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const artifacts = path.join(ARTIFACTS_DIR, safeName(name));
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });

  const root = mkdtempSync(path.join(os.tmpdir(), 'finetune-e2e-'));
  const workspace = path.join(root, 'workspace');
  const dirs: CodeServerDirs = {
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    configHome: path.join(root, 'config'),
    logFile: path.join(root, 'code-server.log'),
  };
  for (const dir of [workspace, dirs.userDataDir, dirs.extensionsDir, dirs.configHome]) mkdirSync(dir, { recursive: true });
  options.files(workspace);
  writeUserSettings(dirs.userDataDir, options.settings);

  const consoleLines: string[] = [];
  let server: CodeServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let shots = 0;
  const started = Date.now();
  const note = (line: string): void => {
    consoleLines.push(`[harness +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
  };

  const run = async (): Promise<void> => {
    const vsix = ensureVsix();
    await installExtension(vsix, dirs);
    note('extension installed from the .vsix');
    if (options.prepare) {
      const installed = readdirSync(dirs.extensionsDir).find((d) => d.startsWith('fine-tune.fine-tune-'));
      if (!installed) throw new Error(`the extension is not in ${dirs.extensionsDir}`);
      await options.prepare({ workspace, extensionDir: path.join(dirs.extensionsDir, installed) });
      note('workspace prepared');
    }
    server = await startCodeServer(dirs, workspace);
    note(`code-server at ${server.url}`);
    context = await chromium.launchPersistentContext(path.join(root, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1,
    });
    page = context.pages()[0] ?? (await context.newPage());
    const p = page;
    p.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    p.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.stack ?? e.message}`));
    p.on('crash', () => consoleLines.push('[crash] the page crashed'));
    await p.goto(server.url);
    await waitForWorkbench(p, options.waitForExplorer ?? true);
    note('workbench ready');
    const session: Session = {
      name,
      page: p,
      context,
      server,
      workspace,
      artifacts,
      consoleLines,
      log: note,
      shot: async (label: string) => {
        shots += 1;
        const file = path.join(artifacts, `${String(shots).padStart(2, '0')}-${safeName(label)}.png`);
        await p.screenshot({ path: file, timeout: 30_000 });
        note(`screenshot ${path.basename(file)}`);
        return file;
      },
    };
    await body(session);
  };

  let failure: unknown;
  try {
    await withDeadline(run(), timeoutMs, `scenario "${name}"`);
  } catch (error) {
    failure = error;
  }

  if (failure !== undefined) {
    note(`FAILED: ${failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)}`);
    if (page) {
      try {
        await page.screenshot({ path: path.join(artifacts, 'failure.png'), timeout: 15_000 });
      } catch (error) {
        note(`no failure screenshot: ${String(error)}`);
      }
    }
    writeFileSync(path.join(artifacts, 'console.log'), `${consoleLines.join('\n')}\n`);
    copyLogs(path.join(dirs.userDataDir, 'logs'), path.join(artifacts, 'vscode-logs'));
    if (existsSync(dirs.logFile)) cpSync(dirs.logFile, path.join(artifacts, 'code-server.log'));
    writeFileSync(path.join(artifacts, 'workspace-files.txt'), `${listFiles(workspace).join('\n')}\n`);
  }

  // Tear-down, pass or fail: browser, then code-server's process group (extension host and training
  // workers included), then anything that still mentions this scenario's folder.
  try {
    await context?.close();
  } catch {
    // Already gone.
  }
  await server?.stop();
  const stragglers = await killStragglers(root);
  if (stragglers.length > 0) {
    writeFileSync(path.join(artifacts, 'stragglers.txt'), `${stragglers.join('\n')}\n`);
  }
  if (process.env.E2E_KEEP !== '1') rmSync(root, { recursive: true, force: true });
  if (failure !== undefined) throw failure;
}

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(`${rel}/`, ...listFiles(path.join(dir, entry.name), rel));
    else out.push(rel);
  }
  return out;
}

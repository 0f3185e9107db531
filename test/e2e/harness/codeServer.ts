// A real VS Code: code-server on 127.0.0.1 (a free port it picks), no auth, no telemetry, no update
// checks, with its own user-data and extensions folders. The extension is installed from the .vsix with
// `code-server --install-extension`, as a user would.

import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { spawnGroup, stopGroup } from './processes';
import { CODE_SERVER_ENTRY, CODE_SERVER_READY_MARKER } from './paths';

export interface CodeServerDirs {
  /** VS Code's user data: User/settings.json, logs/. */
  userDataDir: string;
  extensionsDir: string;
  /** code-server's own config.yaml goes here (XDG_CONFIG_HOME), not into the real home. */
  configHome: string;
  /** code-server's stdout and stderr. */
  logFile: string;
}

export interface CodeServer {
  url: string;
  dirs: CodeServerDirs;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Settings of the test user: no welcome page, tips, update checks or telemetry. */
export function writeUserSettings(userDataDir: string, extra: Record<string, unknown> = {}): void {
  const settings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
    'window.commandCenter': false,
    'chat.commandCenter.enabled': false,
    'workbench.editor.enablePreview': false,
    ...extra,
  };
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

function requireInstalled(): void {
  if (!existsSync(CODE_SERVER_ENTRY) || !existsSync(CODE_SERVER_READY_MARKER)) {
    throw new Error(`code-server is not installed in ${path.dirname(CODE_SERVER_READY_MARKER)}: run \`bash scripts/e2e-setup.sh\` first.`);
  }
}

function baseEnv(dirs: CodeServerDirs, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: dirs.configHome, VSCODE_PROXY_URI: '', ...extra };
  // The suite's own test-runner variables must not leak into the extension host.
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return env;
}

function runToEnd(args: string[], dirs: CodeServerDirs, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnGroup(process.execPath, [CODE_SERVER_ENTRY, ...args], { env: baseEnv(dirs), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => {
      void stopGroup(child);
      reject(new Error(`code-server ${args.join(' ')} took longer than ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`code-server ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

/** `code-server --install-extension <vsix> --extensions-dir <dir>`: what a user runs. */
export async function installExtension(vsix: string, dirs: CodeServerDirs): Promise<string> {
  requireInstalled();
  const output = await runToEnd(
    ['--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--install-extension', vsix],
    dirs,
    120_000,
  );
  if (!/successfully installed/i.test(output)) throw new Error(`installing ${vsix} printed no success:\n${output}`);
  return output;
}

/** Starts code-server on 127.0.0.1 (`env` is added to its environment, which its extension host inherits). */
export async function startCodeServer(dirs: CodeServerDirs, workspace: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<CodeServer> {
  requireInstalled();
  const args = [
    CODE_SERVER_ENTRY,
    '--bind-addr',
    '127.0.0.1:0',
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    dirs.userDataDir,
    '--extensions-dir',
    dirs.extensionsDir,
    ...extraArgs,
    workspace,
  ];
  const child = spawnGroup(process.execPath, args, { env: baseEnv(dirs, env), stdio: ['ignore', 'pipe', 'pipe'], cwd: workspace });
  const log = createWriteStream(dirs.logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const base = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`code-server did not listen within 60 s:\n${seen}`)), 60_000);
    const onData = (b: Buffer): void => {
      seen += b.toString();
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\/?/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code} before listening:\n${seen}`));
    });
  });
  const url = `${base}/?folder=${encodeURIComponent(workspace)}`;
  return { url, dirs, process: child, stop: () => stopGroup(child) };
}

// Which parts of the UI this checkout has. The UI is built in steps; a scenario whose UI is missing is
// skipped with the reason (never faked). E2E_STRICT=1 (for CI once the UI is complete) runs every
// scenario regardless, so a missing part fails instead of skipping.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './paths';

interface ManifestCommand {
  command: string;
  title: string;
}

function manifestCommands(): ManifestCommand[] {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes?: { commands?: ManifestCommand[] } };
  return manifest.contributes?.commands ?? [];
}

function sourceMentions(dir: string, needle: string): boolean {
  const full = path.join(REPO_ROOT, dir);
  if (!existsSync(full)) return false;
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .some((f) => readFileSync(path.join(full, f), 'utf8').includes(needle));
}

const checks = {
  setupPanel: (): string | null =>
    existsSync(path.join(REPO_ROOT, 'webview', 'setup', 'main.ts')) && existsSync(path.join(REPO_ROOT, 'src', 'panels', 'setupPanel.ts'))
      ? null
      : 'the setup panel (webview/setup, src/panels/setupPanel.ts) is not built yet',
  dashboard: (): string | null =>
    existsSync(path.join(REPO_ROOT, 'webview', 'dashboard', 'main.ts')) ? null : 'the dashboard panel (webview/dashboard) is not built yet',
  runsTree: (): string | null =>
    sourceMentions('src/views', 'finetune.runs') ? null : 'the Runs and Checkpoints trees (src/views) are not registered yet',
  compare: (): string | null => {
    const command = manifestCommands().find((c) => /compare/i.test(c.command) || /Compare Selected/i.test(c.title));
    if (!command) return 'no "Compare Selected" command in package.json yet';
    if (!existsSync(path.join(REPO_ROOT, 'webview', 'compare', 'main.ts'))) return 'the compare panel (webview/compare) is not built yet';
    return null;
  },
  modelPicker: (): string | null =>
    sourceMentions('src/panels', 'catalogTextModels') && sourceMentions('src/panels', 'currentDevice')
      ? null
      : 'the setup panel does not list the model catalog and the device yet',
  quickStart: (): string | null =>
    manifestCommands().some((c) => c.command === 'finetune.dataset.quickStart') && sourceMentions('src/host', 'finetune.dataset.quickStart')
      ? null
      : 'the command finetune.dataset.quickStart is not registered yet',
};

export type Feature = keyof typeof checks;

/** A skip reason when a needed part of the UI is missing, or false to run the scenario. */
export function skipUnless(...features: Feature[]): string | false {
  if (process.env.E2E_STRICT === '1') return false;
  const missing = features.map((f) => checks[f]()).filter((r): r is string => r !== null);
  return missing.length > 0 ? `not yet testable: ${missing.join('; ')}` : false;
}

// Where the run store of a workspace folder lives: the `fineTune.runsFolder` setting, relative to
// the workspace folder or absolute (`~` and `${workspaceFolder}` are expanded).

import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const DEFAULT_RUNS_FOLDER = '.finetune/runs';
const WORKSPACE_VARIABLE = '${workspaceFolder}';

/**
 * The absolute runs folder for a setting value and a workspace folder path. A relative value needs
 * a workspace folder: without one the result is null. An empty value means the default.
 */
export function resolveRunsFolder(setting: string | undefined, workspaceFolder: string | null, home: string = os.homedir()): string | null {
  let value = (setting ?? '').trim() || DEFAULT_RUNS_FOLDER;
  if (value.includes(WORKSPACE_VARIABLE)) {
    if (workspaceFolder === null) return null;
    value = value.split(WORKSPACE_VARIABLE).join(workspaceFolder);
  }
  if (value === '~' || value.startsWith('~/') || value.startsWith('~\\')) value = path.join(home, value.slice(1));
  if (path.isAbsolute(value)) return path.normalize(value);
  return workspaceFolder === null ? null : path.resolve(workspaceFolder, value);
}

function settingFor(scope: vscode.Uri | undefined): string | undefined {
  return vscode.workspace.getConfiguration('fineTune', scope).get<string>('runsFolder');
}

function fileFolders(): readonly vscode.WorkspaceFolder[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
}

/**
 * The runs folder of the workspace folder holding `resource`, else of the first workspace folder;
 * null when there is no (local) workspace folder and the setting is relative.
 */
export function runsDirFor(resource?: vscode.Uri): string | null {
  const owner = resource ? vscode.workspace.getWorkspaceFolder(resource) : undefined;
  const folder = owner && owner.uri.scheme === 'file' ? owner : fileFolders()[0];
  return resolveRunsFolder(settingFor(folder?.uri), folder ? folder.uri.fsPath : null);
}

/** Every distinct runs folder of the open workspace (one per workspace folder, or the absolute setting). */
export function allRunsDirs(): string[] {
  const folders = fileFolders();
  const dirs = folders.length === 0 ? [resolveRunsFolder(settingFor(undefined), null)] : folders.map((f) => resolveRunsFolder(settingFor(f.uri), f.uri.fsPath));
  return [...new Set(dirs.filter((dir): dir is string => dir !== null))];
}

/** A short label for a runs folder: relative to the workspace folder holding it, with that folder's name. */
export function runsDirLabel(runsDir: string): string {
  for (const folder of fileFolders()) {
    const relative = path.relative(folder.uri.fsPath, runsDir);
    if (!relative.startsWith('..') && !path.isAbsolute(relative)) return `${folder.name}/${relative.split(path.sep).join('/')}`;
  }
  return runsDir;
}

import './useVscodeStub';
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { allRunsDirs, resolveRunsFolder, runsDirFor, runsDirLabel } from '../../../src/host/runsLocation';
import * as vscode from 'vscode';
import { folder, settings, workspace } from './vscodeStub';

afterEach(() => {
  settings.clear();
  workspace.workspaceFolders = undefined;
});

test('resolveRunsFolder: default, relative, absolute, ~ and ${workspaceFolder}', () => {
  assert.equal(resolveRunsFolder(undefined, '/ws'), path.resolve('/ws/.finetune/runs'));
  assert.equal(resolveRunsFolder('   ', '/ws'), path.resolve('/ws/.finetune/runs'));
  assert.equal(resolveRunsFolder('out/runs', '/ws'), path.resolve('/ws/out/runs'));
  assert.equal(resolveRunsFolder('../shared/runs', '/ws/app'), path.resolve('/ws/shared/runs'));
  assert.equal(resolveRunsFolder('/data/runs', '/ws'), path.normalize('/data/runs'));
  assert.equal(resolveRunsFolder('/data/runs', null), path.normalize('/data/runs'));
  assert.equal(resolveRunsFolder('~/runs', null, '/home/me'), path.normalize('/home/me/runs'));
  assert.equal(resolveRunsFolder('${workspaceFolder}/x', '/ws'), path.normalize('/ws/x'));
});

test('resolveRunsFolder: a relative folder without a workspace is null', () => {
  assert.equal(resolveRunsFolder('.finetune/runs', null), null);
  assert.equal(resolveRunsFolder('${workspaceFolder}/x', null), null);
});

test('runsDirFor: the workspace folder holding the resource, else the first one', () => {
  workspace.workspaceFolders = [folder('/ws/a', 'a', 0), folder('/ws/b', 'b', 1)];
  assert.equal(runsDirFor(vscode.Uri.file('/ws/b/data/x.csv')), path.resolve('/ws/b/.finetune/runs'));
  assert.equal(runsDirFor(vscode.Uri.file('/elsewhere/x.csv')), path.resolve('/ws/a/.finetune/runs'));
  assert.equal(runsDirFor(), path.resolve('/ws/a/.finetune/runs'));
  settings.set('fineTune.runsFolder', 'runs');
  assert.equal(runsDirFor(vscode.Uri.file('/ws/b/x.csv')), path.resolve('/ws/b/runs'));
});

test('runsDirFor without a workspace: null, unless the setting is absolute', () => {
  assert.equal(runsDirFor(), null);
  settings.set('fineTune.runsFolder', '/srv/runs');
  assert.equal(runsDirFor(), path.normalize('/srv/runs'));
  assert.deepEqual(allRunsDirs(), [path.normalize('/srv/runs')]);
});

test('allRunsDirs: one per workspace folder, deduplicated; labels name the folder', () => {
  workspace.workspaceFolders = [folder('/ws/a', 'a', 0), folder('/ws/b', 'b', 1)];
  assert.deepEqual(allRunsDirs(), [path.resolve('/ws/a/.finetune/runs'), path.resolve('/ws/b/.finetune/runs')]);
  assert.equal(runsDirLabel(path.resolve('/ws/b/.finetune/runs')), 'b/.finetune/runs');
  settings.set('fineTune.runsFolder', '/srv/runs');
  assert.deepEqual(allRunsDirs(), [path.normalize('/srv/runs')]);
});

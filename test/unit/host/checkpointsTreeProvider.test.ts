import './useVscodeStub';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunStores } from '../../../src/host/runStores';
import { isCheckpointRef } from '../../../src/host/extensionServices';
import { CheckpointsTreeProvider, type CheckpointsTreeElement } from '../../../src/views/checkpointsTreeProvider';
import type { CheckpointElement, RunActivityLookup, RunElement } from '../../../src/views/treeElements';
import { tempDir } from '../helpers/fixtures';
import { makeIndex, writeFixtureRuns } from './runsFixture';
import { ThemeIcon, TreeItemCollapsibleState } from './vscodeStub';
import { waitFor } from './fakeWorker';

const idle: RunActivityLookup = { activityOf: () => null, isStopping: () => false };

async function setup() {
  const runsDir = path.join(tempDir('finetune-ckpt-tree-'), 'runs');
  const stores = new RunStores();
  const store = stores.storeFor(runsDir);
  const fixture = await writeFixtureRuns(store);
  const provider = new CheckpointsTreeProvider(makeIndex([runsDir], (d) => stores.storeFor(d)), idle);
  return { runsDir, store, fixture, provider };
}

function only<T extends CheckpointsTreeElement['kind']>(kind: T, elements: CheckpointsTreeElement[]): Extract<CheckpointsTreeElement, { kind: T }>[] {
  return elements.filter((e): e is Extract<CheckpointsTreeElement, { kind: T }> => e.kind === kind);
}

test('root: only runs that saved a checkpoint, collapsible, with their own context value', async () => {
  const { provider } = await setup();
  const roots = only('run', await provider.getChildren());
  assert.deepEqual(roots.map((r: RunElement) => r.record.name), ['stopped run', 'running run', 'completed run']);
  const item = provider.getTreeItem(roots[2]);
  assert.equal(item.collapsibleState, TreeItemCollapsibleState.Collapsed);
  assert.equal(item.contextValue, 'checkpointRun.completed');
  assert.equal(item.command, undefined, 'a click expands the run');
});

test('children: checkpoints by step, best starred with "best" in the description, step and metric shown', async () => {
  const { provider, fixture, runsDir } = await setup();
  const completed = only('run', await provider.getChildren()).find((r) => r.runId === fixture.completed.id);
  assert.ok(completed);
  const checkpoints = only('checkpoint', await provider.getChildren(completed));
  assert.deepEqual(checkpoints.map((c: CheckpointElement) => c.checkpoint), ['best', 'last']);
  const [best, last] = checkpoints.map((c) => provider.getTreeItem(c));
  assert.equal(best.contextValue, 'checkpoint.best');
  assert.equal(last.contextValue, 'checkpoint.other');
  assert.ok(best.iconPath instanceof ThemeIcon && best.iconPath.id === 'star-full');
  assert.ok(last.iconPath instanceof ThemeIcon && last.iconPath.id !== 'star-full');
  assert.equal(best.description, 'epoch 2 · step 40 · acc 0.912 · best');
  assert.equal(last.description, 'epoch 3 · step 60 · acc 0.900');
  for (const c of checkpoints) {
    assert.ok(isCheckpointRef(c));
    assert.equal(c.runsDir, runsDir);
    assert.equal(provider.getParent(c), completed);
  }
  assert.notEqual(best.id, last.id);
});

test('checkpoints being written or replaced (hidden .tmp/.old folders) are not shown', async () => {
  const { provider, fixture, store } = await setup();
  fs.mkdirSync(path.join(store.paths(fixture.completed.id).checkpoints, '.last.tmp-123-abc'), { recursive: true });
  fs.mkdirSync(path.join(store.paths(fixture.completed.id).checkpoints, '.best.old-123-abc'), { recursive: true });
  const completed = only('run', await provider.getChildren()).find((r) => r.runId === fixture.completed.id);
  assert.ok(completed);
  assert.deepEqual(only('checkpoint', await provider.getChildren(completed)).map((c) => c.checkpoint), ['best', 'last']);
});

test('a run saving its first checkpoint refreshes the whole tree; a later one refreshes that run', async () => {
  const runsDir = path.join(tempDir('finetune-ckpt-first-'), 'runs');
  const stores = new RunStores();
  const store = stores.storeFor(runsDir);
  const fixture = await writeFixtureRuns(store);
  const index = makeIndex([runsDir], (d) => stores.storeFor(d));
  const provider = new CheckpointsTreeProvider(index, idle);
  await provider.getChildren();
  const events: (CheckpointsTreeElement | CheckpointsTreeElement[] | undefined)[] = [];
  provider.onDidChangeTreeData((e) => events.push(e));
  await store.updateRun(fixture.failed.id, { progress: { epoch: 1, step: 3, totalSteps: 9, epochs: 3 } });
  index.invalidate();
  await waitFor(() => events.length === 1);
  assert.equal(events[0], undefined);
  const roots = only('run', await provider.getChildren());
  assert.ok(roots.some((r) => r.runId === fixture.failed.id));
  await store.updateRun(fixture.failed.id, { progress: { epoch: 2, step: 6, totalSteps: 9, epochs: 3 } });
  index.invalidate();
  await waitFor(() => events.length === 2);
  assert.deepEqual(events[1], [roots.find((r) => r.runId === fixture.failed.id)]);
});

test('reveal: a run element is found by its RunRef', async () => {
  const { provider, fixture, runsDir } = await setup();
  const element = await provider.elementFor({ runsDir, runId: fixture.stopped.id });
  assert.equal(element?.record.name, 'stopped run');
  assert.equal(provider.getParent(element as RunElement), undefined);
});

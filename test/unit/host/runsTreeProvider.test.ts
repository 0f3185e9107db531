import './useVscodeStub';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { RunStores } from '../../../src/host/runStores';
import { RunsTreeProvider, type RunsTreeElement } from '../../../src/views/runsTreeProvider';
import type { RunActivityLookup, RunElement } from '../../../src/views/treeElements';
import { isRunRef } from '../../../src/host/extensionServices';
import { tempDir } from '../helpers/fixtures';
import { fakeTraining, makeIndex, writeFixtureRuns } from './runsFixture';
import { MarkdownString, ThemeColor, ThemeIcon } from './vscodeStub';
import { waitFor } from './fakeWorker';

const idle: RunActivityLookup = { activityOf: () => null, isStopping: () => false };

async function setup(activity: RunActivityLookup = idle) {
  const runsDir = path.join(tempDir('finetune-tree-'), 'runs');
  const stores = new RunStores();
  const store = stores.storeFor(runsDir);
  const fixture = await writeFixtureRuns(store);
  const training = fakeTraining();
  const index = makeIndex([runsDir], (dir) => stores.storeFor(dir), training);
  const provider = new RunsTreeProvider(index, activity);
  return { runsDir, store, fixture, index, provider, training };
}

function runs(elements: RunsTreeElement[]): RunElement[] {
  return elements.filter((e): e is RunElement => e.kind === 'run');
}

test('root lists every run, newest first, as elements carrying a RunRef', async () => {
  const { provider, fixture, runsDir } = await setup();
  const elements = runs(await provider.getChildren());
  assert.deepEqual(
    elements.map((e) => e.record.name),
    ['interrupted run', 'stopped run', 'failed run', 'queued run', 'running run', 'completed run'],
  );
  for (const element of elements) {
    assert.ok(isRunRef(element));
    assert.equal(element.runsDir, runsDir);
    assert.equal(provider.getParent(element), undefined);
    assert.deepEqual(await provider.getChildren(element), []);
  }
  assert.equal(elements[5].runId, fixture.completed.id);
});

test('items: status icon and colour, contextValue run.<status>, stable id, click opens the dashboard', async () => {
  const { provider, runsDir } = await setup();
  const elements = runs(await provider.getChildren());
  const byName = new Map(elements.map((e) => [e.record.name, provider.getTreeItem(e)]));
  const expected: Record<string, [string, string, string]> = {
    'completed run': ['run.completed', 'pass-filled', 'testing.iconPassed'],
    'running run': ['run.running', 'sync~spin', 'charts.blue'],
    'queued run': ['run.queued', 'clock', 'charts.yellow'],
    'failed run': ['run.failed', 'error', 'testing.iconFailed'],
    'stopped run': ['run.stopped', 'debug-pause', 'charts.orange'],
    'interrupted run': ['run.interrupted', 'warning', 'list.warningForeground'],
  };
  for (const [name, [contextValue, icon, color]] of Object.entries(expected)) {
    const item = byName.get(name);
    assert.ok(item, name);
    assert.equal(item.contextValue, contextValue);
    assert.ok(item.iconPath instanceof ThemeIcon);
    assert.equal(item.iconPath.id, icon);
    assert.ok(item.iconPath.color instanceof ThemeColor);
    assert.equal(item.iconPath.color.id, color);
    assert.equal(item.label, name);
    assert.equal(item.command?.command, 'finetune.run.openDashboard');
    const [arg] = item.command?.arguments ?? [];
    assert.ok(isRunRef(arg));
    assert.equal(arg.runsDir, runsDir);
  }
  const again = runs(await provider.getChildren()).map((e) => provider.getTreeItem(e).id);
  assert.deepEqual(again, elements.map((e) => provider.getTreeItem(e).id));
  assert.equal(new Set(again).size, again.length);
});

test('descriptions: best metric, progress while running, queued, status word', async () => {
  const { provider } = await setup();
  const items = new Map(runs(await provider.getChildren()).map((e) => [e.record.name, provider.getTreeItem(e)]));
  assert.equal(items.get('completed run')?.description, 'acc 0.912');
  assert.equal(items.get('stopped run')?.description, 'loss 0.2306');
  assert.equal(items.get('running run')?.description, '33% · epoch 2/3');
  assert.equal(items.get('queued run')?.description, 'queued');
  assert.equal(items.get('failed run')?.description, 'failed');
  assert.equal(items.get('interrupted run')?.description, 'interrupted');
});

test('tooltip: a Markdown config summary', async () => {
  const { provider } = await setup();
  const completed = runs(await provider.getChildren()).find((e) => e.record.name === 'completed run');
  assert.ok(completed);
  const tooltip = provider.getTreeItem(completed).tooltip;
  assert.ok(tooltip instanceof MarkdownString);
  for (const text of ['Dataset', 'reviews\\.csv', 'Model', 'nn\\-sentiment', 'Technique', 'LoRA', 'Epochs | 3', 'Learning rate | 0\\.002', 'Backend | wasm', 'Created', 'acc 0\\.912']) {
    assert.ok(tooltip.value.includes(text), `tooltip lacks ${text}:\n${tooltip.value}`);
  }
  const failed = runs(await provider.getChildren()).find((e) => e.record.name === 'failed run');
  assert.ok(failed);
  const failedTip = provider.getTreeItem(failed).tooltip;
  assert.ok(failedTip instanceof MarkdownString && failedTip.value.includes('The dataset has no rows\\.'));
});

test('the service knowing better wins: queued in run.json but started; stopping', async () => {
  const { provider, fixture } = await setup({
    activityOf: (id: string) => (id === fixture.queued.id ? 'running' : null),
    isStopping: (id: string) => id === fixture.queued.id,
  });
  const queued = runs(await provider.getChildren()).find((e) => e.runId === fixture.queued.id);
  assert.ok(queued);
  const item = provider.getTreeItem(queued);
  assert.equal(item.contextValue, 'run.running');
  assert.equal(item.description, 'stopping…');
});

test('live progress from the worker updates one element, throttled', async () => {
  const { provider, fixture, training, runsDir } = await setup();
  const elements = runs(await provider.getChildren());
  const running = elements.find((e) => e.runId === fixture.running.id);
  assert.ok(running);
  const changed: (RunsTreeElement | RunsTreeElement[] | undefined)[] = [];
  provider.onDidChangeTreeData((e) => changed.push(e));
  const progressed = (step: number) =>
    training.receive.fire({
      runsDir,
      runId: fixture.running.id,
      message: { type: 'run/progressed', payload: { epoch: 1, step, totalSteps: 60, epochs: 3, loss: 0.3, examplesPerSecond: 100, etaSeconds: 200, phase: 'training' } },
    });
  progressed(30);
  progressed(31);
  progressed(33);
  assert.equal(changed.length, 1);
  assert.equal(changed[0], running);
  assert.equal(provider.getTreeItem(running).description, '55% · epoch 2/3 · ETA 3m 20s');
  await waitFor(() => changed.length === 2);
  assert.equal(changed[1], running);
});

test('elements keep their identity across refreshes; deleted runs disappear', async () => {
  const { provider, index, store, fixture, runsDir } = await setup();
  const before = runs(await provider.getChildren());
  await store.updateRun(fixture.failed.id, { name: 'renamed' });
  await store.deleteRun(fixture.interrupted.id);
  let fired = 0;
  provider.onDidChangeTreeData(() => fired++);
  index.invalidate();
  index.invalidate();
  await waitFor(() => fired === 1);
  const after = runs(await provider.getChildren());
  assert.equal(after.length, before.length - 1);
  const failed = after.find((e) => e.runId === fixture.failed.id);
  assert.equal(failed, before.find((e) => e.runId === fixture.failed.id));
  assert.equal(failed?.record.name, 'renamed');
  assert.equal(await provider.elementFor({ runsDir, runId: fixture.interrupted.id }), undefined);
});

test('a run.json change refreshes that run alone; a new run refreshes the whole tree', async () => {
  const { provider, index, store, fixture, runsDir, training } = await setup();
  const before = runs(await provider.getChildren());
  const events: (RunsTreeElement | RunsTreeElement[] | undefined)[] = [];
  provider.onDidChangeTreeData((e) => events.push(e));
  await store.updateRun(fixture.stopped.id, { status: 'completed' });
  await index.refreshNow();
  events.length = 0;
  await store.updateRun(fixture.failed.id, { name: 'renamed' });
  index.invalidate();
  await waitFor(() => events.length === 1);
  const failed = before.find((e) => e.runId === fixture.failed.id);
  assert.deepEqual(events[0], [failed]);
  assert.equal(failed?.record.name, 'renamed');
  assert.equal(provider.getTreeItem(failed as RunElement).label, 'renamed');

  // The queue moving changes items without run.json changing: they are refreshed too.
  events.length = 0;
  training.queue.fire();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(events.length, 0, 'nothing active, nothing to refresh');

  events.length = 0;
  await store.createRun(fixture.completed.config, { name: 'new one' });
  index.invalidate();
  await waitFor(() => events.length === 1);
  assert.equal(events[0], undefined);
  assert.equal(runs(await provider.getChildren())[0].record.name, 'new one');
  assert.ok(runsDir);
});

test('runs entering or leaving the queue are refreshed though their run.json did not change', async () => {
  const runsDir = path.join(tempDir('finetune-tree-queue-'), 'runs');
  const stores = new RunStores();
  const fixture = await writeFixtureRuns(stores.storeFor(runsDir));
  const training = fakeTraining();
  let active: { runsDir: string; runId: string }[] = [];
  const provider = new RunsTreeProvider(makeIndex([runsDir], (d) => stores.storeFor(d), training, () => active), idle);
  const elements = runs(await provider.getChildren());
  const events: (RunsTreeElement | RunsTreeElement[] | undefined)[] = [];
  provider.onDidChangeTreeData((e) => events.push(e));
  active = [{ runsDir, runId: fixture.queued.id }];
  training.queue.fire();
  await waitFor(() => events.length === 1);
  assert.deepEqual(events[0], [elements.find((e) => e.runId === fixture.queued.id)]);
  active = [];
  training.queue.fire();
  await waitFor(() => events.length === 2);
  assert.deepEqual(events[1], [elements.find((e) => e.runId === fixture.queued.id)]);
});

test('several runs folders: grouped under folder elements, with parents', async () => {
  const root = tempDir('finetune-tree-multi-');
  const stores = new RunStores();
  const dirA = path.join(root, 'a', '.finetune', 'runs');
  const dirB = path.join(root, 'b', '.finetune', 'runs');
  await writeFixtureRuns(stores.storeFor(dirA));
  await stores.storeFor(dirB).createRun((await stores.storeFor(dirA).listRuns())[0].config, { name: 'only in b' });
  const provider = new RunsTreeProvider(makeIndex([dirA, dirB], (d) => stores.storeFor(d)), idle);
  const top = await provider.getChildren();
  assert.deepEqual(top.map((e) => e.kind), ['runsFolder', 'runsFolder']);
  assert.equal(provider.getTreeItem(top[1]).label, 'b');
  const inB = runs(await provider.getChildren(top[1]));
  assert.deepEqual(inB.map((e) => e.record.name), ['only in b']);
  assert.equal(provider.getParent(inB[0]), top[1]);
  const revealed = await provider.elementFor({ runsDir: dirB, runId: inB[0].runId });
  assert.equal(revealed, inB[0]);
});

test('a thousand runs list and render quickly', async () => {
  const runsDir = path.join(tempDir('finetune-tree-1000-'), 'runs');
  const stores = new RunStores();
  const store = stores.storeFor(runsDir);
  const { completed } = await writeFixtureRuns(store);
  const config = completed.config;
  for (let i = 0; i < 1000; i += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, k) => store.createRun(config, { name: `run ${i + k}` })));
  }
  const provider = new RunsTreeProvider(makeIndex([runsDir], (d) => stores.storeFor(d)), idle);
  const started = performance.now();
  const elements = await provider.getChildren();
  for (const element of elements) provider.getTreeItem(element);
  const elapsed = performance.now() - started;
  assert.equal(elements.length, 1006);
  assert.ok(elapsed < 3000, `listing and rendering 1006 runs took ${elapsed.toFixed(0)} ms`);
  const cached = performance.now();
  await provider.getChildren();
  assert.ok(performance.now() - cached < 200, 'a second listing comes from the cache');
});

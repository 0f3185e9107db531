import './useVscodeStub';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from './vscodeStub';
import { gridAxisOf, gridInputError } from '../../../src/host/commands/sweepGridInput';
import { runsDone, waitForRuns } from '../../../src/host/commands/sweepWatch';

class FakeTraining {
  readonly active = new Map<string, 'queued' | 'running'>();
  private readonly emitter = new EventEmitter<void>();
  readonly onDidChangeQueue = this.emitter.event;

  activityOf(runId: string): 'queued' | 'running' | null {
    return this.active.get(runId) ?? null;
  }

  finish(runId: string): void {
    this.active.delete(runId);
    this.emitter.fire();
  }

  fire(): void {
    this.emitter.fire();
  }
}

test('grid input boxes: empty is fine, bad values get the CLI messages', () => {
  assert.equal(gridInputError('lr', ''), null);
  assert.equal(gridInputError('lr', '1e-3, 3e-3'), null);
  assert.match(gridInputError('rank', '4, 8.5') ?? '', /whole number/);
  assert.match(gridInputError('lr', 'fast') ?? '', /"fast" is not a number/);
  assert.deepEqual(gridAxisOf('rank', '4 8'), { param: 'rank', values: [4, 8] });
  assert.equal(gridAxisOf('lr', ' '), null);
});

test('waiting for a sweep: progress on each finished run, done when the service holds none', async () => {
  const training = new FakeTraining();
  const ids = ['a', 'b', 'c'];
  training.active.set('a', 'running');
  training.active.set('b', 'queued');
  training.active.set('c', 'queued');
  const seen: number[] = [];
  let resolved = false;
  const waiting = waitForRuns(training, ids, (done) => seen.push(done)).then(() => {
    resolved = true;
  });
  training.fire(); // a queue change without a finished run reports nothing new
  training.finish('a');
  training.active.set('b', 'running');
  training.fire();
  training.finish('b');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(resolved, false);
  assert.equal(runsDone(training, ids), 2);
  training.finish('c');
  await waiting;
  assert.deepEqual(seen, [0, 1, 2, 3]);
  // Runs no longer held at the start resolve at once.
  const again: number[] = [];
  await waitForRuns(training, ids, (done) => again.push(done));
  assert.deepEqual(again, [3]);
});

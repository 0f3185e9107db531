// Compares the recorded metrics of two finished runs (for tests that run the same training two
// ways and expect the same numbers).

import * as assert from 'node:assert/strict';
import type { RunStore } from '../../../src/storage/runStore';

/** A run in a run store. */
export interface StoredRun {
  store: RunStore;
  runId: string;
}

/** The run's metric events except the learning rate, keyed `split/name/step`. */
export async function metricsOf(run: StoredRun): Promise<Map<string, number>> {
  const events = await run.store.readMetrics(run.runId);
  return new Map(events.filter((e) => e.name !== 'learningRate').map((e) => [`${e.split}/${e.name}/${e.step}`, e.value]));
}

/** Both runs recorded the same metrics at the same steps, each within relative 1e-4 (absolute below 1). */
export async function assertSameMetrics(a: StoredRun, b: StoredRun): Promise<void> {
  const ma = await metricsOf(a);
  const mb = await metricsOf(b);
  assert.deepEqual([...ma.keys()], [...mb.keys()]);
  for (const [key, value] of ma) {
    const other = mb.get(key) as number;
    assert.ok(Math.abs(value - other) <= 1e-4 * Math.max(1, Math.abs(value)), `${key}: ${value} vs ${other}`);
  }
}

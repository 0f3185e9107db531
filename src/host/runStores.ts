// One RunStore per runs folder, shared by the host: its per-run write queue then orders every
// run.json update made from this process.

import * as path from 'node:path';
import { RunStore, type RunStoreProblem } from '../storage/runStore';

export class RunStores {
  private readonly stores = new Map<string, RunStore>();

  constructor(private readonly onProblem?: (problem: RunStoreProblem) => void) {}

  storeFor(runsDir: string): RunStore {
    const key = path.resolve(runsDir);
    let store = this.stores.get(key);
    if (!store) {
      store = new RunStore(key, { onProblem: this.onProblem });
      this.stores.set(key, store);
    }
    return store;
  }
}

// What the sidebar commands need from the composition root.

import type { RunStore } from '../../storage/runStore';
import type { RunRef, ExtensionServices } from '../extensionServices';
import type { TrainingService } from '../trainingService';
import type { TrainingSettings } from '../trainingSettings';

export interface CommandDeps {
  services: ExtensionServices;
  training: TrainingService;
  storeFor(runsDir: string): RunStore;
  settings(): TrainingSettings;
  /** dist/cli.js */
  cliScript: string;
  /** Reloads the trees now. */
  refresh(): void;
  /** Shows a run in the Runs view. */
  revealRun(ref: RunRef): Promise<void>;
}

// What the backend selection needs to know about one backend.

import type { BackendName } from '../../protocol/configTypes';

export interface BackendCandidate {
  name: BackendName;
  /** The name the backend is registered under in TensorFlow.js. */
  tfjsName: string;
  /** Loads what the backend needs. Resolves to null when ready, else to why it cannot be used. */
  prepare(): Promise<string | null>;
  /** Runs after tf.setBackend succeeded: null when usable, else why not (e.g. no GPU device). */
  check?(): string | null;
  /** The device the backend runs on, in words (e.g. the GPU's name), once it is in use. */
  describe?(): string | null;
}

// Errors a WebGPU device reports asynchronously (out of memory, a buffer above the device's
// limits, a lost device). TensorFlow.js's WebGPU backend does not check for them, so the device's
// `uncapturederror` and `lost` handlers record the first one here and the training loop asks after
// every step, turning it into a clear message while the last checkpoint is still on disk.

export interface GpuFailure {
  kind: 'memory' | 'lost' | 'other';
  message: string;
}

let pending: GpuFailure | null = null;

const MEMORY = /out of memory|OutOfMemory|exceeds the max buffer size|exceeds the max storage buffer binding size|allocation failed/i;

export function recordGpuError(message: string, lost = false): void {
  if (pending !== null) return;
  const firstLine = message.split('\n')[0]?.trim() ?? message;
  pending = { kind: lost ? 'lost' : MEMORY.test(message) ? 'memory' : 'other', message: firstLine };
}

/** The first GPU error since the last call, or null; clears it. */
export function takeGpuFailure(): GpuFailure | null {
  const failure = pending;
  pending = null;
  return failure;
}

/** What the user reads when a GPU error stops training. */
export function explainGpuFailure(failure: GpuFailure, batchSize: number, technique: string): string {
  const keep = 'The checkpoints saved so far are kept: Resume continues from the last one.';
  switch (failure.kind) {
    case 'memory':
      return `The GPU ran out of memory (${failure.message}). Try a smaller batch size (now ${batchSize})${technique === 'full' ? ', or a technique with fewer trainable weights (lora, adapter or features)' : ''}, a shorter maximum sequence length, or the CPU (backend wasm). ${keep}`;
    case 'lost':
      return `The GPU device was lost (${failure.message}); the driver may have reset it or another program took it. ${keep}`;
    case 'other':
      return `The GPU reported an error (${failure.message}). Try the CPU (backend wasm) and report the problem with the run's worker.log. ${keep}`;
  }
}

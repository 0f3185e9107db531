// The float32 layout of the trainable variables in a SharedArrayBuffer (weights and gradients use
// the same one), and copying variables or gradients in and out of it.

import * as tf from '@tensorflow/tfjs';
import { f32View, isWasmHeapBackend } from '../../backends/fastPaths/wasmHeap';
import type { VariableSlot } from './parallelProtocol';

/** Copies a float32 tensor's values into `target` at `offset`: straight from the wasm heap on wasm (no intermediate array), else through dataSync. */
function copyInto(t: tf.Tensor, target: Float32Array, offset: number): void {
  const backend = tf.backend();
  target.set(isWasmHeapBackend(backend) ? f32View(backend, t) : (t.dataSync() as Float32Array), offset);
}

/** Consecutive slots for the named variables, in their order. */
export function layoutSlots(vars: readonly { name: string; variable: tf.Variable }[]): VariableSlot[] {
  let offset = 0;
  return vars.map(({ name, variable }) => {
    if (variable.dtype !== 'float32') throw new Error(`Multi-core training supports float32 weights only; ${name} is ${variable.dtype}.`);
    const slot = { name, shape: [...variable.shape], offset, size: variable.size };
    offset += variable.size;
    return slot;
  });
}

export function totalValues(slots: readonly VariableSlot[]): number {
  return slots.reduce((n, s) => n + s.size, 0);
}

export function sharedFloats(values: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.max(4, values * 4));
}

/** Writes each variable's current values into `buffer` (synchronous read: wasm and cpu backends). */
export function publishWeights(vars: readonly { variable: tf.Variable }[], slots: readonly VariableSlot[], buffer: SharedArrayBuffer): void {
  const view = new Float32Array(buffer);
  vars.forEach(({ variable }, i) => copyInto(variable, view, slots[i].offset));
}

/**
 * A tensor of a float32 range of a shared buffer, its own copy (the buffer changes under the next
 * step): the wasm backend copies into its heap anyway; the cpu backend would keep the view.
 */
export function tensorFromShared(buffer: SharedArrayBuffer, slot: VariableSlot): tf.Tensor {
  const view = new Float32Array(buffer, slot.offset * 4, slot.size);
  return tf.tensor(tf.getBackend() === 'wasm' ? view : view.slice(), slot.shape, 'float32');
}

/** Assigns each variable the values in `buffer`. */
export function assignWeights(vars: readonly { variable: tf.Variable }[], slots: readonly VariableSlot[], buffer: SharedArrayBuffer): void {
  vars.forEach(({ variable }, i) => tf.tidy(() => variable.assign(tensorFromShared(buffer, slots[i]))));
}

/** Writes gradients into `buffer` (zeros where a variable has none); returns which slots had one. */
export function writeGradients(grads: Map<string, tf.Tensor>, slots: readonly VariableSlot[], buffer: SharedArrayBuffer): boolean[] {
  const view = new Float32Array(buffer);
  return slots.map((s) => {
    const g = grads.get(s.name);
    if (g === undefined) {
      view.fill(0, s.offset, s.offset + s.size);
      return false;
    }
    copyInto(g, view, s.offset);
    return true;
  });
}

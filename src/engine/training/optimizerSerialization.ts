// Optimizer state ⇄ (JSON, binary): the JSON describes the slots, the buffer holds the moments as
// little-endian float32, for each slot m then v, at the byte offset the JSON gives. These are
// checkpoints' optimizer.json and optimizer.bin.

import type { OptimizerSlot, OptimizerState } from './optimizerTypes';

export const OPTIMIZER_FORMAT = 'finetune-adamw';
export const OPTIMIZER_FORMAT_VERSION = 1;

export interface OptimizerSlotJson {
  name: string;
  shape: number[];
  /** Byte offset of m in the buffer; v follows it directly. */
  offset: number;
  /** Number of elements of m (and of v). */
  length: number;
}

export interface OptimizerStateJson {
  format: typeof OPTIMIZER_FORMAT;
  version: number;
  dtype: 'float32';
  byteOrder: 'little-endian';
  step: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  slots: OptimizerSlotJson[];
}

export interface SerializedOptimizerState {
  json: OptimizerStateJson;
  buffer: Buffer;
}

function writeFloats(view: DataView, byteOffset: number, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) view.setFloat32(byteOffset + 4 * i, values[i], true);
}

function readFloats(view: DataView, byteOffset: number, length: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = view.getFloat32(byteOffset + 4 * i, true);
  return out;
}

export function serializeOptimizerState(state: OptimizerState): SerializedOptimizerState {
  const slots: OptimizerSlotJson[] = [];
  let offset = 0;
  for (const slot of state.slots) {
    slots.push({ name: slot.name, shape: [...slot.shape], offset, length: slot.m.length });
    offset += 8 * slot.m.length;
  }
  const buffer = Buffer.alloc(offset);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  state.slots.forEach((slot, i) => {
    const at = slots[i].offset;
    writeFloats(view, at, slot.m);
    writeFloats(view, at + 4 * slot.m.length, slot.v);
  });
  const json: OptimizerStateJson = {
    format: OPTIMIZER_FORMAT,
    version: OPTIMIZER_FORMAT_VERSION,
    dtype: 'float32',
    byteOrder: 'little-endian',
    step: state.step,
    beta1: state.beta1,
    beta2: state.beta2,
    epsilon: state.epsilon,
    weightDecay: state.weightDecay,
    slots,
  };
  return { json, buffer };
}

function fail(why: string): never {
  throw new Error(`Invalid optimizer state: ${why}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberField(obj: Record<string, unknown>, key: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${key} must be a finite number`);
  return value;
}

function countField(obj: Record<string, unknown>, key: string): number {
  const value = numberField(obj, key);
  if (!Number.isInteger(value) || value < 0) fail(`${key} must be a non-negative integer`);
  return value;
}

function parseSlot(raw: unknown, view: DataView, index: number): OptimizerSlot {
  if (!isRecord(raw)) fail(`slot ${index} is not an object`);
  const name = raw['name'];
  if (typeof name !== 'string') fail(`slot ${index} has no name`);
  const shapeRaw = raw['shape'];
  if (!Array.isArray(shapeRaw) || !shapeRaw.every((d): d is number => Number.isInteger(d) && d >= 0)) {
    fail(`slot ${name} has an invalid shape`);
  }
  const shape: number[] = shapeRaw;
  const offset = countField(raw, 'offset');
  const length = countField(raw, 'length');
  if (shape.reduce((a, b) => a * b, 1) !== length) fail(`slot ${name}: length ${length} does not match shape [${shape}]`);
  if (offset % 4 !== 0 || offset + 8 * length > view.byteLength) fail(`slot ${name} lies outside the buffer`);
  return { name, shape, m: readFloats(view, offset, length), v: readFloats(view, offset + 4 * length, length) };
}

/** Parses what serializeOptimizerState produced (the JSON as read back from disk). */
export function deserializeOptimizerState(json: unknown, buffer: Uint8Array): OptimizerState {
  if (!isRecord(json)) fail('not an object');
  if (json['format'] !== OPTIMIZER_FORMAT) fail(`format is not ${OPTIMIZER_FORMAT}`);
  if (json['version'] !== OPTIMIZER_FORMAT_VERSION) fail(`unsupported version ${String(json['version'])}`);
  if (json['dtype'] !== 'float32' || json['byteOrder'] !== 'little-endian') fail('moments must be little-endian float32');
  const slotsRaw = json['slots'];
  if (!Array.isArray(slotsRaw)) fail('slots must be an array');
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const slots = slotsRaw.map((raw: unknown, i) => parseSlot(raw, view, i));
  return {
    step: countField(json, 'step'),
    beta1: numberField(json, 'beta1'),
    beta2: numberField(json, 'beta2'),
    epsilon: numberField(json, 'epsilon'),
    weightDecay: numberField(json, 'weightDecay'),
    slots,
  };
}

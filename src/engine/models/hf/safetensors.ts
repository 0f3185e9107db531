// Reads and writes safetensors files (the Hugging Face weight format) with our own code.
// Reading: the file is read once into one buffer; float32 tensors are views into it where aligned,
// other dtypes are widened to float32. Writing: F32 (or F16/BF16 on request), names sorted, the
// JSON header padded with spaces to a multiple of 8 bytes, laid out byte for byte as the Python
// `safetensors` library does for same-dtype tensors.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { constants as bufferConstants } from 'node:buffer';
import { UserError } from '../../userError';
import { writeFileAtomic } from '../../../storage/atomicWrite';
import { DTYPE_SIZE, parseSafetensorsHeader, type SafetensorsDtype, type TensorInfo } from './safetensorsHeader';
import { bfloat16BitsToFloat32, float32ToBfloat16Bits, float32ToHalfBits, halfBitsToFloat32 } from './safetensorsHalf';

export type { SafetensorsDtype } from './safetensorsHeader';

export interface SafetensorsEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  /** values widened to float32 (F16/BF16/F64/ints converted); F32 data may be a view into the file's bytes */
  data: Float32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

/** A float32 tensor to write. */
export interface SafetensorsInput {
  shape: readonly number[];
  data: Float32Array;
}

const LITTLE_ENDIAN_HOST = os.endianness() === 'LE';

/**
 * Parses a whole file's bytes; `source` (a path) is named in errors. Throws UserError on any
 * malformation. F32 tensors share memory with `bytes` where their offset is 4-byte aligned.
 */
export function parseSafetensors(bytes: Uint8Array, source: string): SafetensorsFile {
  const header = parseSafetensorsHeader(bytes, source);
  const tensors = new Map<string, SafetensorsEntry>();
  for (const info of header.tensors) {
    tensors.set(info.name, { dtype: info.dtype, shape: info.shape, data: decodeTensor(bytes, header.dataStart, info) });
  }
  return { tensors, metadata: header.metadata };
}

/** Reads and parses a safetensors file, reading it once into a single buffer. */
export async function readSafetensorsFile(filePath: string): Promise<SafetensorsFile> {
  return parseSafetensors(await readWholeFile(filePath), filePath);
}

/** Serializes float32 tensors (dtype F32, or F16/BF16 when asked), names sorted, 8-byte aligned header. */
export function encodeSafetensors(tensors: ReadonlyMap<string, SafetensorsInput>, metadata?: Record<string, string>, dtype: 'F32' | 'F16' | 'BF16' = 'F32'): Uint8Array {
  const names = [...tensors.keys()].sort(compareCodePoints);
  const size = DTYPE_SIZE[dtype];
  const parts: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort(compareCodePoints);
    for (const key of keys) {
      if (typeof metadata[key] !== 'string') throw new Error(`safetensors metadata "${key}" must be a string`);
    }
    parts.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__') throw new Error('a safetensors tensor cannot be named "__metadata__"');
    const { shape, data } = tensors.get(name) as SafetensorsInput;
    checkShape(name, shape, data.length);
    const bytes = data.length * size;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${dtype}","shape":[${shape.join(',')}],"data_offsets":[${offset},${offset + bytes}]}`);
    offset += bytes;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const name of names) {
    const encoded = encodeValues((tensors.get(name) as SafetensorsInput).data, dtype);
    out.set(encoded, position);
    position += encoded.length;
  }
  return out;
}

/** encodeSafetensors + atomic write (temp file then rename); creates the folder if needed. */
export async function writeSafetensorsFile(filePath: string, tensors: ReadonlyMap<string, SafetensorsInput>, metadata?: Record<string, string>, dtype: 'F32' | 'F16' | 'BF16' = 'F32'): Promise<void> {
  const bytes = encodeSafetensors(tensors, metadata, dtype);
  await fs.promises.mkdir(path.dirname(filePath), { recursive: true });
  await writeFileAtomic(filePath, bytes);
}

/** Reads a file into one buffer of its own (not from Node's shared pool), in chunks fs.read accepts. */
async function readWholeFile(filePath: string): Promise<Uint8Array> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(filePath, 'r');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') throw new UserError(`Weights file ${filePath} does not exist.`, { where: filePath, hint: 'Check the model folder: it needs a model.safetensors file.' });
    throw new UserError(`Cannot open weights file ${filePath}: ${error instanceof Error ? error.message : String(error)}.`, { where: filePath, hint: 'Check that the file exists and is readable.' });
  }
  try {
    const { size } = await handle.stat();
    if (size > bufferConstants.MAX_LENGTH) {
      throw new UserError(`Weights file ${filePath} is ${size} bytes, more than this Node.js can hold in memory (${bufferConstants.MAX_LENGTH}).`, { where: filePath, hint: 'Use a smaller model.' });
    }
    const buffer = Buffer.allocUnsafeSlow(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(buffer, filled, Math.min(size - filled, 1 << 30), filled);
      if (bytesRead === 0) throw new UserError(`Weights file ${filePath} shrank while it was being read.`, { where: filePath, hint: 'Wait for any download or copy to finish, then try again.' });
      filled += bytesRead;
    }
    return new Uint8Array(buffer.buffer, buffer.byteOffset, size);
  } finally {
    await handle.close();
  }
}

/** The bytes [begin, end) of `bytes`, as a view when its start is aligned to `align`, else as an aligned copy. */
function alignedSlice(bytes: Uint8Array, begin: number, end: number, align: number): { buffer: ArrayBufferLike; byteOffset: number } {
  if ((bytes.byteOffset + begin) % align === 0 && LITTLE_ENDIAN_HOST) return { buffer: bytes.buffer, byteOffset: bytes.byteOffset + begin };
  const copy = bytes.slice(begin, end);
  if (!LITTLE_ENDIAN_HOST) swapBytes(copy, align);
  return { buffer: copy.buffer, byteOffset: 0 };
}

/** Reverses each `size`-byte element in place (little-endian file data on a big-endian host). */
function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i + size <= bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}

function decodeTensor(bytes: Uint8Array, dataStart: number, info: TensorInfo): Float32Array {
  const begin = dataStart + info.begin;
  const end = dataStart + info.end;
  const count = (info.end - info.begin) / DTYPE_SIZE[info.dtype];
  const slice = (align: number): { buffer: ArrayBufferLike; byteOffset: number } => alignedSlice(bytes, begin, end, align);
  switch (info.dtype) {
    case 'F32': {
      const s = slice(4);
      return new Float32Array(s.buffer, s.byteOffset, count);
    }
    case 'F16': {
      const s = slice(2);
      return halfBitsToFloat32(new Uint16Array(s.buffer, s.byteOffset, count));
    }
    case 'BF16': {
      const s = slice(2);
      return bfloat16BitsToFloat32(new Uint16Array(s.buffer, s.byteOffset, count));
    }
    case 'F64': {
      const s = slice(8);
      return Float32Array.from(new Float64Array(s.buffer, s.byteOffset, count));
    }
    case 'I64': {
      const s = slice(8);
      const words = new Uint32Array(s.buffer, s.byteOffset, count * 2);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = (words[2 * i + 1] | 0) * 2 ** 32 + words[2 * i];
      return out;
    }
    case 'I32': {
      const s = slice(4);
      return Float32Array.from(new Int32Array(s.buffer, s.byteOffset, count));
    }
    case 'I16': {
      const s = slice(2);
      return Float32Array.from(new Int16Array(s.buffer, s.byteOffset, count));
    }
    case 'I8':
      return Float32Array.from(new Int8Array(bytes.buffer, bytes.byteOffset + begin, count));
    case 'U8':
      return Float32Array.from(bytes.subarray(begin, end));
    case 'BOOL': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = bytes[begin + i] !== 0 ? 1 : 0;
      return out;
    }
  }
}

function checkShape(name: string, shape: readonly number[], length: number): void {
  let count = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) throw new Error(`tensor "${name}" has an invalid shape [${shape.join(', ')}]`);
    count *= dim;
  }
  if (count !== length) throw new Error(`tensor "${name}" has shape [${shape.join(', ')}] (${count} values) but ${length} values`);
}

function encodeValues(data: Float32Array, dtype: 'F32' | 'F16' | 'BF16'): Uint8Array {
  let encoded: Float32Array | Uint16Array;
  if (dtype === 'F32') encoded = data;
  else if (dtype === 'F16') encoded = float32ToHalfBits(data);
  else encoded = float32ToBfloat16Bits(data);
  const bytes = new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  if (LITTLE_ENDIAN_HOST) return bytes;
  const copy = bytes.slice();
  swapBytes(copy, encoded.BYTES_PER_ELEMENT);
  return copy;
}

/** Orders strings by Unicode code point, which is the byte order of their UTF-8 (as Rust sorts names). */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i].codePointAt(0) as number) - (y[i].codePointAt(0) as number);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

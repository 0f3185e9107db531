// Reads and checks the header of a safetensors file: the 8-byte little-endian length, the JSON
// object of tensor name → {dtype, shape, data_offsets}, optional `__metadata__` (string → string).
// Every malformation is a UserError naming the file; nothing is allocated from an unchecked size.

import { UserError } from '../../userError';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** Bytes per element of each dtype we read. */
export const DTYPE_SIZE: Readonly<Record<SafetensorsDtype, number>> = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** Valid safetensors dtypes we do not read (named in the error so users know the file is fine but unsupported). */
const KNOWN_UNSUPPORTED = new Set(['U16', 'U32', 'U64', 'F8_E5M2', 'F8_E4M3', 'F8_E4M3FN', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2', 'C64']);

/** The reference implementation's cap on the header size (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor's description from the header, offsets relative to the data after the header. */
export interface TensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

export interface ParsedHeader {
  /** Tensors sorted by their begin offset. */
  tensors: TensorInfo[];
  metadata: Record<string, string>;
  /** Offset of the first data byte in the file (8 + header length). */
  dataStart: number;
}

const HINT = 'The file is damaged, truncated or not a safetensors file; download or export it again.';

function invalid(source: string, detail: string, hint: string = HINT): UserError {
  return new UserError(`${source} is not a valid safetensors file: ${detail}.`, { where: source, hint });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDtype(value: string): value is SafetensorsDtype {
  return Object.prototype.hasOwnProperty.call(DTYPE_SIZE, value);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Parses and validates the header of `bytes` (a whole file). Offsets must tile the data exactly. */
export function parseSafetensorsHeader(bytes: Uint8Array, source: string): ParsedHeader {
  if (bytes.length < 8) throw invalid(source, `it is ${bytes.length} bytes long, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerLength = high * 2 ** 32 + low;
  if (high !== 0 || headerLength > MAX_HEADER_BYTES) {
    throw invalid(source, `its header length ${high === 0 ? headerLength : view.getBigUint64(0, true).toString()} is larger than the ${MAX_HEADER_BYTES}-byte limit`);
  }
  if (headerLength < 2) throw invalid(source, `its header length ${headerLength} is too small for a JSON object`);
  if (8 + headerLength > bytes.length) {
    throw invalid(source, `its header length ${headerLength} runs past the end of the file (${bytes.length} bytes)`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    throw invalid(source, 'its header is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid(source, `its header is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isPlainObject(json)) throw invalid(source, 'its header is not a JSON object');

  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> = {};
  const tensors: TensorInfo[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') {
      metadata = readMetadata(value, source);
      continue;
    }
    tensors.push(readTensorInfo(name, value, dataLength, source));
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const tensor of tensors) {
    if (tensor.begin < expected) {
      const other = tensors.find((t) => t !== tensor && t.begin < tensor.end && tensor.begin < t.end);
      throw invalid(source, `the data of tensor "${tensor.name}" (bytes ${tensor.begin}-${tensor.end}) overlaps ${other ? `tensor "${other.name}"` : 'another tensor'}`);
    }
    if (tensor.begin > expected) throw invalid(source, `there is a gap of unused bytes ${expected}-${tensor.begin} before tensor "${tensor.name}"`);
    expected = tensor.end;
  }
  if (expected !== dataLength) {
    throw invalid(source, `the tensors cover ${expected} data bytes but the file holds ${dataLength} after the header`);
  }
  return { tensors, metadata, dataStart };
}

function readMetadata(value: unknown, source: string): Record<string, string> {
  if (!isPlainObject(value)) throw invalid(source, `its "__metadata__" is ${describe(value)}, not an object of strings`);
  const entries: Array<[string, string]> = [];
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw invalid(source, `its "__metadata__" entry "${key}" is ${describe(item)}, not a string`);
    entries.push([key, item]);
  }
  return Object.fromEntries(entries);
}

function readTensorInfo(name: string, value: unknown, dataLength: number, source: string): TensorInfo {
  const where = `tensor "${name}"`;
  if (!isPlainObject(value)) throw invalid(source, `${where} is described by ${describe(value)}, not an object`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string') throw invalid(source, `${where} has dtype ${describe(dtype)}, not a string`);
  if (!isDtype(dtype)) {
    if (KNOWN_UNSUPPORTED.has(dtype)) {
      throw invalid(source, `${where} has dtype ${dtype}, which Fine-Tune cannot read`, 'Convert the model to float32, float16 or bfloat16 weights (for example with the safetensors Python library) and try again.');
    }
    throw invalid(source, `${where} has unknown dtype ${describe(dtype)}`);
  }
  if (!Array.isArray(shape)) throw invalid(source, `${where} has shape ${describe(shape)}, not a list of sizes`);
  const dims: number[] = [];
  for (const dim of shape) {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) throw invalid(source, `${where} has shape ${describe(shape)}: sizes must be whole numbers from 0 to 2^53`);
    dims.push(dim);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2) throw invalid(source, `${where} has data_offsets ${describe(offsets)}, not a [begin, end] pair`);
  const [begin, end] = offsets;
  if (typeof begin !== 'number' || typeof end !== 'number' || !Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end < 0) {
    throw invalid(source, `${where} has data_offsets ${describe(offsets)}: offsets must be whole numbers from 0 to 2^53`);
  }
  if (begin > end) throw invalid(source, `${where} has data_offsets [${begin}, ${end}] whose begin is after its end`);
  if (end > dataLength) throw invalid(source, `${where} ends at data byte ${end}, past the ${dataLength} data bytes in the file`);
  // Multiply step by step, stopping once the count exceeds what the bytes can hold (no overflow).
  const size = DTYPE_SIZE[dtype];
  const available = (end - begin) / size;
  let count = dims.includes(0) ? 0 : 1;
  for (const dim of count === 0 ? [] : dims) {
    count *= dim;
    if (count > available) break;
  }
  if (count * size !== end - begin) {
    throw invalid(source, `${where} has shape [${dims.join(', ')}] of ${dtype}, which does not match its ${end - begin} bytes of data`);
  }
  return { name, dtype, shape: dims, begin, end };
}

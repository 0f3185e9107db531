// safetensors reader and writer: known bytes laid out as the Python library writes them, every dtype
// widened, F16/BF16 rounding against independent computations, alignment and views, files on disk.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers/fixtures';
import { UserError } from '../../../src/engine/userError';
import { encodeSafetensors, parseSafetensors, readSafetensorsFile, writeSafetensorsFile } from '../../../src/engine/models/hf/safetensors';
import { concatBytes, f32Bytes, fileFromHeader, seededRandom } from './safetensorsTestUtil';

const HEADER_TEXT =
  '{"__metadata__":{"format":"pt"},"bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
  '"weight":{"dtype":"F32","shape":[2,2],"data_offsets":[8,24]}}';

/**
 * The exact bytes `safetensors.torch.save_file({"weight": [[0.5, 0.25], [3.0, -0.0]], "bias": [1.0, -2.0]},
 * metadata={"format": "pt"})` writes: u64 length 152 (149 JSON bytes + 3 spaces), compact JSON with
 * `__metadata__` first and tensors by name, then the float32 data little-endian in that order.
 */
const PYTHON_BYTES = concatBytes(
  Uint8Array.from([0x98, 0, 0, 0, 0, 0, 0, 0]),
  new TextEncoder().encode(HEADER_TEXT),
  Uint8Array.from([0x20, 0x20, 0x20]),
  // bias: 1.0, -2.0
  Uint8Array.from([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]),
  // weight: 0.5, 0.25, 3.0, -0.0
  Uint8Array.from([0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x80, 0x3e, 0x00, 0x00, 0x40, 0x40, 0x00, 0x00, 0x00, 0x80]),
);

test('parses a file laid out by the Python safetensors library', () => {
  assert.equal(HEADER_TEXT.length, 149);
  const file = parseSafetensors(PYTHON_BYTES, 'model.safetensors');
  assert.deepEqual(file.metadata, { format: 'pt' });
  assert.deepEqual([...file.tensors.keys()], ['bias', 'weight']);
  const bias = file.tensors.get('bias');
  const weight = file.tensors.get('weight');
  assert.deepEqual(bias?.shape, [2]);
  assert.deepEqual(Array.from(bias?.data ?? []), [1, -2]);
  assert.deepEqual(weight?.shape, [2, 2]);
  assert.deepEqual(Array.from(weight?.data ?? []), [0.5, 0.25, 3, -0]);
  assert.ok(Object.is(weight?.data[3], -0));
  assert.equal(weight?.dtype, 'F32');
});

test('writes F32 byte for byte as the Python safetensors library does', () => {
  const tensors = new Map([
    // Inserted out of order: the writer sorts names.
    ['weight', { shape: [2, 2], data: new Float32Array([0.5, 0.25, 3, -0]) }],
    ['bias', { shape: [2], data: new Float32Array([1, -2]) }],
  ]);
  assert.deepEqual(encodeSafetensors(tensors, { format: 'pt' }), PYTHON_BYTES);
});

test('writes the reference implementation test vectors (no metadata, empty file)', () => {
  // From the safetensors Rust crate's own serialization tests.
  const one = encodeSafetensors(new Map([['attn.0', { shape: [1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) }]]));
  assert.deepEqual(one.subarray(0, 8), Uint8Array.from([64, 0, 0, 0, 0, 0, 0, 0]));
  assert.equal(new TextDecoder().decode(one.subarray(8, 72)), '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}');
  assert.deepEqual(one.subarray(72), f32Bytes([0, 1, 2, 3, 4, 5]));
  const forced = encodeSafetensors(new Map([['attn0', { shape: [1, 1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) }]]));
  assert.equal(new TextDecoder().decode(forced.subarray(8, 80)), '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ');
  assert.deepEqual(encodeSafetensors(new Map()), Uint8Array.from([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]));
  assert.deepEqual(
    encodeSafetensors(new Map(), { framework: 'pt' }),
    Uint8Array.from([40, 0, 0, 0, 0, 0, 0, 0, ...new TextEncoder().encode('{"__metadata__":{"framework":"pt"}}'), 32, 32, 32, 32, 32]),
  );
  assert.equal(parseSafetensors(one, 'x').tensors.size, 1);
});

test('writer: names and metadata keys sorted by code point, header 8-byte aligned, scalars and empty tensors', () => {
  const tensors = new Map([
    ['b', { shape: [], data: new Float32Array([7]) }],
    ['B', { shape: [0, 3], data: new Float32Array(0) }],
    ['a.10', { shape: [1], data: new Float32Array([1]) }],
    ['a.9', { shape: [1], data: new Float32Array([2]) }],
    ['\u{1F600}', { shape: [1], data: new Float32Array([3]) }],
    ['\uFF21', { shape: [1], data: new Float32Array([4]) }],
  ]);
  const bytes = encodeSafetensors(tensors, { z: '1', '2': 'two', a: 'x"y' });
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(headerLength % 8, 0);
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
  assert.ok(text.startsWith('{"__metadata__":{"2":"two","a":"x\\"y","z":"1"},"B":'), text);
  const order = ['"B"', '"a.10"', '"a.9"', '"b"', '"\uFF21"', '"\u{1F600}"'].map((k) => text.indexOf(`${k}:`));
  assert.deepEqual([...order].sort((x, y) => x - y), order);
  assert.ok(order.every((i) => i > 0));
  const file = parseSafetensors(bytes, 'x');
  assert.deepEqual(file.tensors.get('b')?.shape, []);
  assert.deepEqual(Array.from(file.tensors.get('b')?.data ?? []), [7]);
  assert.deepEqual(file.tensors.get('B')?.shape, [0, 3]);
  assert.equal(file.tensors.get('B')?.data.length, 0);
  assert.equal(file.tensors.get('\u{1F600}')?.data[0], 3);
  assert.deepEqual(file.metadata, { '2': 'two', a: 'x"y', z: '1' });
});

test('writer rejects shapes that do not match the data', () => {
  assert.throws(() => encodeSafetensors(new Map([['w', { shape: [2, 2], data: new Float32Array(3) }]])), /shape \[2, 2\]/);
  assert.throws(() => encodeSafetensors(new Map([['w', { shape: [-1], data: new Float32Array(1) }]])), /invalid shape/);
  assert.throws(() => encodeSafetensors(new Map([['__metadata__', { shape: [1], data: new Float32Array(1) }]])), /__metadata__/);
});

test('F32 round trip is exact, including NaN, infinities, -0 and subnormals', () => {
  const rand = seededRandom(3);
  const values = new Float32Array(1000);
  for (let i = 0; i < values.length; i++) values[i] = (rand() - 0.5) * 10 ** Math.floor(rand() * 20 - 10);
  values.set([NaN, Infinity, -Infinity, -0, 1e-45, 3.4028234663852886e38], 0);
  const file = parseSafetensors(encodeSafetensors(new Map([['w', { shape: [10, 100], data: values }]])), 'x');
  const back = file.tensors.get('w')?.data ?? new Float32Array(0);
  assert.equal(back.length, values.length);
  for (let i = 0; i < values.length; i++) assert.ok(Object.is(back[i], values[i]), `index ${i}: ${back[i]} vs ${values[i]}`);
});

/** Half-float bit patterns computed by Python's struct.pack('<e', float32(v)) (IEEE round half to even). */
const PYTHON_HALF: Array<[number, number]> = [
  [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-1.5, 0xbe00], [0.1, 0x2e66], [65504, 0x7bff], [65519, 0x7bff],
  [65520, 0x7c00], [1e5, 0x7c00], [-1e5, 0xfc00], [6.103515625e-5, 0x0400], [5.960464477539063e-8, 0x0001],
  [2.9802322387695312e-8, 0x0000], [2.980232594040899e-8, 0x0001], [1e-8, 0x0000], [1.00048828125, 0x3c00],
  [1.00146484375, 0x3c02], [3.14159, 0x4248], [-2.71828, 0xc170], [0.333333, 0x3555], [1234.5678, 0x64d3],
  [-0.000123, 0x8808],
];

/** Nearest value of a binary float with `mantissaBits` and minimum normal exponent `minExp`, ties to even (independent of the code under test). */
function roundToFormat(v: number, mantissaBits: number, minExp: number, maxFinite: number): number {
  if (Number.isNaN(v) || v === 0 || !Number.isFinite(v)) return v;
  const a = Math.abs(v);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1;
  if (2 ** (e + 1) <= a) e += 1;
  e = Math.max(e, minExp);
  const ulp = 2 ** (e - mantissaBits);
  const q = a / ulp;
  const floor = Math.floor(q);
  const rounded = q - floor > 0.5 || (q - floor === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
  const result = rounded * ulp;
  // Overflow: anything at or above max + ulp/2 of the top binade rounds to infinity.
  return Math.sign(v) * (result > maxFinite ? Infinity : result);
}

const HALF_MAX = 65504;
const BF16_MAX = (2 - 2 ** -7) * 2 ** 127;

function randomValues(seed: number, n: number, minPow: number, maxPow: number): Float32Array {
  const rand = seededRandom(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() < 0.5 ? -1 : 1) * rand() * 2 ** (minPow + rand() * (maxPow - minPow));
  return out;
}

test('F16 written and read back equals Python\'s half rounding and an independent round-half-even formula', () => {
  const table = new Float32Array(PYTHON_HALF.map(([v]) => v));
  const bytes = encodeSafetensors(new Map([['h', { shape: [table.length], data: table }]]), undefined, 'F16');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))))) as Record<string, { dtype: string }>;
  assert.equal(header.h.dtype, 'F16');
  const dataStart = bytes.length - table.length * 2;
  const view = new DataView(bytes.buffer, dataStart);
  PYTHON_HALF.forEach(([v, bits], i) => assert.equal(view.getUint16(i * 2, true), bits, `half bits of ${v}`));

  const values = concatFloat(randomValues(5, 4000, -26, 17), table, new Float32Array([NaN, Infinity, -Infinity, 65519.99, 65520]));
  const file = parseSafetensors(encodeSafetensors(new Map([['w', { shape: [values.length], data: values }]]), undefined, 'F16'), 'x');
  const back = file.tensors.get('w')?.data ?? new Float32Array(0);
  assert.equal(file.tensors.get('w')?.dtype, 'F16');
  for (let i = 0; i < values.length; i++) {
    const expected = roundToFormat(values[i], 10, -14, HALF_MAX);
    assert.ok(Object.is(back[i], expected), `F16 of ${values[i]}: got ${back[i]}, expected ${expected}`);
    if (Number.isFinite(expected) && Math.abs(values[i]) >= 2 ** -14) assert.ok(Math.abs(back[i] - values[i]) <= Math.abs(values[i]) * 2 ** -11);
  }
});

test('BF16 written and read back equals an independent round-half-even formula', () => {
  const values = concatFloat(randomValues(9, 4000, -140, 127), new Float32Array([0, -0, 1, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.3895313892515355e38, 3.4028234663852886e38, NaN, -Infinity, 1e-40]));
  const file = parseSafetensors(encodeSafetensors(new Map([['w', { shape: [values.length], data: values }]]), undefined, 'BF16'), 'x');
  const back = file.tensors.get('w')?.data ?? new Float32Array(0);
  for (let i = 0; i < values.length; i++) {
    const expected = roundToFormat(values[i], 7, -126, BF16_MAX);
    assert.ok(Object.is(back[i], expected), `BF16 of ${values[i]}: got ${back[i]}, expected ${expected}`);
  }
  assert.equal(back[values.length - 7], 1);
  assert.equal(back[values.length - 6], 1 + 2 ** -6);
});

function concatFloat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

test('reads every integer and float dtype, widened to float32, as Python orders them by alignment', () => {
  const data = new Uint8Array(8 * 2 + 8 * 2 + 4 * 2 + 2 * 2 + 2 * 2 + 2 * 2 + 3 + 2 + 3);
  const view = new DataView(data.buffer);
  let at = 0;
  view.setBigInt64(at, -5000000000n, true); view.setBigInt64(at + 8, 7n, true); at += 16; // I64
  view.setFloat64(at, 0.1, true); view.setFloat64(at + 8, -1e300, true); at += 16; // F64
  view.setInt32(at, -2147483648, true); view.setInt32(at + 4, 123456789, true); at += 8; // I32
  view.setUint16(at, 0x3f80, true); view.setUint16(at + 2, 0xc049, true); at += 4; // BF16: 1, -3.140625
  view.setUint16(at, 0x3555, true); view.setUint16(at + 2, 0x0001, true); at += 4; // F16: 0.333..., 2^-24
  view.setInt16(at, -32768, true); view.setInt16(at + 2, 300, true); at += 4; // I16
  view.setInt8(at, -128); view.setInt8(at + 1, 127); view.setInt8(at + 2, -1); at += 3; // I8
  view.setUint8(at, 255); view.setUint8(at + 1, 0); at += 2; // U8
  view.setUint8(at, 1); view.setUint8(at + 1, 0); view.setUint8(at + 2, 1); at += 3; // BOOL
  assert.equal(at, data.length);
  const header = {
    i64: { dtype: 'I64', shape: [2], data_offsets: [0, 16] },
    f64: { dtype: 'F64', shape: [2, 1], data_offsets: [16, 32] },
    i32: { dtype: 'I32', shape: [2], data_offsets: [32, 40] },
    bf16: { dtype: 'BF16', shape: [2], data_offsets: [40, 44] },
    f16: { dtype: 'F16', shape: [2], data_offsets: [44, 48] },
    i16: { dtype: 'I16', shape: [2], data_offsets: [48, 52] },
    i8: { dtype: 'I8', shape: [3], data_offsets: [52, 55] },
    u8: { dtype: 'U8', shape: [2], data_offsets: [55, 57] },
    mask: { dtype: 'BOOL', shape: [1, 3], data_offsets: [57, 60] },
  };
  const file = parseSafetensors(fileFromHeader(header, data), 'x');
  const get = (name: string): number[] => Array.from(file.tensors.get(name)?.data ?? []);
  assert.deepEqual(get('i64'), [-5000000000, 7].map(Math.fround));
  assert.deepEqual(get('f64'), [0.1, -Infinity].map(Math.fround));
  assert.deepEqual(file.tensors.get('f64')?.shape, [2, 1]);
  assert.deepEqual(get('i32'), [-2147483648, 123456789].map(Math.fround));
  assert.deepEqual(get('bf16'), [1, -3.140625]);
  assert.deepEqual(get('f16'), [0.333251953125, 2 ** -24]);
  assert.deepEqual(get('i16'), [-32768, 300]);
  assert.deepEqual(get('i8'), [-128, 127, -1]);
  assert.deepEqual(get('u8'), [255, 0]);
  assert.deepEqual(get('mask'), [1, 0, 1]);
  assert.equal(file.tensors.get('mask')?.dtype, 'BOOL');
});

test('F32 data is a view of the file bytes when aligned, and still correct from an unaligned buffer', () => {
  const bytes = encodeSafetensors(new Map([['w', { shape: [3], data: new Float32Array([1.5, -2, 3]) }]]));
  const aligned = parseSafetensors(bytes, 'x').tensors.get('w')?.data;
  assert.equal(aligned?.buffer, bytes.buffer);
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  const unaligned = parseSafetensors(shifted.subarray(1), 'x').tensors.get('w')?.data;
  assert.notEqual(unaligned?.buffer, shifted.buffer);
  assert.deepEqual(Array.from(unaligned ?? []), [1.5, -2, 3]);
  // F16 data at an odd offset in the file (legal when a 1-byte tensor comes first).
  const oddHeader = { a: { dtype: 'U8', shape: [1], data_offsets: [0, 1] }, b: { dtype: 'F16', shape: [2], data_offsets: [1, 5] } };
  const odd = parseSafetensors(fileFromHeader(oddHeader, Uint8Array.from([9, 0x00, 0x3c, 0x00, 0xc0])), 'x');
  assert.deepEqual(Array.from(odd.tensors.get('b')?.data ?? []), [1, -2]);
  assert.deepEqual(Array.from(odd.tensors.get('a')?.data ?? []), [9]);
});

test('files on disk: atomic write, read back, folder created, missing file is a UserError', async (t) => {
  const dir = tempDir('finetune-st-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const target = path.join(dir, 'out', 'model.safetensors');
  const tensors = new Map([['embeddings.word_embeddings.weight', { shape: [4, 3], data: Float32Array.from({ length: 12 }, (_, i) => i / 7) }]]);
  await writeSafetensorsFile(target, tensors, { format: 'pt' });
  assert.deepEqual(fs.readdirSync(path.dirname(target)), ['model.safetensors']);
  const file = await readSafetensorsFile(target);
  assert.deepEqual(Array.from(file.tensors.get('embeddings.word_embeddings.weight')?.data ?? []), Array.from(tensors.get('embeddings.word_embeddings.weight')?.data ?? []));
  assert.deepEqual(file.metadata, { format: 'pt' });
  await writeSafetensorsFile(target, tensors, undefined, 'BF16');
  assert.equal((await readSafetensorsFile(target)).tensors.get('embeddings.word_embeddings.weight')?.dtype, 'BF16');
  await assert.rejects(readSafetensorsFile(path.join(dir, 'nope.safetensors')), (error: unknown) => error instanceof UserError && /does not exist/.test(error.message));
  fs.writeFileSync(path.join(dir, 'bad.safetensors'), Uint8Array.from([1, 2, 3]));
  await assert.rejects(readSafetensorsFile(path.join(dir, 'bad.safetensors')), (error: unknown) => error instanceof UserError && error.where === path.join(dir, 'bad.safetensors'));
});

// Robustness of the safetensors reader: each kind of malformed file gives a UserError that names the
// file and says what is wrong, and a seeded random mutation fuzzer finds no other outcome.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../../src/engine/userError';
import { encodeSafetensors, parseSafetensors, type SafetensorsFile } from '../../../src/engine/models/hf/safetensors';
import { concatBytes, f32Bytes, fileFromHeader, fileFromHeaderText, seededRandom, u64le } from './safetensorsTestUtil';

const SOURCE = '/models/bert/model.safetensors';

function expectUserError(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => parseSafetensors(bytes, SOURCE),
    (error: unknown) => {
      assert.ok(error instanceof UserError, `expected a UserError, got ${String(error)}`);
      assert.match(error.message, pattern);
      assert.ok(error.message.includes(SOURCE), error.message);
      assert.equal(error.where, SOURCE);
      assert.ok(error.hint && error.hint.length > 0);
      return true;
    },
  );
}

const w = (dtype: string, shape: unknown, offsets: unknown): Record<string, unknown> => ({ dtype, shape, data_offsets: offsets });

test('header length problems: too short, past the end, absurd (2^60, over the 100 MB cap), too small', () => {
  expectUserError(new Uint8Array(0), /shorter than the 8-byte header length/);
  expectUserError(Uint8Array.from([1, 2, 3, 4, 5]), /5 bytes long/);
  expectUserError(concatBytes(u64le(1000), new TextEncoder().encode('{}')), /header length 1000 runs past the end of the file \(10 bytes\)/);
  expectUserError(concatBytes(u64le(2n ** 60n), new TextEncoder().encode('{}')), /header length 1152921504606846976 is larger than the 100000000-byte limit/);
  expectUserError(concatBytes(u64le(2n ** 64n - 1n), new TextEncoder().encode('{}')), /18446744073709551615 is larger/);
  expectUserError(concatBytes(u64le(100_000_001), new TextEncoder().encode('{}')), /100000001 is larger than the 100000000-byte limit/);
  expectUserError(concatBytes(u64le(0), new TextEncoder().encode('{}')), /header length 0 is too small/);
});

test('header text problems: invalid UTF-8, invalid JSON, not an object', () => {
  expectUserError(concatBytes(u64le(4), Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d])), /not valid UTF-8/);
  expectUserError(fileFromHeaderText('{"w": {"dtype": "F32",'), /not valid JSON/);
  expectUserError(fileFromHeaderText('{"w": 1} trailing'), /not valid JSON/);
  expectUserError(fileFromHeaderText('[1, 2]'), /not a JSON object/);
  expectUserError(fileFromHeaderText('null'), /not a JSON object/);
  expectUserError(fileFromHeaderText('"text"'), /not a JSON object/);
});

test('offsets out of range, overlapping, with gaps, reversed, or leaving bytes uncovered', () => {
  const data = f32Bytes([1, 2, 3, 4]);
  expectUserError(fileFromHeader({ w: w('F32', [5], [0, 20]) }, data), /tensor "w" ends at data byte 20, past the 16 data bytes/);
  expectUserError(fileFromHeader({ a: w('F32', [3], [0, 12]), b: w('F32', [2], [8, 16]) }, data), /tensor "b" \(bytes 8-16\) overlaps tensor "a"/);
  expectUserError(fileFromHeader({ a: w('F32', [2], [0, 8]), b: w('F32', [1], [12, 16]) }, data), /gap of unused bytes 8-12 before tensor "b"/);
  expectUserError(fileFromHeader({ a: w('F32', [1], [4, 8]), b: w('F32', [2], [8, 16]) }, data), /gap of unused bytes 0-4 before tensor "a"/);
  expectUserError(fileFromHeader({ w: w('F32', [1], [12, 8]) }, data), /data_offsets \[12, 8\] whose begin is after its end/);
  expectUserError(fileFromHeader({ w: w('F32', [3], [0, 12]) }, data), /cover 12 data bytes but the file holds 16/);
  expectUserError(fileFromHeader({ w: w('F32', [4], [0, 16]) }, concatBytes(data, new Uint8Array(3))), /cover 16 data bytes but the file holds 19/);
  expectUserError(fileFromHeader({}, data), /cover 0 data bytes but the file holds 16/);
  expectUserError(fileFromHeader({ w: w('F32', [4], [0, 16, 20]) }, data), /not a \[begin, end\] pair/);
  expectUserError(fileFromHeader({ w: w('F32', [4], 'x') }, data), /not a \[begin, end\] pair/);
  expectUserError(fileFromHeader({ w: w('F32', [4], [-4, 12]) }, data), /offsets must be whole numbers/);
  expectUserError(fileFromHeader({ w: w('F32', [4], [0, 16.5]) }, data), /offsets must be whole numbers/);
  expectUserError(fileFromHeader({ w: w('F32', [4], [0, '16']) }, data), /offsets must be whole numbers/);
  expectUserError(fileFromHeaderText('{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,1e300]}}', data), /offsets must be whole numbers/);
});

test('dtype and shape problems: unknown or unsupported dtype, shape not matching bytes, bad dims', () => {
  const data = f32Bytes([1, 2, 3, 4]);
  expectUserError(fileFromHeader({ w: w('F17', [4], [0, 16]) }, data), /tensor "w" has unknown dtype "F17"/);
  expectUserError(fileFromHeader({ w: w('f32', [4], [0, 16]) }, data), /unknown dtype "f32"/);
  expectUserError(fileFromHeader({ w: { dtype: 4, shape: [4], data_offsets: [0, 16] } }, data), /has dtype 4, not a string/);
  expectUserError(fileFromHeader({ w: { shape: [4], data_offsets: [0, 16] } }, data), /has dtype undefined/);
  expectUserError(fileFromHeader({ w: w('U32', [4], [0, 16]) }, data), /dtype U32, which Fine-Tune cannot read/);
  expectUserError(fileFromHeader({ w: w('F32', [3], [0, 16]) }, data), /shape \[3\] of F32, which does not match its 16 bytes/);
  expectUserError(fileFromHeader({ w: w('F16', [4], [0, 16]) }, data), /shape \[4\] of F16, which does not match its 16 bytes/);
  expectUserError(fileFromHeader({ w: w('F32', [2, 3], [0, 16]) }, data), /does not match/);
  expectUserError(fileFromHeader({ w: w('F32', [-4], [0, 16]) }, data), /sizes must be whole numbers/);
  expectUserError(fileFromHeader({ w: w('F32', [-2, -2], [0, 16]) }, data), /sizes must be whole numbers/);
  expectUserError(fileFromHeader({ w: w('F32', [2.5, 1.6], [0, 16]) }, data), /sizes must be whole numbers/);
  expectUserError(fileFromHeader({ w: w('F32', ['4'], [0, 16]) }, data), /sizes must be whole numbers/);
  expectUserError(fileFromHeader({ w: w('F32', [null], [0, 16]) }, data), /sizes must be whole numbers/);
  expectUserError(fileFromHeader({ w: w('F32', 4, [0, 16]) }, data), /shape 4, not a list of sizes/);
  expectUserError(fileFromHeaderText('{"w":{"dtype":"F32","shape":[1e300],"data_offsets":[0,16]}}', data), /sizes must be whole numbers/);
  // Products that overflow 64-bit integers must not wrap around to the right count.
  expectUserError(fileFromHeader({ w: w('F32', [2 ** 31, 2 ** 31, 2 ** 31, 4], [0, 16]) }, data), /does not match/);
  expectUserError(fileFromHeader({ w: w('U8', [2 ** 52, 2 ** 52, 2 ** 52, 2 ** 52], [0, 16]) }, data), /does not match/);
  expectUserError(fileFromHeader({ w: null }, data), /tensor "w" is described by null, not an object/);
  expectUserError(fileFromHeader({ w: 'F32' }, data), /is described by "F32", not an object/);
  expectUserError(fileFromHeader({ w: [] }, data), /is described by \[\], not an object/);
});

test('a huge dim times zero is a valid empty tensor', () => {
  const file = parseSafetensors(fileFromHeader({ w: w('F32', [2 ** 52, 0], [0, 0]) }), SOURCE);
  assert.deepEqual(file.tensors.get('w')?.shape, [2 ** 52, 0]);
  assert.equal(file.tensors.get('w')?.data.length, 0);
});

test('metadata that is not string to string', () => {
  const data = f32Bytes([1]);
  const t = { w: w('F32', [1], [0, 4]) };
  expectUserError(fileFromHeader({ __metadata__: { format: 1 }, ...t }, data), /"__metadata__" entry "format" is 1, not a string/);
  expectUserError(fileFromHeader({ __metadata__: { a: 'x', nested: { b: 'c' } }, ...t }, data), /entry "nested" is \{"b":"c"\}, not a string/);
  expectUserError(fileFromHeader({ __metadata__: { a: null }, ...t }, data), /entry "a" is null/);
  expectUserError(fileFromHeader({ __metadata__: ['pt'], ...t }, data), /"__metadata__" is \["pt"\], not an object of strings/);
  expectUserError(fileFromHeader({ __metadata__: 'pt', ...t }, data), /"__metadata__" is "pt"/);
  // Keys that are special in JavaScript objects stay plain data.
  const file = parseSafetensors(fileFromHeaderText('{"__metadata__":{"__proto__":"x","constructor":"y"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', data), SOURCE);
  assert.equal(Object.getPrototypeOf(file.metadata), Object.prototype);
  assert.deepEqual(Object.entries(file.metadata), [['__proto__', 'x'], ['constructor', 'y']]);
});

/** A valid file with several dtypes, metadata, a scalar, an empty tensor and odd offsets. */
function seedFile(): Uint8Array {
  const data = new Uint8Array(16 + 12 + 4 + 6 + 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + 11) & 0xff;
  return fileFromHeader(
    {
      __metadata__: { format: 'pt', note: 'seed' },
      'encoder.layer.0.w': w('F32', [2, 2], [0, 16]),
      'encoder.layer.0.b': w('F32', [3], [16, 28]),
      scalar: w('I32', [], [28, 32]),
      empty: w('F32', [0, 4], [32, 32]),
      half: w('F16', [3], [32, 38]),
      ids: w('U8', [3], [38, 41]),
    },
    data,
  );
}

/** Invariants every successfully parsed file must satisfy. */
function checkParsed(file: SafetensorsFile): void {
  for (const [name, entry] of file.tensors) {
    const count = entry.shape.reduce((a, b) => a * b, 1);
    assert.equal(entry.data.length, count, `tensor ${name}`);
    assert.ok(entry.data instanceof Float32Array);
  }
  for (const value of Object.values(file.metadata)) assert.equal(typeof value, 'string');
}

const JSON_TOKENS = ['-1', '0', '1e309', '1.5', '9007199254740993', 'null', 'true', '"x"', '"F16"', '"BF16"', '"I64"', '[', ']', '{', '}', ',', ':', '[]', '{}', '"', '\\', '\u0000', '"__metadata__"', '[0,0]', '[1,2,3]'];

/** One random change to a valid file: bytes, length, structure of the JSON, or the header length. */
function mutate(base: Uint8Array, rand: () => number): Uint8Array {
  const pick = (n: number): number => Math.floor(rand() * n);
  const headerLength = Number(new DataView(base.buffer, base.byteOffset).getBigUint64(0, true));
  const headerText = new TextDecoder().decode(base.subarray(8, 8 + headerLength));
  const data = base.subarray(8 + headerLength);
  const bytes = base.slice();
  switch (pick(9)) {
    case 0: // flip 1-4 random bits anywhere
      for (let k = 1 + pick(4); k > 0; k--) bytes[pick(bytes.length)] ^= 1 << pick(8);
      return bytes;
    case 1: // random byte in the header
      bytes[8 + pick(headerLength)] = pick(256);
      return bytes;
    case 2: // truncate
      return bytes.subarray(0, pick(bytes.length));
    case 3: // append random bytes
      return concatBytes(bytes, Uint8Array.from({ length: 1 + pick(16) }, () => pick(256)));
    case 4: { // random header length
      const choices = [0n, 1n, BigInt(pick(300)), BigInt(headerLength + pick(9) - 4), 2n ** BigInt(pick(64)), 2n ** 64n - 1n];
      return concatBytes(u64le(choices[pick(choices.length)]), bytes.subarray(8));
    }
    case 5: { // splice a JSON token into the header text, header length fixed up
      const at = pick(headerText.length);
      const cut = pick(4);
      const text = headerText.slice(0, at) + JSON_TOKENS[pick(JSON_TOKENS.length)] + headerText.slice(at + cut);
      return fileFromHeaderText(text, data, rand() < 0.7);
    }
    case 6: { // replace a number of the header by another number
      const numbers = [...headerText.matchAll(/\d+/g)];
      const m = numbers[pick(numbers.length)];
      const replacement = ['0', '1', '2', '3', '4', '7', '8', '16', '41', '40', '-1', '1.5', '65536', '4294967296', '18446744073709551616'][pick(15)];
      const text = headerText.slice(0, m.index) + replacement + headerText.slice((m.index ?? 0) + m[0].length);
      return fileFromHeaderText(text, data);
    }
    case 7: { // structured: set one field of one entry to a random JSON value
      const header = JSON.parse(headerText) as Record<string, Record<string, unknown>>;
      const names = Object.keys(header);
      const entry = header[names[pick(names.length)]];
      const fields = [...Object.keys(entry), 'extra'];
      const values: unknown[] = [null, -1, 0, 2.5, 'F32', 'BF16', 'I64', 'BOOL', [], [1], [2, 2], [0, 0], [0, 41], [3, 2], {}, 'x', 2 ** 53, -0];
      entry[fields[pick(fields.length)]] = values[pick(values.length)];
      return fileFromHeader(header, data);
    }
    default: { // delete or duplicate a slice of bytes
      const at = pick(bytes.length);
      const len = 1 + pick(12);
      return rand() < 0.5 ? concatBytes(bytes.subarray(0, at), bytes.subarray(at + len)) : concatBytes(bytes.subarray(0, at + len), bytes.subarray(at));
    }
  }
}

/** A phrase from each distinct check of the reader, to see how many the fuzzer reaches. */
const ERROR_KINDS = [
  'shorter than the 8-byte', 'larger than the', 'runs past the end', 'too small for a JSON', 'not valid UTF-8', 'not valid JSON',
  'not a JSON object', 'past the', 'overlaps', 'gap of unused', 'begin is after', 'the tensors cover', 'unknown dtype', 'cannot read',
  'not a string', 'does not match', 'sizes must', 'not a list of sizes', 'offsets must', 'not a [begin, end] pair', 'not an object of strings', 'not an object',
];

test('seeded mutation fuzzer: 4000 mutations each parse or give a UserError, nothing else', () => {
  const base = seedFile();
  checkParsed(parseSafetensors(base, SOURCE));
  const rand = seededRandom(20240611);
  let parsed = 0;
  let rejected = 0;
  const kinds = new Map<string, number>();
  for (let i = 0; i < 4000; i++) {
    const bytes = mutate(base, rand);
    // Start some inputs at odd offsets so the unaligned paths are fuzzed too.
    const input = i % 3 === 0 ? concatBytes(Uint8Array.from([0]), bytes).subarray(1) : bytes;
    let file: SafetensorsFile;
    try {
      file = parseSafetensors(input, SOURCE);
    } catch (error) {
      if (!(error instanceof UserError)) assert.fail(`mutation ${i} threw ${String(error)} (${error instanceof Error ? error.stack : ''})`);
      assert.equal(error.where, SOURCE);
      const kind = ERROR_KINDS.find((k) => error.message.includes(k));
      assert.ok(kind, `mutation ${i}: unclassified message ${error.message}`);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      rejected += 1;
      continue;
    }
    checkParsed(file);
    parsed += 1;
  }
  // The fuzzer reaches both outcomes and many different checks.
  assert.ok(parsed > 50, `parsed ${parsed}`);
  assert.ok(rejected > 2000, `rejected ${rejected}`);
  assert.ok(kinds.size >= 14, JSON.stringify([...kinds]));
});

test('the fuzzer seed file round-trips through the writer as F32', () => {
  const file = parseSafetensors(seedFile(), SOURCE);
  const again = parseSafetensors(encodeSafetensors(file.tensors, file.metadata), SOURCE);
  assert.deepEqual([...again.tensors.keys()].sort(), [...file.tensors.keys()].sort());
  for (const [name, entry] of file.tensors) {
    assert.deepEqual(Array.from(again.tensors.get(name)?.data ?? []), Array.from(entry.data), name);
    assert.deepEqual(again.tensors.get(name)?.shape, entry.shape);
  }
  assert.deepEqual(again.metadata, file.metadata);
});

// The hand-written protobuf writer and the ONNX message encoding: known bytes from the protobuf
// encoding spec, a tiny independent reader that decodes a whole ModelProto back, and
// onnxruntime accepting and running a hand-built graph.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtoWriter } from '../../../src/engine/onnx/protobufWriter';
import { encodeModel, ONNX_IR_VERSION, ONNX_OPSET, OnnxDataType, type OnnxGraph } from '../../../src/engine/onnx/onnxProto';
import { requireOnnxRuntime } from '../../../src/engine/onnx/onnxRuntimeLoader';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

test('varints, floats, strings and nested messages give the bytes of the protobuf spec', () => {
  // The spec's example: field 1 = 150 → 08 96 01.
  assert.equal(hex(new ProtoWriter().varint(1, 150).finish()), '089601');
  // A string field 2 = "testing" → 12 07 74 65 73 74 69 6e 67.
  assert.equal(hex(new ProtoWriter().string(2, 'testing').finish()), '120774657374696e67');
  // Nested message field 3 holding field 1 = 150 → 1a 03 08 96 01.
  assert.equal(hex(new ProtoWriter().message(3, new ProtoWriter().varint(1, 150)).finish()), '1a03089601');
  // int64 -1 is ten bytes of two's complement.
  assert.equal(hex(new ProtoWriter().varint(1, -1).finish()), '08ffffffffffffffffff01');
  // float 1.0 as fixed32 little-endian under wire type 5: tag 0x15 for field 2.
  assert.equal(hex(new ProtoWriter().float(2, 1).finish()), '150000803f');
  // A large field number needs a multi-byte tag: field 20, varint → a0 01.
  assert.equal(hex(new ProtoWriter().varint(20, 2).finish()), 'a00102');
  assert.throws(() => new ProtoWriter().varint(1, 2 ** 60), /safe integer/);
});

test('large byte fields are referenced until finish and nested without loss', () => {
  const big = new Uint8Array(100_000).map((_, i) => i % 251);
  const inner = new ProtoWriter().bytes(9, big);
  const bytes = new ProtoWriter().varint(1, 7).message(5, inner).finish();
  const fields = readFields(bytes);
  assert.equal(fields[0].value, 7n);
  const nested = readFields(fields[1].value as Uint8Array);
  assert.deepEqual(nested[0].value, big);
});

// ---- a tiny protobuf reader, written independently of the writer ----

interface Field {
  field: number;
  wire: number;
  value: bigint | Uint8Array | number;
}

function readFields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = bytes[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < bytes.length) {
    const key = Number(varint());
    const field = key >> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      out.push({ field, wire, value: bytes.slice(pos, pos + len) });
      pos += len;
    } else if (wire === 5) {
      out.push({ field, wire, value: new DataView(bytes.buffer, bytes.byteOffset + pos, 4).getFloat32(0, true) });
      pos += 4;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return out;
}

const text = (v: Field['value']): string => new TextDecoder().decode(v as Uint8Array);
const all = (fields: Field[], n: number): Field[] => fields.filter((f) => f.field === n);
const one = (fields: Field[], n: number): Field => {
  const found = all(fields, n);
  assert.equal(found.length, 1, `field ${n} once`);
  return found[0];
};

const GRAPH: OnnxGraph = {
  name: 'tiny',
  nodes: [
    { opType: 'Add', inputs: ['x', 'w'], outputs: ['sum'], name: 'add' },
    { opType: 'Clip', inputs: ['sum', 'lo', 'hi'], outputs: ['y'], name: 'clip' },
    { opType: 'Transpose', inputs: ['y'], outputs: ['yt'], name: 'transpose', attributes: [{ name: 'perm', ints: [1, 0] }] },
  ],
  initializers: [
    { name: 'w', dims: [3], data: Float32Array.of(1, -2, 0.5) },
    { name: 'lo', dims: [], data: Float32Array.of(-1) },
    { name: 'hi', dims: [], data: Float32Array.of(2) },
  ],
  inputs: [{ name: 'x', elemType: OnnxDataType.FLOAT, shape: ['batch', 3] }],
  outputs: [{ name: 'yt', elemType: OnnxDataType.FLOAT, shape: [3, 'batch'] }],
};

test('a ModelProto decodes back to its graph, opset, initializers and dynamic batch dimension', () => {
  const model = readFields(encodeModel(GRAPH));
  assert.equal(one(model, 1).value, BigInt(ONNX_IR_VERSION));
  const opset = readFields(one(model, 8).value as Uint8Array);
  assert.equal(text(one(opset, 1).value), '');
  assert.equal(one(opset, 2).value, BigInt(ONNX_OPSET));
  const graph = readFields(one(model, 7).value as Uint8Array);
  assert.equal(text(one(graph, 2).value), 'tiny');
  const nodes = all(graph, 1).map((f) => readFields(f.value as Uint8Array));
  assert.deepEqual(nodes.map((n) => text(one(n, 4).value)), ['Add', 'Clip', 'Transpose']);
  assert.deepEqual(all(nodes[1], 1).map((f) => text(f.value)), ['sum', 'lo', 'hi']);
  const perm = readFields(one(nodes[2], 5).value as Uint8Array);
  assert.equal(text(one(perm, 1).value), 'perm');
  assert.deepEqual(all(perm, 8).map((f) => f.value), [1n, 0n]);
  assert.equal(one(perm, 20).value, 7n); // INTS
  const w = readFields(all(graph, 5)[0].value as Uint8Array);
  assert.deepEqual(all(w, 1).map((f) => f.value), [3n]);
  assert.equal(one(w, 2).value, 1n); // FLOAT
  assert.equal(text(one(w, 8).value), 'w');
  const raw = one(w, 9).value as Uint8Array;
  assert.deepEqual(Array.from(new Float32Array(raw.slice().buffer)), [1, -2, 0.5]);
  const input = readFields(one(graph, 11).value as Uint8Array);
  assert.equal(text(one(input, 1).value), 'x');
  const tensorType = readFields(one(readFields(one(input, 2).value as Uint8Array), 1).value as Uint8Array);
  assert.equal(one(tensorType, 1).value, 1n);
  const dims = all(readFields(one(tensorType, 2).value as Uint8Array), 1).map((f) => readFields(f.value as Uint8Array)[0]);
  assert.equal(dims[0].field, 2); // dim_param
  assert.equal(text(dims[0].value), 'batch');
  assert.equal(dims[1].field, 1); // dim_value
  assert.equal(dims[1].value, 3n);
});

test('onnxruntime accepts the encoded model and computes it', async () => {
  const ort = requireOnnxRuntime();
  const session = await ort.InferenceSession.create(encodeModel(GRAPH), { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  try {
    const x = new ort.Tensor('float32', Float32Array.of(0, 0, 0, 1, 1, 1), [2, 3]);
    const out = (await session.run({ x }))['yt'];
    assert.deepEqual(out.dims, [3, 2]);
    // x + w clipped to [-1, 2], transposed.
    assert.deepEqual(Array.from(out.data as Float32Array), [1, 2, -1, -1, 0.5, 1.5]);
  } finally {
    await session.release();
  }
});

// The subset of the ONNX protobuf schema (onnx/onnx.proto, proto2) this project writes, as plain
// TypeScript values, and their encoding with the hand-written wire-format writer.
// Field numbers are those of onnx.proto; tensors carry their values as little-endian raw_data.

import { ProtoWriter } from './protobufWriter';

/** IR version 8 (ONNX 1.10+) with the default-domain opset 17: both supported by onnxruntime 1.22. */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;

/** TensorProto.DataType values used here. */
export const OnnxDataType = { FLOAT: 1, INT32: 6, INT64: 7 } as const;
export type OnnxDataTypeCode = (typeof OnnxDataType)[keyof typeof OnnxDataType];

/** AttributeProto.AttributeType values used here. */
const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** A constant tensor (an initializer or a tensor attribute). */
export interface OnnxTensor {
  name: string;
  dims: readonly number[];
  data: Float32Array | Int32Array | BigInt64Array;
}

/** An attribute value: its kind is told by the field set. */
export type OnnxAttribute =
  | { name: string; f: number }
  | { name: string; i: number }
  | { name: string; s: string }
  | { name: string; t: OnnxTensor }
  | { name: string; floats: readonly number[] }
  | { name: string; ints: readonly number[] }
  | { name: string; strings: readonly string[] };

export interface OnnxNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attributes?: readonly OnnxAttribute[];
}

/** One dimension: a fixed size or a symbolic name (a dynamic batch dimension). */
export type OnnxDim = number | string;

export interface OnnxValueInfo {
  name: string;
  elemType: OnnxDataTypeCode;
  shape: readonly OnnxDim[];
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

export function dataTypeOf(data: OnnxTensor['data']): OnnxDataTypeCode {
  if (data instanceof Float32Array) return OnnxDataType.FLOAT;
  if (data instanceof Int32Array) return OnnxDataType.INT32;
  return OnnxDataType.INT64;
}

/** The values' bytes in little-endian order (every platform Node runs on is little-endian; checked). */
function rawBytes(data: OnnxTensor['data']): Uint8Array {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('ONNX export needs a little-endian machine.');
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function encodeTensor(tensor: OnnxTensor): ProtoWriter {
  const size = tensor.dims.reduce((a, b) => a * b, 1);
  if (size !== tensor.data.length) {
    throw new Error(`ONNX tensor ${tensor.name}: dims [${tensor.dims.join(', ')}] hold ${size} values, the data has ${tensor.data.length}.`);
  }
  const w = new ProtoWriter();
  for (const d of tensor.dims) w.varint(1, d);
  w.varint(2, dataTypeOf(tensor.data));
  w.string(8, tensor.name);
  w.bytes(9, rawBytes(tensor.data));
  return w;
}

function encodeAttribute(attr: OnnxAttribute): ProtoWriter {
  const w = new ProtoWriter().string(1, attr.name);
  if ('f' in attr) w.float(2, attr.f).varint(20, AttributeType.FLOAT);
  else if ('i' in attr) w.varint(3, attr.i).varint(20, AttributeType.INT);
  else if ('s' in attr) w.string(4, attr.s).varint(20, AttributeType.STRING);
  else if ('t' in attr) w.message(5, encodeTensor(attr.t)).varint(20, AttributeType.TENSOR);
  else if ('floats' in attr) {
    for (const v of attr.floats) w.float(7, v);
    w.varint(20, AttributeType.FLOATS);
  } else if ('ints' in attr) {
    for (const v of attr.ints) w.varint(8, v);
    w.varint(20, AttributeType.INTS);
  } else {
    for (const v of attr.strings) w.string(9, v);
    w.varint(20, AttributeType.STRINGS);
  }
  return w;
}

function encodeNode(node: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  if (node.name !== undefined) w.string(3, node.name);
  w.string(4, node.opType);
  for (const attr of node.attributes ?? []) w.message(5, encodeAttribute(attr));
  return w;
}

function encodeValueInfo(info: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of info.shape) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.varint(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().varint(1, info.elemType).message(2, shape);
  const type = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, info.name).message(2, type);
}

function encodeGraph(graph: OnnxGraph): ProtoWriter {
  const w = new ProtoWriter();
  for (const node of graph.nodes) w.message(1, encodeNode(node));
  w.string(2, graph.name);
  for (const t of graph.initializers) w.message(5, encodeTensor(t));
  for (const v of graph.inputs) w.message(11, encodeValueInfo(v));
  for (const v of graph.outputs) w.message(12, encodeValueInfo(v));
  return w;
}

/** A ModelProto holding the graph, IR version 8, default-domain opset 17. */
export function encodeModel(graph: OnnxGraph, producer = 'finetune'): Uint8Array {
  const opset = new ProtoWriter().string(1, '').varint(2, ONNX_OPSET);
  return new ProtoWriter()
    .varint(1, ONNX_IR_VERSION)
    .string(2, producer)
    .string(3, '1')
    .message(7, encodeGraph(graph))
    .message(8, opset)
    .finish();
}

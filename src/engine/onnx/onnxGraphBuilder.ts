// Collects the nodes and initializers of an ONNX graph while a Layers model is converted, with
// unique value names and the layout of every 4-D value: tfjs holds images as NHWC, ONNX's Conv
// wants NCHW, so a value is kept in whichever layout its producer made and transposed only where
// a consumer needs the other one (once per value; the transposed copy is remembered).

import type { OnnxAttribute, OnnxGraph, OnnxNode, OnnxTensor, OnnxValueInfo } from './onnxProto';

/** 'nhwc' and 'nchw' apply to rank-4 values; 'plain' is every other value (and NHWC's meaning for rank 4 in tfjs). */
export type Layout = 'plain' | 'nchw';

/** A value of the graph as the converter sees it: its ONNX name, the tfjs shape and its layout. */
export interface GraphValue {
  name: string;
  /** The shape in tfjs terms (channels last), batch as null. */
  shape: ReadonlyArray<number | null>;
  /** 'nchw': a rank-4 value stored channels-first; 'plain': stored as tfjs holds it. */
  layout: Layout;
}

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly used = new Set<string>();
  private readonly transposed = new Map<string, GraphValue>();

  /** A name not used yet, derived from `base` (ONNX names are free-form; kept readable). */
  uniqueName(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node; returns its output names (fresh, derived from `outputBase`). */
  node(opType: string, inputs: readonly string[], outputBase: string, attributes: OnnxAttribute[] = [], outputCount = 1): string[] {
    const outputs = Array.from({ length: outputCount }, (_, i) => this.uniqueName(outputCount === 1 ? outputBase : `${outputBase}_${i}`));
    this.nodes.push({ opType, inputs, outputs, name: this.uniqueName(`${outputBase}/${opType}`), attributes });
    return outputs;
  }

  /** One-output node. */
  op(opType: string, inputs: readonly string[], outputBase: string, attributes: OnnxAttribute[] = []): string {
    return this.node(opType, inputs, outputBase, attributes)[0];
  }

  /** A constant tensor as an initializer; returns its name. */
  constant(base: string, dims: readonly number[], data: OnnxTensor['data']): string {
    const name = this.uniqueName(base);
    this.initializers.push({ name, dims: [...dims], data });
    return name;
  }

  /** An int64 vector constant (shapes, axes, pads). */
  int64s(base: string, values: readonly number[]): string {
    return this.constant(base, [values.length], BigInt64Array.from(values.map((v) => BigInt(v))));
  }

  /** A float scalar constant. */
  scalar(base: string, value: number): string {
    return this.constant(base, [], Float32Array.of(value));
  }

  /** The value in NCHW layout (rank 4 only); transposes once and remembers the result. */
  asNchw(value: GraphValue): GraphValue {
    if (value.shape.length !== 4) throw new Error(`asNchw on a rank-${value.shape.length} value ${value.name}`);
    if (value.layout === 'nchw') return value;
    const known = this.transposed.get(value.name);
    if (known !== undefined) return known;
    const out: GraphValue = { name: this.op('Transpose', [value.name], `${value.name}_nchw`, [{ name: 'perm', ints: TO_NCHW }]), shape: value.shape, layout: 'nchw' };
    this.transposed.set(value.name, out);
    return out;
  }

  /** The value as tfjs holds it (NHWC for rank 4); transposes once and remembers the result. */
  asPlain(value: GraphValue): GraphValue {
    if (value.layout === 'plain') return value;
    const known = this.transposed.get(value.name);
    if (known !== undefined) return known;
    const out: GraphValue = { name: this.op('Transpose', [value.name], `${value.name}_nhwc`, [{ name: 'perm', ints: TO_NHWC }]), shape: value.shape, layout: 'plain' };
    this.transposed.set(value.name, out);
    return out;
  }

  graph(name: string, inputs: OnnxValueInfo[], outputs: OnnxValueInfo[]): OnnxGraph {
    return { name, nodes: this.nodes, initializers: this.initializers, inputs, outputs };
  }
}

/** Axis `axis` (negative counts from the end) of a tfjs-layout value, in the value's stored layout. */
export function storedAxis(value: GraphValue, axis: number): number {
  const rank = value.shape.length;
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} out of range for rank ${rank}`);
  return value.layout === 'nchw' ? [0, 2, 3, 1][a] : a;
}

// Exports a (frozen) tfjs functional LayersModel to an ONNX model, layer by layer, in inference
// mode (dropout is the identity), with the weights as initializers. Any layer or setting without
// an exact translation refuses the whole export with a reason naming the layer and its class:
// a wrong graph is never produced. One input (float32 or int32, a dynamic batch dimension) and
// one float32 output.

import * as tf from '@tensorflow/tfjs';
import { CONV_CONVERTERS } from './convLayers';
import { CORE_CONVERTERS } from './coreLayers';
import { type LayerConverter, UnsupportedLayerError } from './converterTypes';
import { HF_CONVERTERS } from './hfLayers';
import { type GraphValue, OnnxGraphBuilder } from './onnxGraphBuilder';
import { encodeModel, OnnxDataType, type OnnxDim } from './onnxProto';
import { RECURRENT_CONVERTERS } from './recurrentLayers';

/** The exported model and what running it needs. */
export interface OnnxExport {
  /** The serialized ModelProto. */
  bytes: Uint8Array;
  inputName: string;
  outputName: string;
  /** The dtype the input must have. */
  inputDtype: 'float32' | 'int32';
  /** Layers converted (InputLayer included). */
  layerCount: number;
}

export type OnnxExportResult = { ok: true; onnx: OnnxExport } | { ok: false; reason: string };

/** Classes that a frozen part must not contain: they are the trained additions of a technique. */
const TRAINED_CLASSES: ReadonlyMap<string, string> = new Map([
  ['LoraDense', 'a LoRA layer (trained, not frozen)'],
  ['BottleneckAdapter', 'an adapter layer (trained, not frozen)'],
]);

const CONVERTERS: ReadonlyMap<string, LayerConverter> = new Map([...CORE_CONVERTERS, ...CONV_CONVERTERS, ...RECURRENT_CONVERTERS, ...HF_CONVERTERS]);

/** Class names the exporter translates (some settings of them may still be refused). */
export function exportableClasses(): string[] {
  return ['InputLayer', ...CONVERTERS.keys()];
}

type Json = Record<string, unknown>;

function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface NodeRef {
  layer: string;
  node: number;
  tensor: number;
}

function refOf(v: unknown): NodeRef {
  if (!Array.isArray(v) || typeof v[0] !== 'string' || typeof v[1] !== 'number' || typeof v[2] !== 'number') {
    throw new Error(`unexpected tensor reference ${JSON.stringify(v)} in the model topology`);
  }
  return { layer: v[0], node: v[1], tensor: v[2] };
}

const keyOf = (r: NodeRef): string => `${r.layer}:${r.node}:${r.tensor}`;

interface PendingNode {
  layer: tf.layers.Layer;
  node: number;
  inputs: NodeRef[];
}

/** The applications of every layer, in the order the topology lists them. */
function topologyNodes(model: tf.LayersModel): { nodes: PendingNode[]; inputs: NodeRef[]; outputs: NodeRef[] } {
  const topology: unknown = model.toJSON(null, false);
  const config = isJson(topology) ? topology['config'] : undefined;
  if (!isJson(config) || !Array.isArray(config['layers'])) throw new Error('only functional models (tf.model) are exported');
  const nodes: PendingNode[] = [];
  for (const entry of config['layers']) {
    if (!isJson(entry) || typeof entry['name'] !== 'string' || !Array.isArray(entry['inbound_nodes'])) throw new Error('unexpected layer entry in the model topology');
    const layer = model.getLayer(entry['name']);
    if (entry['class_name'] === 'InputLayer') continue;
    entry['inbound_nodes'].forEach((inbound, node) => {
      if (!Array.isArray(inbound)) throw new Error(`unexpected inbound node of layer '${layer.name}'`);
      nodes.push({ layer, node, inputs: inbound.map(refOf) });
    });
  }
  const refs = (key: string): NodeRef[] => (Array.isArray(config[key]) ? (config[key] as unknown[]).map(refOf) : []);
  return { nodes, inputs: refs('input_layers'), outputs: refs('output_layers') };
}

function dims(shape: ReadonlyArray<number | null>, prefix: string): OnnxDim[] {
  return shape.map((d, i) => (d === null ? (i === 0 ? 'batch' : `${prefix}_d${i}`) : d));
}

/** The ONNX export of `model`, or the reason it cannot be exported. */
export function exportLayersModelToOnnx(model: tf.LayersModel): OnnxExportResult {
  try {
    return { ok: true, onnx: buildExport(model) };
  } catch (err) {
    if (err instanceof UnsupportedLayerError) return { ok: false, reason: err.message };
    return { ok: false, reason: `the export failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function buildExport(model: tf.LayersModel): OnnxExport {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(`the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; one of each is exported`);
  }
  const { nodes, inputs, outputs } = topologyNodes(model);
  if (inputs.length !== 1 || outputs.length !== 1) throw new Error('the topology does not name one input and one output');
  const b = new OnnxGraphBuilder();
  const inputDtype = model.inputs[0].dtype === 'int32' ? 'int32' : 'float32';
  if (model.inputs[0].dtype !== 'int32' && model.inputs[0].dtype !== 'float32') throw new Error(`input dtype ${model.inputs[0].dtype} is not exported`);
  const inputName = b.uniqueName('input');
  const inputShape = [...model.inputs[0].shape];
  const values = new Map<string, GraphValue>([[keyOf(inputs[0]), { name: inputName, shape: inputShape, layout: 'plain' }]]);
  let pending = nodes;
  while (pending.length > 0) {
    const waiting: PendingNode[] = [];
    for (const n of pending) {
      const ins = n.inputs.map((r) => values.get(keyOf(r)));
      if (ins.some((v) => v === undefined)) {
        waiting.push(n);
        continue;
      }
      values.set(`${n.layer.name}:${n.node}:0`, convertNode(b, n.layer, ins as GraphValue[]));
    }
    if (waiting.length === pending.length) throw new Error(`layers ${waiting.map((n) => `'${n.layer.name}'`).join(', ')} are not reachable from the input`);
    pending = waiting;
  }
  const result = values.get(keyOf(outputs[0]));
  if (result === undefined) throw new Error(`the output '${keyOf(outputs[0])}' was not computed`);
  const plain = b.asPlain(result);
  const outputName = plain.name;
  const graph = b.graph(
    model.name,
    [{ name: inputName, elemType: inputDtype === 'int32' ? OnnxDataType.INT32 : OnnxDataType.FLOAT, shape: dims(inputShape, 'input') }],
    [{ name: outputName, elemType: OnnxDataType.FLOAT, shape: dims(plain.shape, 'output') }],
  );
  return { bytes: encodeModel(graph), inputName, outputName, inputDtype, layerCount: nodes.length + 1 };
}

function convertNode(b: OnnxGraphBuilder, layer: tf.layers.Layer, inputs: GraphValue[]): GraphValue {
  const className = layer.getClassName();
  const trained = TRAINED_CLASSES.get(className);
  if (trained !== undefined) throw new UnsupportedLayerError(layer.name, className, `${trained} is not exported`);
  const converter = CONVERTERS.get(className);
  if (converter === undefined) throw new UnsupportedLayerError(layer.name, className, 'no ONNX converter for this class');
  const shapes = inputs.map((v) => [...v.shape]);
  const computed = layer.computeOutputShape(shapes.length === 1 ? shapes[0] : shapes);
  if (Array.isArray(computed[0])) throw new UnsupportedLayerError(layer.name, className, 'layers with several outputs are not exported');
  return converter({ b, layer, inputs, outputShape: [...(computed as Array<number | null>)] });
}

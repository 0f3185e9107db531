// A typed, editable view of a functional model's JSON as tfjs-layers 4.22 writes it with
// `model.toJSON(null, false)` (Python-style snake_case keys):
//   {class_name: 'Model', config: {name, layers: [{name, class_name, config,
//     inbound_nodes: [[[inboundLayer, nodeIndex, tensorIndex, kwargs], …], …]}, …],
//     input_layers: [[name, nodeIndex, tensorIndex], …], output_layers: […]},
//    keras_version, backend}
// A Sequential model ({class_name: 'Sequential', config: {name, layers: [{class_name, config}]}})
// is read as the equivalent functional chain, with an input layer named '<first>_input' as
// tf.Sequential itself names it.

import * as tf from '@tensorflow/tfjs';

type ConfigDict = tf.serialization.ConfigDict;
type ConfigDictValue = tf.serialization.ConfigDictValue;

/** One tensor of one node of a layer: [layer, nodeIndex, tensorIndex]. */
export interface TensorRef {
  layer: string;
  nodeIndex: number;
  tensorIndex: number;
}

/** One input of a layer call: a tensor plus the call's kwargs (usually {}). */
export interface NodeInput extends TensorRef {
  kwargs: ConfigDict;
}

export interface LayerJson {
  name: string;
  className: string;
  /** The layer's config, snake_case keys (e.g. use_bias, lora_rank). */
  config: ConfigDict;
  /** One entry per call of the layer inside the model; each lists that call's inputs. */
  inboundNodes: NodeInput[][];
}

export interface FunctionalModelJson {
  name: string;
  layers: LayerJson[];
  inputLayers: TensorRef[];
  outputLayers: TensorRef[];
  /** Top-level keys besides class_name and config (keras_version, backend), kept as they were. */
  extra: ConfigDict;
}

export function isConfigDict(value: unknown): value is ConfigDict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(what: string): never {
  throw new Error(`Unexpected model JSON: ${what}.`);
}

function readString(dict: ConfigDict, key: string, where: string): string {
  const value = dict[key];
  return typeof value === 'string' ? value : fail(`${where}.${key} is not a string`);
}

function readArray(dict: ConfigDict, key: string, where: string): ConfigDictValue[] {
  const value = dict[key];
  return Array.isArray(value) ? value : fail(`${where}.${key} is not an array`);
}

function readTensorRef(value: ConfigDictValue, where: string): TensorRef {
  if (!Array.isArray(value) || value.length < 3) fail(`${where} is not [layer, node, tensor]`);
  const [layer, nodeIndex, tensorIndex] = value;
  if (typeof layer !== 'string' || typeof nodeIndex !== 'number' || typeof tensorIndex !== 'number') {
    fail(`${where} is not [layer, node, tensor]`);
  }
  return { layer, nodeIndex, tensorIndex };
}

function readNodeInput(value: ConfigDictValue, where: string): NodeInput {
  const ref = readTensorRef(value, where);
  const kwargs = Array.isArray(value) ? value[3] : undefined;
  return { ...ref, kwargs: isConfigDict(kwargs) ? kwargs : {} };
}

function readLayer(value: ConfigDictValue, index: number): LayerJson {
  const where = `layers[${index}]`;
  if (!isConfigDict(value)) fail(`${where} is not an object`);
  const config = value['config'];
  if (!isConfigDict(config)) fail(`${where}.config is not an object`);
  const nodes = readArray(value, 'inbound_nodes', where).map((node, n) => {
    if (!Array.isArray(node)) fail(`${where}.inbound_nodes[${n}] is not a list`);
    return node.map((input, i) => readNodeInput(input, `${where}.inbound_nodes[${n}][${i}]`));
  });
  return { name: readString(value, 'name', where), className: readString(value, 'class_name', where), config, inboundNodes: nodes };
}

function sequentialToFunctional(config: ConfigDictValue): Omit<FunctionalModelJson, 'extra'> {
  const layerValues = Array.isArray(config) ? config : isConfigDict(config) ? readArray(config, 'layers', 'config') : fail('Sequential config');
  const name = isConfigDict(config) && typeof config['name'] === 'string' ? config['name'] : 'sequential';
  const layers: LayerJson[] = [];
  let previous: string | null = null;
  layerValues.forEach((value, index) => {
    if (!isConfigDict(value) || !isConfigDict(value['config'])) fail(`layers[${index}] is not {class_name, config}`);
    const layerConfig = value['config'];
    const layerName = readString(layerConfig, 'name', `layers[${index}].config`);
    const className = readString(value, 'class_name', `layers[${index}]`);
    if (previous === null && className !== 'InputLayer') {
      const batchShape = layerConfig['batch_input_shape'];
      if (!Array.isArray(batchShape)) fail(`the first layer of Sequential '${name}' has no batch_input_shape`);
      const inputName = `${layerName}_input`;
      const dtype = typeof layerConfig['dtype'] === 'string' ? layerConfig['dtype'] : 'float32';
      layers.push({
        name: inputName,
        className: 'InputLayer',
        config: { batch_input_shape: batchShape, dtype, sparse: false, name: inputName },
        inboundNodes: [],
      });
      previous = inputName;
    }
    const inboundNodes: NodeInput[][] =
      previous === null ? [] : [[{ layer: previous, nodeIndex: 0, tensorIndex: 0, kwargs: {} }]];
    layers.push({ name: layerName, className, config: layerConfig, inboundNodes });
    previous = layerName;
  });
  const first = layers[0];
  if (first === undefined || previous === null) fail(`Sequential '${name}' has no layers`);
  return {
    name,
    layers,
    inputLayers: [{ layer: first.name, nodeIndex: 0, tensorIndex: 0 }],
    outputLayers: [{ layer: previous, nodeIndex: 0, tensorIndex: 0 }],
  };
}

/** The model's JSON as an editable structure (a deep copy: edits do not touch the model). */
export function readModelJson(model: tf.LayersModel): FunctionalModelJson {
  const raw: unknown = JSON.parse(JSON.stringify(model.toJSON(null, false)));
  if (!isConfigDict(raw)) fail('top level is not an object');
  const { class_name: className, config, ...extra } = raw;
  if (className === 'Sequential') {
    return { ...sequentialToFunctional(config ?? null), extra };
  }
  if (className !== 'Model' && className !== 'Functional') fail(`class_name '${String(className)}' is not a functional model`);
  if (!isConfigDict(config)) fail('config is not an object');
  return {
    name: readString(config, 'name', 'config'),
    layers: readArray(config, 'layers', 'config').map(readLayer),
    inputLayers: readArray(config, 'input_layers', 'config').map((v, i) => readTensorRef(v, `input_layers[${i}]`)),
    outputLayers: readArray(config, 'output_layers', 'config').map((v, i) => readTensorRef(v, `output_layers[${i}]`)),
    extra,
  };
}

function tensorRefJson(ref: TensorRef): ConfigDictValue {
  return [ref.layer, ref.nodeIndex, ref.tensorIndex];
}

/** Back to the JSON `tf.models.modelFromJSON` reads. */
export function writeModelJson(json: FunctionalModelJson): ConfigDict {
  return {
    ...json.extra,
    class_name: 'Model',
    config: {
      name: json.name,
      layers: json.layers.map((layer) => ({
        name: layer.name,
        class_name: layer.className,
        config: layer.config,
        inbound_nodes: layer.inboundNodes.map((node) =>
          node.map((input) => [input.layer, input.nodeIndex, input.tensorIndex, input.kwargs]),
        ),
      })),
      input_layers: json.inputLayers.map(tensorRefJson),
      output_layers: json.outputLayers.map(tensorRefJson),
    },
  };
}

/** A new model from edited JSON; every layer gets fresh, initialized weights. */
export async function buildModelFromJson(json: FunctionalModelJson): Promise<tf.LayersModel> {
  return tf.models.modelFromJSON(writeModelJson(json));
}

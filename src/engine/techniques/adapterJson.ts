// Inserts a BottleneckAdapter after layers of a model's JSON: the adapter '<name>_adapter' takes
// the layer's output ([[name, 0, 0, {}]]), and every layer that consumed that output (and the
// model's output list, when the layer is an output) consumes the adapter's output instead.

import type { AdapterConfig } from '../../protocol/configTypes';
import { UserError } from '../userError';
import { BottleneckAdapter } from './adapterLayer';
import type { FunctionalModelJson, TensorRef } from './modelJson';
import { layerSeed } from './techniqueSeeds';

/** The name of the adapter inserted after a layer. */
export function adapterName(layerName: string): string {
  return `${layerName}_adapter`;
}

/** Throws a UserError unless size and activation are usable. */
export function validateAdapterConfig(adapter: AdapterConfig): void {
  if (!Number.isInteger(adapter.size) || adapter.size < 1) {
    throw new UserError(`Adapter size must be a positive integer, got ${adapter.size}.`, { where: 'adapter.size', hint: 'Typical values: 8 to 64.' });
  }
  if (!['relu', 'gelu', 'tanh'].includes(adapter.activation)) {
    throw new UserError(`Adapter activation must be relu, gelu or tanh, got ${String(adapter.activation)}.`, { where: 'adapter.activation' });
  }
}

function rewire(ref: TensorRef, from: string, to: string): void {
  if (ref.layer !== from) return;
  ref.layer = to;
  ref.nodeIndex = 0;
  ref.tensorIndex = 0;
}

/** Inserts one adapter after each named layer (already resolved and checked); returns the adapters' names. */
export function insertAdaptersInJson(
  json: FunctionalModelJson,
  after: readonly string[],
  adapter: AdapterConfig,
  runSeed: number,
): string[] {
  validateAdapterConfig(adapter);
  return after.map((target, index) => {
    const name = adapterName(target);
    if (json.layers.some((l) => l.name === name)) {
      throw new UserError(`Cannot insert adapter '${name}': the model already has a layer of that name.`, { where: 'adapter.after' });
    }
    for (const layer of json.layers) layer.inboundNodes.forEach((node) => node.forEach((ref) => rewire(ref, target, name)));
    json.outputLayers.forEach((ref) => rewire(ref, target, name));
    const position = json.layers.findIndex((l) => l.name === target);
    if (position < 0) throw new Error(`Adapter: no layer '${target}' in the model JSON.`);
    json.layers.splice(position + 1, 0, {
      name,
      className: BottleneckAdapter.className,
      config: { name, trainable: true, size: adapter.size, activation: adapter.activation, seed: layerSeed(runSeed, index) },
      inboundNodes: [[{ layer: target, nodeIndex: 0, tensorIndex: 0, kwargs: {} }]],
    });
    return name;
  });
}

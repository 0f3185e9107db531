// The weights of our MobileNetV2 backbone (see mobileNetGraph.ts) from the packaged Keras weights:
// BatchNormalization folded into the convolution before it, 1×1 kernels reshaped for Dense.
//   BN(conv(x)) = γ·(conv(x) − μ)/√(σ² + ε) + β = conv_{W·s}(x) + (β − μ·s),  s = γ/√(σ² + ε)
// per output channel (a depthwise kernel [kh, kw, c, m] has output channel c·m + j).

import * as tf from '@tensorflow/tfjs';
import type { BackbonePlan } from './mobileNetGraph';

function weight(decoded: tf.NamedTensorMap, name: string): tf.Tensor {
  const t = decoded[name];
  if (t === undefined) throw new Error(`MobileNetV2 weights: '${name}' is missing from the packaged weights.`);
  return t;
}

function epsilonOf(plan: BackbonePlan, bnName: string, original: ReadonlyMap<string, tf.serialization.ConfigDict>): number {
  const eps = original.get(bnName)?.['epsilon'];
  if (typeof eps !== 'number') throw new Error(`MobileNetV2 graph: BatchNormalization '${bnName}' has no epsilon (cut ${plan.cutLayer}).`);
  return eps;
}

/**
 * Weights in each layer's order (Dense: kernel, bias; Conv2D: kernel, bias; DepthwiseConv2D:
 * depthwise_kernel, bias) for every layer of the plan that has weights. `bnConfigs`: the
 * original BatchNormalization configs by name (for epsilon). The caller disposes the tensors.
 */
export function backboneWeights(
  plan: BackbonePlan,
  decoded: tf.NamedTensorMap,
  bnConfigs: ReadonlyMap<string, tf.serialization.ConfigDict>,
): Map<string, tf.Tensor[]> {
  const out = new Map<string, tf.Tensor[]>();
  for (const layer of plan.json.layers) {
    const isDepthwise = layer.className === 'DepthwiseConv2D';
    if (layer.className !== 'Conv2D' && layer.className !== 'Dense' && !isDepthwise) continue;
    const kernelName = `${layer.name}/${isDepthwise ? 'depthwise_kernel' : 'kernel'}`;
    const bnName = plan.folded.get(layer.name);
    const tensors = tf.tidy(() => {
      let kernel = tf.clone(weight(decoded, kernelName));
      const shape: number[] = [...kernel.shape];
      const outChannels = isDepthwise ? shape[2] * shape[3] : shape[shape.length - 1];
      let bias: tf.Tensor = tf.zeros([outChannels]);
      if (bnName !== undefined) {
        const gamma = weight(decoded, `${bnName}/gamma`);
        const beta = weight(decoded, `${bnName}/beta`);
        const mean = weight(decoded, `${bnName}/moving_mean`);
        const variance = weight(decoded, `${bnName}/moving_variance`);
        const scale = tf.div(gamma, tf.sqrt(tf.add(variance, epsilonOf(plan, bnName, bnConfigs))));
        kernel = isDepthwise
          ? tf.reshape(tf.mul(tf.reshape(kernel, [shape[0], shape[1], outChannels]), scale), shape)
          : tf.mul(kernel, scale);
        bias = tf.sub(beta, tf.mul(mean, scale));
      }
      if (layer.className === 'Dense') kernel = tf.reshape(kernel, [shape[2], shape[3]]);
      return layer.config['use_bias'] === false ? [kernel] : [kernel, bias];
    });
    out.set(layer.name, tensors);
  }
  return out;
}

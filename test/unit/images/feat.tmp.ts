import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { writeFileSync } from 'node:fs';
import { loadMobileNetBase } from '../../../src/engine/models/mobileNetBase';
import { loadDataset } from '../../../src/engine/data/loadDataset';
import { encodeExamples } from '../../../src/engine/models/encodeExamples';
async function main(): Promise<void> {
  await tf.setBackend('wasm');
  const data = await loadDataset(process.argv[2]);
  const b = await loadMobileNetBase({ imageSize: 96, cutLayer: 'block_13_expand_relu' });
  const o = b.base.getLayer('block_13_expand_relu').output as tf.SymbolicTensor;
  const gap = tf.layers.globalAveragePooling2d({}).apply(o) as tf.SymbolicTensor;
  const gmp = tf.layers.globalMaxPooling2d({}).apply(o) as tf.SymbolicTensor;
  const grid = tf.layers.flatten().apply(tf.layers.averagePooling2d({ poolSize: 3, strides: 3 }).apply(o)) as tf.SymbolicTensor;
  const m = tf.model({ inputs: b.base.inputs, outputs: [gap, gmp, grid] });
  const parts: Float32Array[][] = [[], [], []];
  for (let i = 0; i < data.examples.length; i += 64) {
    const x = await encodeExamples(b.encoder, data.examples.slice(i, i + 64));
    const ys = m.predict(x) as tf.Tensor[];
    ys.forEach((y, k) => parts[k].push(y.dataSync() as Float32Array));
    tf.dispose([x, ...ys]);
  }
  writeFileSync(process.argv[3] + '.json', JSON.stringify({ labels: data.examples.map((e) => e.label) }));
  ['gap', 'gmp', 'grid'].forEach((name, k) => writeFileSync(`${process.argv[3]}.${name}.bin`, Buffer.concat(parts[k].map((a) => Buffer.from(a.buffer)))));
}
void main();

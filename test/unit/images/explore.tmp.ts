import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadMobileNetBase } from '../../../src/engine/models/mobileNetBase';
import { loadDataset } from '../../../src/engine/data/loadDataset';
import { encodeExamples } from '../../../src/engine/models/encodeExamples';

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  const size = Number(process.argv[2]);
  const cuts = process.argv[3].split(',');
  const data = await loadDataset(process.argv[4] ?? '/tmp/h4/fm150');
  const classes = [...new Set(data.examples.map((e) => e.label))].sort();
  const byClass = new Map<string, typeof data.examples>();
  for (const e of data.examples) byClass.set(e.label, [...(byClass.get(e.label) ?? []), e]);
  const train = [...byClass.values()].flatMap((g) => g.slice(0, Math.floor(g.length * 0.8)));
  const test = [...byClass.values()].flatMap((g) => g.slice(Math.floor(g.length * 0.8)));
  const b = await loadMobileNetBase({ imageSize: size, cutLayer: 'out_relu' });
  const grid = Number(process.env.GRID ?? 1);
  const outs = cuts.map((c) => {
    const o = b.base.getLayer(c).output as tf.SymbolicTensor;
    if (grid === 1) return tf.layers.globalAveragePooling2d({}).apply(o) as tf.SymbolicTensor;
    const side = o.shape[1] as number; const k = Math.floor(side / grid);
    return tf.layers.flatten().apply(tf.layers.averagePooling2d({ poolSize: k, strides: k }).apply(o)) as tf.SymbolicTensor;
  });
  const m = tf.model({ inputs: b.base.inputs, outputs: outs });
  const feats = async (ex: typeof train): Promise<tf.Tensor2D[]> => {
    const parts: tf.Tensor2D[][] = cuts.map(() => []);
    for (let i = 0; i < ex.length; i += 16) {
      const x = await encodeExamples(b.encoder, ex.slice(i, i + 16));
      const y = m.predict(x);
      (Array.isArray(y) ? y : [y]).forEach((t, k) => parts[k].push(t as tf.Tensor2D));
      x.dispose();
    }
    return parts.map((p) => tf.concat(p));
  };
  const t0 = Date.now();
  const ftr = await feats(train);
  const fte = await feats(test);
  console.log(`size ${size}: features in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const ytr = tf.oneHot(train.map((e) => classes.indexOf(e.label)), classes.length).toFloat();
  for (let k = 0; k < cuts.length; k++) {
   for (const std of [false]) {
    if (std) { const { mean, variance } = tf.moments(ftr[k], 0); const sd = tf.sqrt(tf.add(variance, 1e-6)); ftr[k] = tf.div(tf.sub(ftr[k], mean), sd); fte[k] = tf.div(tf.sub(fte[k], mean), sd); }
    for (const [lr, epochs] of [[3e-3, 60], [1e-3, 200]]) {
      const head = tf.sequential({ layers: [tf.layers.dense({ inputShape: [ftr[k].shape[1]], units: classes.length, activation: 'softmax' })] });
      head.compile({ optimizer: tf.train.adam(lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      await head.fit(ftr[k], ytr, { epochs, batchSize: 32, verbose: 0, shuffle: true });
      const pred = (head.predict(fte[k]) as tf.Tensor).argMax(-1).arraySync() as number[];
      const acc = pred.filter((p, i) => classes[p] === test[i].label).length / test.length;
      console.log(`  ${cuts[k]} [${ftr[k].shape[1]}] std ${std} lr ${lr} epochs ${epochs}: test acc ${acc.toFixed(3)}`);
    }
   }
  }
}
void main();

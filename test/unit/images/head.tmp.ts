import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
async function main(): Promise<void> {
  await tf.setBackend('wasm');
  const base = process.argv[2];
  const { labels } = JSON.parse(readFileSync(base + '.json', 'utf8')) as { labels: string[] };
  const classes = [...new Set(labels)].sort();
  const n = labels.length;
  const load = (name: string): tf.Tensor2D => { const b = readFileSync(`${base}.${name}.bin`); const a = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); return tf.tensor2d(a, [n, a.length / n]); };
  const kinds: Record<string, tf.Tensor2D> = { gap: load('gap'), grid: load('grid') };
  kinds['gap+gmp'] = tf.concat([kinds.gap, load('gmp')], 1);
  // stratified split 80/10/10 by position within class (deterministic)
  const idx: Record<string, number[]> = { train: [], val: [], test: [] };
  const seen = new Map<string, number>();
  const per = n / classes.length;
  labels.forEach((l, i) => { const k = seen.get(l) ?? 0; seen.set(l, k + 1); const f = ((k * 7919) % per) / per; (f < 0.1 ? idx.test : f < 0.2 ? idx.val : idx.train).push(i); });
  const y = tf.oneHot(labels.map((l) => classes.indexOf(l)), classes.length).toFloat();
  const sel = (t: tf.Tensor, which: string): tf.Tensor => tf.gather(t, idx[which]);
  for (const kind of (process.argv[3] ?? 'gap,gap+gmp,grid').split(',')) {
    for (const [lr, epochs, patience] of [[3e-3, 30, 2], [3e-3, 60, 100], [1e-3, 100, 100]] as const) {
      const x = kinds[kind];
      const head = tf.sequential({ layers: [tf.layers.dense({ inputShape: [x.shape[1]], units: classes.length, activation: 'softmax' })] });
      head.compile({ optimizer: tf.train.adam(lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const h = await head.fit(sel(x, 'train'), sel(y, 'train'), { epochs, batchSize: 32, verbose: 0, shuffle: true, validationData: [sel(x, 'val'), sel(y, 'val')], callbacks: tf.callbacks.earlyStopping({ monitor: 'val_loss', patience }) });
      const ev = head.evaluate(sel(x, 'test'), sel(y, 'test')) as tf.Scalar[];
      console.log(`${kind} lr ${lr} epochs ${h.epoch.length}/${epochs}: test loss ${ev[0].dataSync()[0].toFixed(3)} acc ${ev[1].dataSync()[0].toFixed(3)}`);
    }
  }
}
void main();

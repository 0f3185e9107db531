// CPU time of one HfSelfAttention forward + backward (tf.grads over q, k, v), stock ops vs the
// fused-attention op, after installing the fast paths as a run does, over a few shapes
// [batch, seq, heads, d, attention dropout]; the two settings alternate, best of two rounds.
// node --import tsx bench/fusedAttentionMicro.ts wasm|cpu [small]
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installFastPaths } from '../src/engine/backends/fastPaths/installFastPaths';
import { registerSegmentSumKernels } from '../src/engine/backends/unsortedSegmentSum';
import { HfSelfAttention } from '../src/engine/models/hf/hfSelfAttention';
import { enableFusedAttention, disableFusedAttention } from '../src/engine/backends/fastPaths/fusedSelfAttention';

async function main() {
  const backend = process.argv[2] ?? 'wasm';
  await tf.setBackend(backend); registerSegmentSumKernels();
  installFastPaths(backend, () => undefined);
  const shapes = process.argv[3] === "small" ? [[8, 16, 2, 8, 0], [8, 32, 4, 16, 0], [8, 32, 4, 32, 0], [8, 48, 4, 32, 0], [8, 64, 4, 32, 0]] : [[8, 64, 4, 32, 0], [8, 128, 4, 64, 0.1], [8, 128, 4, 64, 0], [32, 64, 4, 32, 0], [8, 16, 2, 8, 0]];
  for (const [B, S, H, d, rate] of shapes) {
    const layer = new HfSelfAttention({ numHeads: H, padTokenId: 0, attentionDropout: rate });
    const q = tf.randomNormal([B, S, H * d]); const k = tf.randomNormal([B, S, H * d]); const v = tf.randomNormal([B, S, H * d]);
    const ids = tf.ones([B, S], 'int32');
    const step = () => tf.tidy(() => { const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(layer.apply([a, b, c, ids], { training: true, seed: 1 }) as tf.Tensor)))([q, k, v]); g.forEach((x) => x.dataSync()); });
    const time = (n: number) => { for (let i = 0; i < 2; i++) step(); const t0 = process.cpuUsage(); for (let i = 0; i < n; i++) step(); const u = process.cpuUsage(t0); return (u.user + u.system) / 1000 / n; };
    const n = B * S * S * d > 3e6 ? 5 : 20;
    const res: number[] = [];
    for (let r = 0; r < 2; r++) { disableFusedAttention(); res.push(time(n)); enableFusedAttention(); res.push(time(n)); }
    console.log(`${backend} [${B},${S},${H}x${d}] drop ${rate}: stock ${Math.min(res[0], res[2]).toFixed(2)} ms, fused ${Math.min(res[1], res[3]).toFixed(2)} ms (cpu ms per fwd+bwd)`);
  }
}
main();

// Times the fused attention kernels alone (no tfjs): forward and backward of one BERT-mini
// layer's attention ([8, 128, 4×64]) and the bench's attention block ([8, 64, 4×32]).
// node --import tsx bench/fusedAttentionKernelMicro.ts
import { attentionWasmKernel } from '../src/engine/backends/fastPaths/wasmAttentionKernel';

const kernel = attentionWasmKernel();
if (kernel === null) throw new Error('attention kernel not built');
for (const [batch, seq, heads, headDim] of [[8, 64, 4, 32], [8, 128, 4, 64]]) {
  const dims = { batch, seq, heads, headDim };
  const n = batch * seq * heads * headDim;
  const rnd = (m: number): Float32Array => Float32Array.from({ length: m }, () => Math.random() - 0.5);
  const [q, k, v, dc] = [rnd(n), rnd(n), rnd(n), rnd(n)];
  const bias = new Float32Array(batch * seq);
  const flops = 6 * batch * heads * seq * seq * headDim * 2;
  let f = Infinity;
  let b = Infinity;
  for (let r = 0; r < 10; r++) {
    const t0 = performance.now();
    const { probs } = kernel.forward(dims, q, k, v, bias, null);
    const t1 = performance.now();
    kernel.backward(dims, dc, q, k, v, probs, null);
    const t2 = performance.now();
    f = Math.min(f, t1 - t0);
    b = Math.min(b, t2 - t1);
  }
  console.log(`[${batch}, ${seq}, ${heads}x${headDim}]: forward ${f.toFixed(2)} ms, backward ${b.toFixed(2)} ms, ${(flops / (f + b) / 1e6).toFixed(1)} GFLOP/s`);
}

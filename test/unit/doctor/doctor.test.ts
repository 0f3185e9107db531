import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixFor } from '../../../src/engine/doctor/backendFixes';
import { doctorMarkdown } from '../../../src/engine/doctor/doctorMarkdown';
import { parseNvidiaSmi } from '../../../src/engine/doctor/nvidiaSmi';
import { runDoctor } from '../../../src/engine/doctor/runDoctor';
import { BACKEND_ENV_VAR } from '../../../src/engine/backends/selectBackend';
import { WEBGPU_ALLOW_SOFTWARE_ENV } from '../../../src/engine/backends/webgpu/webgpuSettings';

test('nvidia-smi CSV is parsed into GPUs', () => {
  assert.deepEqual(parseNvidiaSmi('NVIDIA H100 80GB HBM3, 81559, 580.159.04, 9.0\nTesla T4, [N/A], 535.1, 7.5\n\n'), [
    { name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, driver: '580.159.04', computeCapability: '9.0' },
    { name: 'Tesla T4', memoryMiB: null, driver: '535.1', computeCapability: '7.5' },
  ]);
});

test('each failure reason gets its fix', () => {
  assert.match(fixFor('tensorflow-gpu', '@tensorflow/tfjs-node-gpu is not installed (optional; see README)', null) ?? '', /TFJS_NODE_BASE_URI/);
  assert.match(fixFor('tensorflow-gpu', '@tensorflow/tfjs-node-gpu found no usable GPU device (check CUDA 11.2 and cuDNN 8.1)', null) ?? '', /fell back to the CPU/);
  assert.match(fixFor('tensorflow', 'failed to load: The module was compiled against a different Node.js version using NODE_MODULE_VERSION 108', '30.1.2') ?? '', /fineTune\.nodePath/);
  assert.match(fixFor('webgpu', 'no WebGPU adapter: native (Vulkan/Metal/D3D12): no adapter: the Vulkan loader (libvulkan.so.1) is not installed', null) ?? '', /libvulkan1/);
  assert.match(fixFor('webgpu', 'only a software WebGPU adapter was found (…)', null) ?? '', /FINETUNE_WEBGPU_ALLOW_SOFTWARE=1/);
  assert.equal(fixFor('cpu', 'anything', null), null);
});

test('the doctor reports every backend in order, with reasons and fixes, and which one a run uses', async () => {
  const saved = { backend: process.env[BACKEND_ENV_VAR], soft: process.env[WEBGPU_ALLOW_SOFTWARE_ENV] };
  delete process.env[BACKEND_ENV_VAR];
  delete process.env[WEBGPU_ALLOW_SOFTWARE_ENV];
  try {
    const report = await runDoctor();
    assert.equal(report.schema, 1);
    assert.deepEqual(report.backends.map((b) => b.name), ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']);
    for (const b of report.backends) {
      if (b.usable) {
        assert.equal(b.reason, null);
        assert.ok(b.stepMs !== null && b.stepMs > 0, `${b.name} was timed`);
      } else {
        assert.ok(b.reason !== null && b.reason.length > 0, `${b.name} says why not`);
      }
    }
    const wasm = report.backends.find((b) => b.name === 'wasm');
    assert.ok(wasm?.usable);
    assert.ok(report.chosen !== null);
    assert.ok(['found', 'absent', 'failed'].includes(report.nvidiaSmi.status));
    assert.ok(report.webgpuAdapters.length >= 1, 'the WebGPU adapter search is reported');
    if (report.chosen === 'wasm') assert.match(report.summary, /^Runs train on the CPU \(wasm\) because no GPU backend is usable \(tensorflow-gpu: .*; webgpu: .*\)/);
    const webgpu = report.backends.find((b) => b.name === 'webgpu');
    if (webgpu?.forcedOnly) assert.ok(webgpu.stepMs !== null, 'a software adapter is timed so the user can judge');
    const md = doctorMarkdown(report);
    assert.match(md, /^# Fine-Tune GPU check/);
    assert.match(md, /\| wasm \| (\*\*used\*\*|usable) \|/);
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(report)));
  } finally {
    if (saved.backend !== undefined) process.env[BACKEND_ENV_VAR] = saved.backend;
    if (saved.soft !== undefined) process.env[WEBGPU_ALLOW_SOFTWARE_ENV] = saved.soft;
  }
});

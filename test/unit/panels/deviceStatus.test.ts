import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { BackendProbe, DoctorReport } from '../../../src/engine/doctor/doctorTypes';
import type { DeviceStatus } from '../../../src/protocol/setupPanelProtocol';
import { deviceStatusFor, parseDoctorReport, shortReason } from '../../../src/panels/deviceStatus';
import { DeviceProbe, DOCTOR_ARGS } from '../../../src/panels/deviceProbe';

const SOFTWARE_ONLY =
  'only a software WebGPU adapter was found (native (Vulkan/Metal/D3D12): no adapter: the Vulkan loader (libvulkan.so.1) is not installed; OpenGL ES: software adapter found (llvmpipe, OpenGL 4.5 [software adapter: runs on the CPU])); it runs on the CPU, slower than wasm. Set FINETUNE_WEBGPU_ALLOW_SOFTWARE=1 to use it anyway';

function probe(name: BackendProbe['name'], usable: boolean, extra: Partial<BackendProbe> = {}): BackendProbe {
  return { name, usable, reason: usable ? null : `${name} is not usable`, device: null, stepMs: null, forcedOnly: false, fix: null, ...extra };
}

/** A report as `finetune doctor --json --quick` prints it on a machine without a GPU (this machine's wording). */
function cpuReport(overrides: Partial<DoctorReport> = {}): DoctorReport {
  return {
    schema: 1,
    time: '2026-11-26T18:00:00.000Z',
    platform: 'linux',
    arch: 'x64',
    cpus: 2,
    runtime: { node: '22.0.0', modules: '127', electron: null },
    tfjs: '4.22.0',
    nvidiaSmi: { status: 'absent' },
    vulkanLoader: null,
    webgpuAdapters: [],
    probe: 'MLP',
    backends: [
      probe('tensorflow-gpu', false, { reason: '@tensorflow/tfjs-node-gpu is not installed (optional; see README)' }),
      probe('webgpu', false, { reason: SOFTWARE_ONLY }),
      probe('tensorflow', false, { reason: '@tensorflow/tfjs-node is not installed (optional; see README)' }),
      probe('wasm', true),
      probe('cpu', true),
    ],
    chosen: 'wasm',
    summary: 'Runs train on the CPU (wasm) because no GPU backend is usable.',
    ...overrides,
  };
}

function gpuReport(device = 'nvidia hopper: NVIDIA H100 80GB HBM3 (Vulkan)'): DoctorReport {
  const report = cpuReport();
  return {
    ...report,
    backends: report.backends.map((b) => (b.name === 'webgpu' ? probe('webgpu', true, { device }) : b)),
    chosen: 'webgpu',
    nvidiaSmi: { status: 'found', gpus: [{ name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, driver: '550', computeCapability: '9.0' }] },
  };
}

function kindOf(status: DeviceStatus): string {
  return status.status === 'ready' ? status.kind : status.status;
}

function reasonOf(status: DeviceStatus): string | null {
  return status.status === 'checking' ? null : status.reason;
}

const BERT = { model: 'roberta-base', modelTitle: 'roberta-base', backendSetting: 'auto' };

test('short reasons: parenthesised details and what follows the first clause are left out', () => {
  assert.equal(shortReason(SOFTWARE_ONLY), 'only a software WebGPU adapter was found');
  assert.equal(shortReason('@tensorflow/tfjs-node-gpu is not installed (optional; see README)'), '@tensorflow/tfjs-node-gpu is not installed');
  assert.equal(shortReason('no WebGPU adapter: native (Vulkan/Metal/D3D12): no adapter; OpenGL ES: none'), 'no WebGPU adapter: native: no adapter');
  assert.equal(shortReason('x'.repeat(300)).length, 140);
  assert.ok(shortReason('x'.repeat(300)).endsWith('…'));
});

test('device: the CPU, with the WebGPU reason first, on a machine without a GPU', () => {
  assert.deepEqual(deviceStatusFor(cpuReport(), BERT), {
    status: 'ready',
    kind: 'cpu',
    text: 'CPU (WebAssembly)',
    reason: 'no GPU backend usable: only a software WebGPU adapter was found',
  });
  const noWebgpuReason = cpuReport();
  noWebgpuReason.backends = noWebgpuReason.backends.filter((b) => b.name !== 'webgpu');
  assert.equal(reasonOf(deviceStatusFor(noWebgpuReason, BERT)), 'no GPU backend usable: @tensorflow/tfjs-node-gpu is not installed');
});

test('device: the GPU through WebGPU for a transformer; nn-sentiment and the MLP stay on the CPU under auto', () => {
  assert.deepEqual(deviceStatusFor(gpuReport(), BERT), { status: 'ready', kind: 'gpu', text: 'GPU — NVIDIA H100 80GB HBM3 (WebGPU)', reason: null });
  const noSmi = { ...gpuReport('amd: radeon rx 7900 (Vulkan)'), nvidiaSmi: { status: 'absent' as const } };
  assert.deepEqual(deviceStatusFor(noSmi, BERT), { status: 'ready', kind: 'gpu', text: 'GPU — amd: radeon rx 7900 (Vulkan) (WebGPU)', reason: null });
  const nn = deviceStatusFor(gpuReport(), { model: 'nn-sentiment', modelTitle: 'nn-sentiment', backendSetting: 'auto' });
  assert.ok(nn.status === 'ready');
  assert.equal(nn.kind, 'cpu');
  assert.equal(nn.text, 'CPU (WebAssembly)');
  assert.match(nn.reason ?? '', /^nn-sentiment trains faster on the CPU than through WebGPU .*other models use the GPU \(nvidia hopper: NVIDIA H100/);
  assert.equal(kindOf(deviceStatusFor(gpuReport(), { model: 'mlp', modelTitle: 'MLP', backendSetting: 'auto' })), 'cpu');
  // Forced to webgpu: every model uses it, as the run does.
  assert.equal(kindOf(deviceStatusFor(gpuReport(), { model: 'nn-sentiment', modelTitle: 'nn-sentiment', backendSetting: 'webgpu' })), 'gpu');
});

test('device: tfjs-node-gpu names the nvidia-smi GPU; a software adapter the user allowed is the CPU; a forced CPU backend says so', () => {
  const cuda = gpuReport();
  cuda.backends = cuda.backends.map((b) => (b.name === 'tensorflow-gpu' ? probe('tensorflow-gpu', true) : b));
  cuda.chosen = 'tensorflow-gpu';
  assert.deepEqual(deviceStatusFor(cuda, BERT), { status: 'ready', kind: 'gpu', text: 'GPU — NVIDIA H100 80GB HBM3 (CUDA through tfjs-node-gpu)', reason: null });
  const software = gpuReport('mesa: llvmpipe through OpenGL ES (compatibility mode) [software adapter: runs on the CPU]');
  const s = deviceStatusFor(software, BERT);
  assert.ok(s.status === 'ready');
  assert.equal(s.kind, 'cpu');
  assert.match(s.text, /^CPU through a software WebGPU adapter — mesa: llvmpipe/);
  const forced = cpuReport({ chosen: 'cpu' });
  assert.deepEqual(deviceStatusFor(forced, { ...BERT, backendSetting: 'cpu' }), { status: 'ready', kind: 'cpu', text: 'CPU (plain JavaScript)', reason: 'the setting fineTune.backend asks for cpu' });
  assert.deepEqual(deviceStatusFor(cpuReport({ chosen: null, summary: 'No backend can train here: see the reasons above.' }), BERT), { status: 'failed', reason: 'No backend can train here: see the reasons above' });
});

test('the doctor JSON is read only when it has the parts the line needs', () => {
  const report = cpuReport();
  assert.deepEqual(parseDoctorReport(JSON.stringify(report)), report);
  assert.equal(parseDoctorReport('not json'), null);
  assert.equal(parseDoctorReport(JSON.stringify({ ...report, schema: 2 })), null);
  assert.equal(parseDoctorReport(JSON.stringify({ ...report, backends: [{ name: 'wasm' }] })), null);
  assert.equal(parseDoctorReport(JSON.stringify({ ...report, chosen: 3 })), null);
});

test('probe: one doctor run per settings key (--json --quick), listeners told when it answers; failures keep their reason', async () => {
  const calls: { args: readonly string[]; key: string }[] = [];
  let answer: (stdout: string) => void = () => undefined;
  const probe = new DeviceProbe(
    (args, key) =>
      new Promise<string>((resolve, reject) => {
        calls.push({ args, key });
        if (key === 'broken') reject(new Error('The finetune command exited with code 1.'));
        else answer = resolve;
      }),
  );
  let changes = 0;
  const stop = probe.onDidChange(() => changes++);
  assert.deepEqual(probe.stateFor('a'), { status: 'checking' });
  assert.deepEqual(probe.stateFor('a'), { status: 'checking' });
  assert.equal(calls.length, 1, 'asked twice, run once');
  assert.deepEqual(calls[0].args, DOCTOR_ARGS);
  assert.deepEqual([...DOCTOR_ARGS], ['doctor', '--json', '--quick']);
  answer(JSON.stringify(cpuReport()));
  await new Promise((resolve) => setImmediate(resolve));
  const ready = probe.stateFor('a');
  assert.ok(ready.status === 'ready' && ready.report.chosen === 'wasm');
  assert.equal(changes, 1);
  assert.equal(calls.length, 1, 'cached for the session');

  probe.stateFor('broken');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(probe.stateFor('broken'), { status: 'failed', reason: 'The finetune command exited with code 1.' });

  probe.stateFor('garbled');
  answer('{"schema": 1}');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(probe.stateFor('garbled'), { status: 'failed', reason: 'The GPU check printed no report that could be read.' });

  // A full report from "Check GPU Setup" replaces the quick one, and listeners hear of it.
  const before = changes;
  probe.remember('a', gpuReport());
  const remembered = probe.stateFor('a');
  assert.ok(remembered.status === 'ready' && remembered.report.chosen === 'webgpu');
  assert.equal(changes, before + 1);

  probe.forget();
  assert.deepEqual(probe.stateFor('a'), { status: 'checking' });
  assert.equal(calls.filter((c) => c.key === 'a').length, 2, 'forgotten answers are checked again');
  stop();
  probe.dispose();
});

test('device: the report `finetune doctor --json --quick` printed on an NVIDIA H100 (1.6 s there, 6.0 s without --quick)', () => {
  const report = parseDoctorReport(readFileSync(path.join(__dirname, 'fixtures', 'doctor-h100-quick.json'), 'utf8'));
  assert.ok(report, 'the real report is read');
  assert.equal(report.chosen, 'webgpu');
  assert.ok(report.backends.every((b) => b.stepMs === null), '--quick times nothing');
  assert.deepEqual(deviceStatusFor(report, BERT), { status: 'ready', kind: 'gpu', text: 'GPU — NVIDIA H100 80GB HBM3 (WebGPU)', reason: null });
  const nn = deviceStatusFor(report, { model: 'nn-sentiment', modelTitle: 'nn-sentiment', backendSetting: 'auto' });
  assert.equal(kindOf(nn), 'cpu');
  assert.match(reasonOf(nn) ?? '', /other models use the GPU \(nvidia: nvidia-h100-80gb-hbm3/);
});

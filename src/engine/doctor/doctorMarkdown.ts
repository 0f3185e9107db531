// The doctor's report as Markdown, for the terminal and for the extension's "Check GPU Setup".

import { describeAdapter } from '../backends/webgpu/adapterFacts';
import type { DoctorReport } from './doctorTypes';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function doctorMarkdown(report: DoctorReport): string {
  const lines: string[] = ['# Fine-Tune GPU check', '', `**${report.summary}**`, ''];
  lines.push(`Machine: ${report.platform}-${report.arch}, ${report.cpus} CPU cores; Node.js ${report.runtime.node} (modules ${report.runtime.modules})${report.runtime.electron === null ? '' : `, Electron ${report.runtime.electron}`}; TensorFlow.js ${report.tfjs}.`, '');
  lines.push('## GPUs');
  const smi = report.nvidiaSmi;
  if (smi.status === 'found') {
    if (smi.gpus.length === 0) lines.push('- nvidia-smi runs but lists no GPU.');
    for (const g of smi.gpus) lines.push(`- NVIDIA ${g.name}: ${g.memoryMiB === null ? '?' : `${(g.memoryMiB / 1024).toFixed(0)} GiB`}, driver ${g.driver}, compute capability ${g.computeCapability}`);
  } else if (smi.status === 'absent') {
    lines.push('- nvidia-smi: not found (no NVIDIA driver on the PATH).');
  } else {
    lines.push(`- nvidia-smi failed: ${smi.error}`);
  }
  if (report.platform === 'linux') lines.push(`- Vulkan loader (libvulkan.so.1): ${report.vulkanLoader ?? 'not found'}`);
  for (const a of report.webgpuAdapters) {
    lines.push(`- WebGPU through ${a.via === 'opengl' ? 'OpenGL ES (compatibility mode)' : 'the native backend (Vulkan/Metal/D3D12)'}: ${a.facts === null ? a.outcome : describeAdapter(a.facts)}`);
  }
  lines.push('', '## Backends, in the order runs try them', '', `Step time: ${report.probe}.`, '', '| Backend | Status | One step | Device | Reason | Fix |', '| --- | --- | --- | --- | --- | --- |');
  for (const b of report.backends) {
    const status = b.usable ? (b.name === report.chosen ? '**used**' : 'usable') : b.forcedOnly ? 'only if forced' : 'not usable';
    const step = b.stepMs === null ? '—' : `${b.stepMs.toFixed(1)} ms`;
    lines.push(`| ${b.name} | ${status} | ${step} | ${cell(b.device ?? '—')} | ${cell(b.reason ?? '—')} | ${cell(b.fix ?? '—')} |`);
  }
  lines.push('', 'Force a backend with the setting fineTune.backend (or FINETUNE_BACKEND for the CLI). `finetune doctor --json` prints this report as JSON.', '');
  return lines.join('\n');
}

// Lists NVIDIA GPUs through nvidia-smi, when the driver's tool is on the PATH. It sees GPUs even
// when no backend of ours can use them, which is what the doctor needs to explain.

import { execFile } from 'node:child_process';
import type { DoctorReport, NvidiaGpu } from './doctorTypes';

export function parseNvidiaSmi(csv: string): NvidiaGpu[] {
  return csv
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [name = '', memory = '', driver = '', capability = ''] = line.split(',').map((s) => s.trim());
      const mib = Number(memory);
      return { name, memoryMiB: Number.isFinite(mib) && memory !== '' ? mib : null, driver, computeCapability: capability };
    });
}

export function queryNvidiaSmi(timeoutMs = 10_000): Promise<DoctorReport['nvidiaSmi']> {
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      ['--query-gpu=name,memory.total,driver_version,compute_cap', '--format=csv,noheader,nounits'],
      { timeout: timeoutMs },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') resolve({ status: 'absent' });
        else if (error) resolve({ status: 'failed', error: (stderr.trim() || error.message).split('\n')[0] ?? error.message });
        else resolve({ status: 'found', gpus: parseNvidiaSmi(stdout) });
      },
    );
  });
}

// Copies one checkpoint folder over another inside a run (used to resume from 'best': the worker
// resumes from 'last'). The target is replaced with the same two renames the engine's saves use,
// so a crash leaves either the old or the new checkpoint, never half of one.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from '../storage/atomicWrite';
import { CHECKPOINT_STATE_FILE } from '../storage/runLayout';

export async function copyCheckpointOver(checkpointsDir: string, from: string, to: string): Promise<void> {
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const source = path.join(checkpointsDir, from);
  const final = path.join(checkpointsDir, to);
  const tmp = path.join(checkpointsDir, `${to}.tmp-${suffix}`);
  const old = path.join(checkpointsDir, `${to}.old-${suffix}`);
  await fs.cp(source, tmp, { recursive: true });
  try {
    const stateFile = path.join(tmp, CHECKPOINT_STATE_FILE);
    const state = JSON.parse(await fs.readFile(stateFile, 'utf8')) as Record<string, unknown>;
    await writeJsonAtomic(stateFile, { ...state, name: to });
  } catch (error) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const hadOld = await fs.stat(final).then(
    () => true,
    () => false,
  );
  if (hadOld) await fs.rename(final, old);
  await fs.rename(tmp, final);
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
}

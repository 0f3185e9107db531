// Runs a training job (new or resumed) in a forked worker, or in this process with --in-process,
// and shows its progress. Ctrl-C stops gracefully (checkpoint, then exit); a second Ctrl-C kills.

import * as path from 'node:path';
import type { WorkerMessage } from '../protocol/workerProtocol';
import type { RunStore } from '../storage/runStore';
import { executeRun } from '../engine/runner/executeRun';
import { describeError } from '../engine/userError';
import { runEventsToMessages } from '../worker/runEventsToMessages';
import { defaultWorkerScript, startWorker } from '../worker/workerClient';
import type { Printer } from './progressPrinter';

export interface WatchResult {
  status: 'completed' | 'stopped' | 'failed';
  reason: string | null;
}

export async function runAndWatch(
  store: RunStore,
  runId: string,
  job: { resume: boolean; extraEpochs: number; inProcess: boolean },
  printer: Printer,
  errorOut: (text: string) => void,
): Promise<WatchResult> {
  return job.inProcess ? runHere(store, runId, job, printer) : runInWorker(store, runId, job, printer, errorOut);
}

async function runHere(store: RunStore, runId: string, job: { resume: boolean; extraEpochs: number }, printer: Printer): Promise<WatchResult> {
  let stop = false;
  const onSigint = (): void => {
    if (stop) process.exit(130);
    stop = true;
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await executeRun(store, runId, {
      ...job,
      shouldStop: () => stop,
      events: runEventsToMessages(runId, (m) => printer.handle(m)),
    });
    return result;
  } catch (error) {
    const reason = describeError(error);
    await store.updateRun(runId, { status: 'failed', statusReason: reason, pid: null, finishedAt: new Date().toISOString() });
    return { status: 'failed', reason };
  } finally {
    process.off('SIGINT', onSigint);
    printer.flush();
  }
}

async function runInWorker(
  store: RunStore,
  runId: string,
  job: { resume: boolean; extraEpochs: number },
  printer: Printer,
  errorOut: (text: string) => void,
): Promise<WatchResult> {
  let result: WatchResult | null = null;
  let stderr = '';
  const handle = startWorker(
    { workerScript: defaultWorkerScript(__dirname) },
    (message: WorkerMessage) => {
      if (message.type === 'worker/ready') {
        handle.send({ type: 'run/start', payload: { runsDir: store.runsDir, runId, resume: job.resume, extraEpochs: job.extraEpochs } });
      } else if (message.type === 'run/finished') {
        result = { status: message.payload.status, reason: message.payload.reason };
      } else if (message.type === 'run/failed') {
        result = { status: 'failed', reason: message.payload.reason };
        if (message.payload.detail && process.env.FINETUNE_VERBOSE) errorOut(`${message.payload.detail}\n`);
      }
      printer.handle(message);
    },
    (_stream, text) => {
      stderr = (stderr + text).slice(-8000);
    },
  );
  const onSigint = (): void => {
    printer.flush();
    errorOut('stopping: saving a checkpoint (press Ctrl-C again to kill)\n');
    handle.stop('Stopped by the user (Ctrl-C).');
  };
  process.on('SIGINT', onSigint);
  try {
    const exit = await handle.exited;
    printer.flush();
    if (result) return result;
    const reason = `The training worker (${path.basename(defaultWorkerScript(__dirname))}) exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`} before finishing.${stderr ? ` Its last output: ${stderr.trim().split('\n').slice(-5).join(' | ')}` : ''}`;
    await store.updateRun(runId, { status: 'failed', statusReason: reason, pid: null }).catch(() => undefined);
    return { status: 'failed', reason };
  } finally {
    process.off('SIGINT', onSigint);
  }
}
